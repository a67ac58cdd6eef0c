import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { ValidationError } from '../../core/errors';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand, type BatchGetCommandOutput, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

/** Decorates an AWS SDK client, e.g. traces its calls in X-Ray (adapters/aws-deps.ts on AWS). */
export type ClientInstrument = <T>(client: T) => T;

/**
 * A document client that drops undefined fields (optional values are simply absent). `instrument`
 * gets the underlying DynamoDB client, whose middleware the document client shares.
 */
export function documentClient(config: DynamoDBClientConfig = {}, instrument: ClientInstrument = (client) => client): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(instrument(new DynamoDBClient(config)), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** Runs a query to its end, page by page. */
export async function queryAll<T>(doc: DynamoDBDocumentClient, input: QueryCommandInput): Promise<T[]> {
  const items: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new QueryCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) }));
    items.push(...((page.Items ?? []) as T[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Items by key (consistent reads), in the order of the keys, 100 a batch; unknown keys are left out. */
export async function batchGetAll<T>(doc: DynamoDBDocumentClient, tableName: string, keys: Array<Record<string, unknown>>): Promise<T[]> {
  const found = new Map<string, T>();
  const id = (k: Record<string, unknown>) => `${String(k.pk)}\u0000${String(k.sk)}`;
  for (let i = 0; i < keys.length; i += 100) {
    let batch: Record<string, unknown>[] | undefined = keys.slice(i, i + 100);
    while (batch && batch.length > 0) {
      const out: BatchGetCommandOutput = await doc.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: batch, ConsistentRead: true } } }));
      for (const item of out.Responses?.[tableName] ?? []) found.set(id(item), entity<T>(item));
      batch = out.UnprocessedKeys?.[tableName]?.Keys;
    }
  }
  return keys.flatMap((k) => (found.has(id(k)) ? [found.get(id(k))!] : []));
}

/** Every item whose index entry matches: the index gives the keys (it need not project more), a batch read the items. */
export async function queryItems<T>(doc: DynamoDBDocumentClient, tableName: string, input: Omit<QueryCommandInput, 'TableName'>): Promise<T[]> {
  const keys = await queryAll<Record<string, unknown>>(doc, { ...input, TableName: tableName });
  return batchGetAll<T>(doc, tableName, keys.map((k) => ({ pk: k.pk, sk: k.sk })));
}

/**
 * One page of a query: at most `limit` items, and a cursor for the next page (the query's
 * LastEvaluatedKey, opaque to the caller) while there may be more. A malformed cursor is a 400.
 */
export async function queryPage<T>(
  doc: DynamoDBDocumentClient,
  input: QueryCommandInput,
  page: { limit: number; cursor?: string },
): Promise<{ items: T[]; cursor?: string }> {
  let out;
  try {
    out = await doc.send(new QueryCommand({ ...input, Limit: page.limit, ...(page.cursor ? { ExclusiveStartKey: decodeCursor(page.cursor) } : {}) }));
  } catch (error) {
    // A cursor from another list (or made up) is a start key DynamoDB refuses: the caller's mistake.
    if (page.cursor && error instanceof Error && error.name === 'ValidationException') throw badCursor();
    throw error;
  }
  return {
    items: (out.Items ?? []) as T[],
    ...(out.LastEvaluatedKey ? { cursor: Buffer.from(JSON.stringify(out.LastEvaluatedKey)).toString('base64url') } : {}),
  };
}

function decodeCursor(cursor: string): Record<string, unknown> {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (key && typeof key === 'object' && Object.values(key).every((v) => typeof v === 'string')) return key as Record<string, unknown>;
  } catch {
    // not JSON: named below
  }
  throw badCursor();
}

const badCursor = () => new ValidationError('Bad cursor', [{ field: 'cursor', message: 'is not a cursor this list gave out' }]);

export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk', 'gsi4pk', 'gsi4sk'];

/** The entity stored in an item, without its key attributes. */
export function entity<T>(item: Record<string, unknown>): T {
  const copy = { ...item };
  for (const key of KEY_ATTRIBUTES) delete copy[key];
  return copy as T;
}

export interface KeyedPageQuery {
  indexName: string;
  /** The index's key attribute names, e.g. gsi1pk / gsi1sk. */
  pkName: string;
  skName: string;
  partition: string;
  /** Sort-key bounds, both inclusive. */
  lo?: string;
  hi?: string;
  /** The sort key of the previous page's last item (exclusive). */
  after?: string;
  /** The table key of the item an index sort key belongs to (the query starts after it). */
  tableKey(sortKey: string): { pk: string; sk: string };
  filter?: { expression: string; names: Record<string, string>; values: Record<string, unknown> };
  descending?: boolean;
  limit: number;
}

/**
 * One page of an index partition: at most `limit` items in sort-key order, and `more` when another
 * follows. `after` moves the start (as ExclusiveStartKey, never outside the key condition's range).
 */
export async function keyedPage(
  doc: DynamoDBDocumentClient,
  tableName: string,
  q: KeyedPageQuery,
): Promise<{ items: Array<Record<string, unknown>>; more: boolean }> {
  let start: Record<string, unknown> | undefined;
  if (q.after !== undefined) {
    const beforeRange = q.descending ? q.hi !== undefined && q.after > q.hi : q.lo !== undefined && q.after < q.lo;
    const pastRange = q.descending ? q.lo !== undefined && q.after <= q.lo : q.hi !== undefined && q.after >= q.hi;
    if (pastRange) return { items: [], more: false };
    if (!beforeRange) start = { [q.pkName]: q.partition, [q.skName]: q.after, ...q.tableKey(q.after) };
  }
  const range =
    q.lo !== undefined && q.hi !== undefined
      ? ` AND #sk BETWEEN :lo AND :hi`
      : q.lo !== undefined
        ? ' AND #sk >= :lo'
        : q.hi !== undefined
          ? ' AND #sk <= :hi'
          : '';
  const input: QueryCommandInput = {
    TableName: tableName,
    IndexName: q.indexName,
    KeyConditionExpression: `#pk = :pk${range}`,
    ExpressionAttributeNames: { '#pk': q.pkName, ...(range ? { '#sk': q.skName } : {}), ...q.filter?.names },
    ExpressionAttributeValues: {
      ':pk': q.partition,
      ...(q.lo !== undefined && range ? { ':lo': q.lo } : {}),
      ...(q.hi !== undefined && range ? { ':hi': q.hi } : {}),
      ...q.filter?.values,
    },
    ...(q.filter ? { FilterExpression: q.filter.expression } : {}),
    ...(q.descending ? { ScanIndexForward: false } : {}),
  };
  const items: Array<Record<string, unknown>> = [];
  do {
    const wanted = q.limit + 1 - items.length;
    const out = await doc.send(
      new QueryCommand({ ...input, Limit: q.filter ? Math.max(wanted, 100) : wanted, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    items.push(...((out.Items ?? []) as Array<Record<string, unknown>>));
    start = out.LastEvaluatedKey;
  } while (start && items.length <= q.limit);
  return { items: items.slice(0, q.limit), more: items.length > q.limit };
}
