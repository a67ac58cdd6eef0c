/**
 * Meters the DynamoDB traffic of a run: requests by kind, the read and write units they would
 * consume on AWS (index copies included, by the rules in capacity.ts), the largest item, and the
 * time the embedded database was busy (the union of the intervals in which it held a request,
 * from the signed request handed over to the raw answer back, the SDK's own work left out: the
 * database's own cost of the run, against which the wall time is compared).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tableDefinition } from '../../adapters/dynamodb/table';
import { itemSize, readUnits, writeCost } from './capacity';

type Item = Record<string, unknown>;

export interface DynamoFigures {
  reads: number;
  writes: number;
  queries: number;
  readUnits: number;
  writeUnits: number;
  indexWriteUnits: number;
  largestItemBytes: number;
  busyMs: number;
  byCommand: Record<string, number>;
}

/**
 * The local engine's execution records and the virtual clock live in the table only locally; on
 * AWS, Step Functions keeps the executions and the clock is real, so their traffic is not counted.
 */
function isLocalOnly(input: Item): boolean {
  const key = (input.Item ?? input.Key) as Item | undefined;
  const pk = String(key?.pk ?? (input.ExpressionAttributeValues as Item | undefined)?.[':pk'] ?? '');
  return pk.startsWith('EXEC#') || pk === 'CLOCK';
}

const READS = new Set(['GetItemCommand', 'BatchGetItemCommand']);
const QUERIES = new Set(['QueryCommand', 'ScanCommand']);
const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);

export class DynamoMeter {
  readonly figures: DynamoFigures = { reads: 0, writes: 0, queries: 0, readUnits: 0, writeUnits: 0, indexWriteUnits: 0, largestItemBytes: 0, busyMs: 0, byCommand: {} };
  /** The items as last written (as JSON, a fraction of the objects' memory), to price the next write of each (old and new sizes, index moves). */
  private readonly items = new Map<string, string>();
  private inFlight = 0;
  private busySince = 0;
  /** Marks the simulation's own reads, by their async context: the backend's calls beside them are still metered. */
  private readonly quiet = new AsyncLocalStorage<true>();

  /** Runs `read` unmetered: the simulation's own reads (what its people look at), which are not the backend's. */
  quietly<T>(read: () => Promise<T>): Promise<T> {
    return this.quiet.run(true, read);
  }

  attach(doc: DynamoDBDocumentClient): void {
    doc.middlewareStack.add(
      (next, context) => async (args) => {
        const command = context.commandName ?? 'unknown';
        const input = args.input as Item;
        const output = await next(args);
        if (!this.quiet.getStore()) this.count(command, input, output.output as Item);
        return output;
      },
      { step: 'initialize', name: 'simulationMeter' },
    );
    // The database's own time: from the moment the serialized and signed request is handed to
    // the request handler (in this process, dynalite's request listener) until its answer is
    // back, before the SDK parses it. Only the low-level commands have a request by then.
    doc.middlewareStack.add(
      (next) => async (args) => {
        const timed = Boolean((args as { request?: unknown }).request) && !this.quiet.getStore();
        if (timed) this.begin();
        try {
          return await next(args);
        } finally {
          if (timed) this.end();
        }
      },
      { step: 'deserialize', priority: 'low', name: 'simulationDatabaseTime' },
    );
  }

  private begin(): void {
    if (this.inFlight++ === 0) this.busySince = performance.now();
  }

  private end(): void {
    if (--this.inFlight === 0) this.figures.busyMs += performance.now() - this.busySince;
  }

  private count(command: string, input: Item, output: Item): void {
    if (isLocalOnly(input)) return;
    const f = this.figures;
    f.byCommand[command] = (f.byCommand[command] ?? 0) + 1;
    if (READS.has(command)) {
      const items = command === 'GetItemCommand' ? (output.Item ? [output.Item as Item] : []) : Object.values((output.Responses ?? {}) as Record<string, Item[]>).flat();
      f.reads += Math.max(1, items.length);
      const consistent = Boolean(input.ConsistentRead) || command === 'BatchGetItemCommand';
      f.readUnits += items.length === 0 ? readUnits(0, consistent) : items.reduce((n, i) => n + readUnits(itemSize(i), consistent), 0);
    } else if (QUERIES.has(command)) {
      f.queries++;
      const bytes = ((output.Items ?? []) as Item[]).reduce((n, i) => n + itemSize(i), 0);
      f.readUnits += readUnits(bytes, Boolean(input.ConsistentRead));
    } else if (WRITES.has(command)) {
      f.writes++;
      const key = this.keyOf((input.Item ?? input.Key) as Item);
      const stored = this.items.get(key);
      const before = stored === undefined ? undefined : (JSON.parse(stored) as Item);
      const after = command === 'PutItemCommand' ? (input.Item as Item) : command === 'DeleteItemCommand' ? undefined : before && applyUpdate(before, input);
      const cost = writeCost(tableDefinition, before, after);
      f.writeUnits += cost.base + cost.index;
      f.indexWriteUnits += cost.index;
      if (after) {
        this.items.set(key, JSON.stringify(after));
        f.largestItemBytes = Math.max(f.largestItemBytes, itemSize(after));
      } else this.items.delete(key);
    }
  }

  private keyOf(item: Item): string {
    return `${String(item[tableDefinition.partitionKey.name])}\u0000${String(item[tableDefinition.sortKey.name])}`;
  }
}

/**
 * The item after an UpdateItem, from the item before and the update expression: SET path =
 * :value, ADD path :number and REMOVE path, over attribute names and nested maps (what the store
 * writes). Index copies and sizes are priced from it, so an update that moves an indexed value
 * costs its index writes.
 */
export function applyUpdate(before: Item, input: Item): Item {
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
  const path = (p: string) => p.trim().split('.').map((n) => names[n] ?? n);
  const after = structuredClone(before);
  const set = (keys: string[], value: unknown) => {
    let at: Item = after;
    for (const k of keys.slice(0, -1)) at = (at[k] ??= {}) as Item;
    const last = keys.at(-1)!;
    if (value === undefined) delete at[last];
    else at[last] = value;
  };
  const get = (keys: string[]) => keys.reduce<unknown>((v, k) => (v as Item | undefined)?.[k], after);
  const clauses = String(input.UpdateExpression ?? '').split(/\b(SET|ADD|REMOVE)\b/).slice(1);
  for (let i = 0; i < clauses.length; i += 2) {
    const action = clauses[i];
    for (const part of clauses[i + 1]!.split(',').map((x) => x.trim()).filter(Boolean)) {
      if (action === 'SET') {
        const [target, value] = part.split('=').map((x) => x.trim());
        set(path(target!), values[value!]);
      } else if (action === 'ADD') {
        const [target, value] = part.split(/\s+/);
        set(path(target!), Number(get(path(target!)) ?? 0) + Number(values[value!]));
      } else set(path(part), undefined);
    }
  }
  return after;
}
