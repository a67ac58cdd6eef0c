import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

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
