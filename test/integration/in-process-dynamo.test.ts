/**
 * The local runtime reaches embedded DynamoDB in memory (`dynamo.clientConfig()`: dynalite's own
 * request listener, no socket, no SigV4). It must answer exactly as the loopback HTTP endpoint
 * does — results, errors and their types, large items, batches, concurrency — and both reach the
 * same data, which stays on disk across a restart.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConditionalCheckFailedException, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchGetAll, documentClient, isConditionFailure, queryAll } from '../../adapters/dynamodb/client';
import { INDEX } from '../../adapters/dynamodb/table';
import { embeddedClientConfig, ensureTable, startEmbeddedDynamo, type EmbeddedDynamo, type InProcessHandler } from '../../local/embedded-dynamodb';

const TABLE = 'in-process-it';
let dir: string;
let dynamo: EmbeddedDynamo;
/** In memory, as the runtime uses it. */
let doc: DynamoDBDocumentClient;
/** Over loopback HTTP, as another process would. */
let http: DynamoDBDocumentClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trajectregie-in-process-'));
  dynamo = await startEmbeddedDynamo(dir);
  doc = documentClient(dynamo.clientConfig());
  http = documentClient(embeddedClientConfig(dynamo.endpoint));
  await ensureTable(doc as unknown as DynamoDBClient, TABLE);
});
afterAll(async () => {
  doc?.destroy();
  http?.destroy();
  await dynamo?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** What a call gives, comparable across transports: the output without request ids, or the error's type and message. */
async function outcome(send: () => Promise<Record<string, unknown>>): Promise<unknown> {
  try {
    const { $metadata, ...output } = (await send()) as { $metadata: { httpStatusCode?: number } };
    return { ok: output, status: $metadata.httpStatusCode };
  } catch (error) {
    const { $metadata, $response: _response, ...fields } = error as Error & { $metadata?: { httpStatusCode?: number }; $response?: unknown };
    const e = error as Error;
    return { error: e.name, message: e.message, constructor: e.constructor.name, status: $metadata?.httpStatusCode, fields };
  }
}

describe('embedded DynamoDB in memory (no socket, no signature)', () => {
  it('answers every request as the HTTP endpoint does, errors included', async () => {
    await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: 'SAME', sk: 'ITEM', gsi4pk: 'SAME', gsi4sk: '1', n: 1, tags: ['a', 'b'], nested: { x: { y: [1, 'z', null, true] } } } }));
    const requests: Record<string, (client: DynamoDBDocumentClient) => Promise<Record<string, unknown>>> = {
      get: (c) => c.send(new GetCommand({ TableName: TABLE, Key: { pk: 'SAME', sk: 'ITEM' }, ConsistentRead: true })),
      'get missing': (c) => c.send(new GetCommand({ TableName: TABLE, Key: { pk: 'NONE', sk: 'ITEM' } })),
      query: (c) => c.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'SAME' } })),
      'query index': (c) => c.send(new QueryCommand({ TableName: TABLE, IndexName: INDEX.byKind, KeyConditionExpression: 'gsi4pk = :pk', ExpressionAttributeValues: { ':pk': 'SAME' } })),
      'condition fails': (c) => c.send(new PutCommand({ TableName: TABLE, Item: { pk: 'SAME', sk: 'ITEM' }, ConditionExpression: 'attribute_not_exists(pk)' })),
      'condition fails, old item returned': (c) =>
        c.send(new UpdateCommand({ TableName: TABLE, Key: { pk: 'SAME', sk: 'ITEM' }, UpdateExpression: 'SET n = :n', ConditionExpression: 'n = :old', ExpressionAttributeValues: { ':n': 5, ':old': 99 }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })),
      'invalid request': (c) => c.send(new GetCommand({ TableName: TABLE, Key: { pk: 'SAME' } })),
      'unknown table': (c) => c.send(new GetCommand({ TableName: 'no-such-table', Key: { pk: 'SAME', sk: 'ITEM' } })),
      'bad expression': (c) => c.send(new UpdateCommand({ TableName: TABLE, Key: { pk: 'SAME', sk: 'ITEM' }, UpdateExpression: 'SET = :n', ExpressionAttributeValues: { ':n': 1 } })),
    };
    for (const [name, request] of Object.entries(requests)) {
      expect({ name, ...((await outcome(() => request(doc))) as object) }).toEqual({ name, ...((await outcome(() => request(http))) as object) });
    }
  });

  it('maps a failed condition to ConditionalCheckFailedException, as the adapters expect', async () => {
    await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: 'COND', sk: 'ITEM', version: 1 } }));
    const failed = await doc
      .send(new PutCommand({ TableName: TABLE, Item: { pk: 'COND', sk: 'ITEM', version: 2 }, ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': 7 } }))
      .catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(ConditionalCheckFailedException);
    expect(isConditionFailure(failed)).toBe(true);
    expect((failed as ConditionalCheckFailedException).$metadata.httpStatusCode).toBe(400);
    expect((await doc.send(new GetCommand({ TableName: TABLE, Key: { pk: 'COND', sk: 'ITEM' } }))).Item?.version).toBe(1);
    await expect(doc.send(new GetCommand({ TableName: 'no-such-table', Key: { pk: 'x', sk: 'y' } }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('serves concurrent requests, serialising conditional writes to one item', async () => {
    await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: 'COUNTER', sk: 'ITEM', n: 0 } }));
    const writers = 60;
    // Optimistic writes on one version: exactly one of each round wins, the rest fail their condition.
    const results = await Promise.allSettled(
      Array.from({ length: writers }, () =>
        doc.send(new UpdateCommand({ TableName: TABLE, Key: { pk: 'COUNTER', sk: 'ITEM' }, UpdateExpression: 'SET n = n + :one', ConditionExpression: 'n = :zero', ExpressionAttributeValues: { ':one': 1, ':zero': 0 } })),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && isConditionFailure(r.reason))).toHaveLength(writers - 1);
    // Unconditional increments all land.
    await Promise.all(Array.from({ length: writers }, () => doc.send(new UpdateCommand({ TableName: TABLE, Key: { pk: 'COUNTER', sk: 'ITEM' }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': 1 } }))));
    expect((await doc.send(new GetCommand({ TableName: TABLE, Key: { pk: 'COUNTER', sk: 'ITEM' }, ConsistentRead: true }))).Item?.n).toBe(writers + 1);
    // Many items at once, read back each its own.
    await Promise.all(Array.from({ length: 200 }, (_, i) => doc.send(new PutCommand({ TableName: TABLE, Item: { pk: `MANY#${i}`, sk: 'ITEM', i } }))));
    const read = await Promise.all(Array.from({ length: 200 }, (_, i) => doc.send(new GetCommand({ TableName: TABLE, Key: { pk: `MANY#${i}`, sk: 'ITEM' } }))));
    expect(read.map((r) => r.Item?.i)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('carries a large item with multi-byte text whole, and refuses one over 400 KB as DynamoDB does', async () => {
    const text = 'ë€𝄞 regisseur — '.repeat(9_000); // ~ 190 KB of UTF-8, characters of 2, 3 and 4 bytes
    const item = { pk: 'LARGE', sk: 'ITEM', text, list: Array.from({ length: 500 }, (_, i) => ({ i, note: `n${i}` })) };
    await doc.send(new PutCommand({ TableName: TABLE, Item: item }));
    expect((await doc.send(new GetCommand({ TableName: TABLE, Key: { pk: 'LARGE', sk: 'ITEM' } }))).Item).toEqual(item);
    expect((await http.send(new GetCommand({ TableName: TABLE, Key: { pk: 'LARGE', sk: 'ITEM' } }))).Item).toEqual(item);
    const tooLarge = await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: 'LARGE', sk: 'TOO', text: 'x'.repeat(410 * 1024) } })).catch((e: Error) => e);
    expect(tooLarge).toMatchObject({ name: 'ValidationException', message: 'Item size has exceeded the maximum allowed size' });
  });

  it('batch-writes and batch-gets 100 keys, and pages a query', async () => {
    const keys = Array.from({ length: 100 }, (_, i) => ({ pk: 'BATCH', sk: `item#${String(i).padStart(3, '0')}` }));
    for (let i = 0; i < keys.length; i += 25) {
      await doc.send(new BatchWriteCommand({ RequestItems: { [TABLE]: keys.slice(i, i + 25).map((k, j) => ({ PutRequest: { Item: { ...k, n: i + j } } })) } }));
    }
    const got = await batchGetAll<{ n: number }>(doc, TABLE, [...keys].reverse());
    expect(got.map((g) => g.n)).toEqual(keys.map((_, i) => 99 - i));
    const raw = await doc.send(new BatchGetCommand({ RequestItems: { [TABLE]: { Keys: keys.slice(0, 10), ConsistentRead: true } } }));
    expect(raw.Responses?.[TABLE]).toHaveLength(10);
    const paged = await queryAll<{ n: number }>(doc, { TableName: TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'BATCH' }, Limit: 7 });
    expect(paged.map((p) => p.n)).toEqual(keys.map((_, i) => i));
    await doc.send(new DeleteCommand({ TableName: TABLE, Key: keys[0]! }));
    expect((await http.send(new GetCommand({ TableName: TABLE, Key: keys[0]! }))).Item).toBeUndefined();
  });

  it('rejects an aborted request before it reaches the database', async () => {
    const controller = new AbortController();
    controller.abort();
    const aborted = await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: 'ABORTED', sk: 'ITEM' } }), { abortSignal: controller.signal }).catch((e: Error) => e);
    expect(aborted).toMatchObject({ name: 'AbortError' });
    expect((await doc.send(new GetCommand({ TableName: TABLE, Key: { pk: 'ABORTED', sk: 'ITEM' } }))).Item).toBeUndefined();
  });

  it('keeps the data on disk: writes in flight at close are answered, a closed one refuses requests, a restart on the same folder has them', async () => {
    const restartDir = await mkdtemp(join(tmpdir(), 'trajectregie-in-process-restart-'));
    try {
      const first = await startEmbeddedDynamo(restartDir);
      // The runtime's settings, with a handler that tells when 40 requests have reached it.
      const config = first.clientConfig();
      const handler = config.requestHandler as InProcessHandler;
      let reached = 0;
      let allReached!: () => void;
      const fortyReached = new Promise<void>((resolve) => (allReached = resolve));
      const counting = {
        handle: (...args: Parameters<InProcessHandler['handle']>) => {
          const answer = handler.handle(...args);
          if (++reached === 40) allReached();
          return answer;
        },
      };
      const before = documentClient({ ...config, requestHandler: counting as unknown as InProcessHandler });
      await ensureTable(before as unknown as DynamoDBClient, TABLE);
      await before.send(new PutCommand({ TableName: TABLE, Item: { pk: 'KEPT', sk: 'ITEM', v: 'on disk' } }));
      // Closing while writes are in flight: they are answered first (as the HTTP server answers its
      // open connections), then LevelDB closes; a write cut off inside dynalite would throw there.
      reached = 0;
      // Updates of one item queue on dynalite's lock for it, where no LevelDB operation of theirs
      // is pending: only the wait for their answers keeps LevelDB open for them.
      const inFlight = Array.from({ length: 40 }, () =>
        before.send(new UpdateCommand({ TableName: TABLE, Key: { pk: 'LATE', sk: 'ITEM' }, UpdateExpression: 'ADD n :one SET gsi4pk = :k, gsi4sk = :k', ExpressionAttributeValues: { ':one': 1, ':k': 'LATE' } })),
      );
      await fortyReached;
      await first.close();
      expect((await Promise.allSettled(inFlight)).map((r) => r.status)).toEqual(inFlight.map(() => 'fulfilled'));
      await expect(before.send(new GetCommand({ TableName: TABLE, Key: { pk: 'KEPT', sk: 'ITEM' } }))).rejects.toThrow(/closed/);
      const second = await startEmbeddedDynamo(restartDir);
      const after = documentClient(second.clientConfig());
      expect((await after.send(new GetCommand({ TableName: TABLE, Key: { pk: 'KEPT', sk: 'ITEM' }, ConsistentRead: true }))).Item?.v).toBe('on disk');
      expect((await after.send(new GetCommand({ TableName: TABLE, Key: { pk: 'LATE', sk: 'ITEM' }, ConsistentRead: true }))).Item?.n).toBe(40);
      await second.close();
    } finally {
      await rm(restartDir, { recursive: true, force: true });
    }
  });
});
