/**
 * Signals on DynamoDB (the SignalStore port), and the keyed page both they and the worklist read.
 *
 *   SIGNAL#id / SIGNAL   a signal (no client personal data), with the whole signal in `summary`
 *                        (small), so the indexes that list it copy what a list shows:
 *     byKind       gsi4pk SIGNAL             gsi4sk createdAt#signalId   all signals
 *     byRegisseur  gsi3pk SIGNALS#userId     gsi3sk createdAt#signalId   one author's signals
 *
 * A list is one query of one partition, newest first, with the date range as a key condition and
 * the other filters as a filter expression; a page asks for one item more than it shows, so it
 * knows whether another page follows.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError } from '../../core/errors';
import type { SignalQuery, SignalStore } from '../../core/ports';
import type { Signal } from '../../core/schemas';
import { isConditionFailure, keyedPage } from './client';
import { INDEX, SUMMARY_ATTRIBUTE } from './table';


const signalKey = (signalId: string) => ({ pk: `SIGNAL#${signalId}`, sk: 'SIGNAL' });
/** `createdAt#signalId` → the signal's item key. */
const signalKeyOfSortKey = (sortKey: string) => signalKey(sortKey.slice(sortKey.lastIndexOf('#') + 1));

type StoredSignal = Signal & { partnerKey: string };

export class DynamoSignalStore implements SignalStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(signal: Signal): Promise<void> {
    const sortKey = `${signal.createdAt}#${signal.signalId}`;
    const summary: StoredSignal = { ...signal, partnerKey: signal.partner.toLowerCase() };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...signalKey(signal.signalId),
            gsi4pk: 'SIGNAL',
            gsi4sk: sortKey,
            gsi3pk: `SIGNALS#${signal.createdBy}`,
            gsi3sk: sortKey,
            [SUMMARY_ATTRIBUTE]: summary,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      throw isConditionFailure(error) ? new ConcurrentUpdateError('A signal with this id exists') : error;
    }
  }

  async get(signalId: string): Promise<Signal | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: signalKey(signalId), ConsistentRead: true }));
    return out.Item ? shown(out.Item[SUMMARY_ATTRIBUTE] as StoredSignal) : undefined;
  }

  async list(query: SignalQuery): Promise<{ items: Signal[]; more: boolean }> {
    const own = query.createdBy !== undefined;
    const conditions: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const equal = (field: 'theme' | 'nature' | 'trajectoryId', value: string | undefined) => {
      if (value === undefined) return;
      conditions.push(`#s.#${field} = :${field}`);
      names[`#${field}`] = field;
      values[`:${field}`] = value;
    };
    equal('theme', query.theme);
    equal('nature', query.nature);
    equal('trajectoryId', query.trajectoryId);
    if (query.partner !== undefined) {
      conditions.push('contains(#s.#partnerKey, :partner)');
      names['#partnerKey'] = 'partnerKey';
      values[':partner'] = query.partner.toLowerCase();
    }
    const page = await keyedPage(this.doc, this.tableName, {
      indexName: own ? INDEX.byRegisseur : INDEX.byKind,
      pkName: own ? 'gsi3pk' : 'gsi4pk',
      skName: own ? 'gsi3sk' : 'gsi4sk',
      partition: own ? `SIGNALS#${query.createdBy}` : 'SIGNAL',
      // Sort keys are `createdAt#id`: `from` (an instant) sorts before every key of that instant, `to` is exclusive.
      ...(query.from !== undefined ? { lo: query.from } : {}),
      ...(query.to !== undefined ? { hi: query.to } : {}),
      ...(query.after !== undefined ? { after: query.after } : {}),
      tableKey: signalKeyOfSortKey,
      ...(conditions.length > 0 ? { filter: { expression: conditions.join(' AND '), names: { '#s': SUMMARY_ATTRIBUTE, ...names }, values } } : {}),
      descending: true,
      limit: query.limit,
    });
    return { items: page.items.map((i) => shown(i[SUMMARY_ATTRIBUTE] as StoredSignal)), more: page.more };
  }
}

function shown({ partnerKey: _key, ...signal }: StoredSignal): Signal {
  return signal;
}
