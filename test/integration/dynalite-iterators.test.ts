/**
 * Embedded DynamoDB (dynalite 4.0.0) must close the LevelDB iterator behind every Query, Scan and
 * ListTables (issue 7). dynalite's streams tried to close their iterator with `return()`, which
 * abstract-level 3 iterators do not have, and an iterator read to its end stays open: each one
 * pins a LevelDB snapshot, so overwritten versions are never compacted away (the data folder
 * grows by gigabytes) and LevelDB 1.20's snapshot compaction bug (google/leveldb#320) can serve
 * an older version of an item to a consistent read. patches/dynalite+4.0.0.patch (applied by
 * `postinstall`) closes them; this test fails without it. See docs/upstream/dynalite-iterator-leak.md.
 *
 * How the iterators are counted: abstract-level registers every open iterator with its database
 * (`attachResource` when opened, `detachResource` when closed). dynalite does not expose its
 * database, so the test wraps those two methods on the prototype (of the abstract-level that
 * dynalite itself loads) and counts the native iterators of the database in this test's folder.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient, queryAll } from '../../adapters/dynamodb/client';
import { embeddedClientConfig, startEmbeddedDynamo, type EmbeddedDynamo } from '../../local/embedded-dynamodb';

/** The slice of abstract-level this test touches. */
interface Resource {
  close(): Promise<void>;
}
interface LevelDatabase {
  readonly location?: string;
  attachResource(resource: Resource): void;
  detachResource(resource: Resource): void;
}
interface AbstractLevelModule {
  AbstractLevel: { prototype: LevelDatabase };
  /** The class of the native (classic-level) iterators; keys()/values() wrap one each. */
  AbstractIterator: abstract new (...args: never[]) => Resource;
}

// abstract-level as dynalite loads it: dynalite → level → classic-level → abstract-level.
const fromHere = createRequire(import.meta.url);
const fromLevel = createRequire(createRequire(fromHere.resolve('dynalite')).resolve('level'));
const { AbstractLevel, AbstractIterator } = createRequire(fromLevel.resolve('classic-level'))('abstract-level') as AbstractLevelModule;

const TABLE = 'dynalite-iterators';
const INDEX = 'byGroup';
const ITEMS = 12;
const ROUNDS = 10;

let dir: string;
let dynamo: EmbeddedDynamo;
let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;
const openIterators = new Set<Resource>();
const { attachResource, detachResource } = AbstractLevel.prototype;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trajectregie-iterators-'));
  AbstractLevel.prototype.attachResource = function (this: LevelDatabase, resource: Resource) {
    if (this.location === dir && resource instanceof AbstractIterator) openIterators.add(resource);
    attachResource.call(this, resource);
  };
  AbstractLevel.prototype.detachResource = function (this: LevelDatabase, resource: Resource) {
    openIterators.delete(resource);
    detachResource.call(this, resource);
  };
  dynamo = await startEmbeddedDynamo(dir);
  client = new DynamoDBClient(embeddedClientConfig(dynamo.endpoint));
  doc = documentClient(embeddedClientConfig(dynamo.endpoint));
  // A table of its own (one global index), so that this test
  // does not follow changes to the project's table definition.
  await client.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: ['pk', 'sk', 'gpk', 'gsk'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: INDEX,
          KeySchema: [{ AttributeName: 'gpk', KeyType: 'HASH' }, { AttributeName: 'gsk', KeyType: 'RANGE' }],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: TABLE });
  for (let i = 0; i < ITEMS; i++) {
    const n = String(i).padStart(2, '0');
    await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: 'LEAK', sk: `item#${n}`, gpk: 'LEAK', gsk: `2025-01-${n}#${n}`, n: i } }));
  }
});

afterAll(async () => {
  AbstractLevel.prototype.attachResource = attachResource;
  AbstractLevel.prototype.detachResource = detachResource;
  client?.destroy();
  doc?.destroy();
  await dynamo?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/**
 * The iterators that `rounds` runs of a request leave open once they have answered. A closed
 * iterator is detached asynchronously (the native close runs off the main thread), so wait
 * briefly for the count to come back.
 */
async function leftOpenBy(request: () => Promise<unknown>, rounds: number): Promise<number> {
  const before = openIterators.size;
  for (let round = 0; round < rounds; round++) await request();
  for (let waited = 0; openIterators.size > before && waited < 1000; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return openIterators.size - before;
}

const byPartition = { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'LEAK' } };
const byGroup = { IndexName: INDEX, KeyConditionExpression: 'gpk = :k', ExpressionAttributeValues: { ':k': 'LEAK' } };

describe('dynalite closes its LevelDB iterators (issue 7, patches/dynalite+4.0.0.patch)', () => {
  it(`leaves no iterator open after ${ROUNDS} rounds of Queries, Scans and ListTables, read to the end or cut short by Limit`, async () => {
    const requests: Record<string, () => Promise<unknown>> = {
      'Query': async () => expect((await doc.send(new QueryCommand({ TableName: TABLE, ...byPartition }))).Items).toHaveLength(ITEMS),
      'Query Limit': async () => expect((await doc.send(new QueryCommand({ TableName: TABLE, ...byPartition, Limit: 5 }))).Items).toHaveLength(5),
      'Query paged': async () => expect(await queryAll(doc, { TableName: TABLE, ...byPartition, Limit: 5 })).toHaveLength(ITEMS),
      'Query no match': async () => expect((await doc.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'NONE' } }))).Items).toHaveLength(0),
      'Query index': async () => expect((await doc.send(new QueryCommand({ TableName: TABLE, ...byGroup }))).Items).toHaveLength(ITEMS),
      'Query index Limit': async () => expect((await doc.send(new QueryCommand({ TableName: TABLE, ...byGroup, Limit: 3, ScanIndexForward: false }))).Items?.map((i) => i.n)).toEqual([11, 10, 9]),
      'Scan': async () => expect((await doc.send(new ScanCommand({ TableName: TABLE }))).Items).toHaveLength(ITEMS),
      'Scan Limit': async () => expect((await doc.send(new ScanCommand({ TableName: TABLE, Limit: 4 }))).Items).toHaveLength(4),
      'Scan index': async () => expect((await doc.send(new ScanCommand({ TableName: TABLE, IndexName: INDEX }))).Items).toHaveLength(ITEMS),
      'ListTables': async () => expect((await client.send(new ListTablesCommand({}))).TableNames).toContain(TABLE),
    };
    const leaked: Record<string, number> = {};
    for (const [name, request] of Object.entries(requests)) leaked[name] = await leftOpenBy(request, ROUNDS);
    expect(leaked).toEqual(Object.fromEntries(Object.keys(requests).map((name) => [name, 0])));
    expect(openIterators.size).toBe(0);
  });
});
