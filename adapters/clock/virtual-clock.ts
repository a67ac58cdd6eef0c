/**
 * A clock that stands still until it is advanced, so tests and demos run three years in
 * seconds. Its time is kept in the table, so it survives a restart on the same data.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../core/ports';

const DAY_MS = 86_400_000;
const KEY = { pk: 'CLOCK', sk: 'CLOCK' };

export class VirtualClock implements Clock {
  private listeners: Array<() => void> = [];

  private constructor(
    private ms: number,
    private readonly persist: (ms: number) => Promise<void>,
  ) {}

  /** Loads the stored time, or starts at `start` (default: now) on new data. */
  static async load(doc: DynamoDBDocumentClient, tableName: string, start?: Date): Promise<VirtualClock> {
    const stored = (await doc.send(new GetCommand({ TableName: tableName, Key: KEY, ConsistentRead: true }))).Item;
    const persist = async (ms: number) => {
      await doc.send(new PutCommand({ TableName: tableName, Item: { ...KEY, epochMs: ms } }));
    };
    const clock = new VirtualClock(typeof stored?.epochMs === 'number' ? stored.epochMs : (start ?? new Date()).getTime(), persist);
    if (!stored) await persist(clock.ms);
    return clock;
  }

  now(): Date {
    return new Date(this.ms);
  }

  async advance(days: number): Promise<Date> {
    if (days !== 0) {
      this.ms += days * DAY_MS;
      await this.persist(this.ms);
      for (const listener of this.listeners) listener();
    }
    return this.now();
  }

  onAdvance(listener: () => void): void {
    this.listeners.push(listener);
  }
}
