/**
 * Idempotency-Key support on DynamoDB: the first request claims the key (conditional put), a
 * repeat gets the stored response, a repeat with another body is refused. Entries expire
 * through the table's TTL attribute `expiresAt` after a day.
 */
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError, ValidationError } from '../../core/errors';
import type { IdempotencyStore, IdempotentResponse } from '../../core/ports';
import { isConditionFailure } from './client';

const DAY_SECONDS = 86_400;

export class DynamoIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(scope: string, key: string, fingerprint: string): Promise<IdempotentResponse | 'claimed'> {
    const Key = this.key(scope, key);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...Key, fingerprint, state: 'pending', expiresAt: Math.floor(Date.now() / 1000) + DAY_SECONDS },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const stored = (await this.doc.send(new GetCommand({ TableName: this.tableName, Key, ConsistentRead: true }))).Item;
    if (stored?.fingerprint !== fingerprint) {
      throw new ValidationError('This Idempotency-Key was used for another request', [
        { field: 'Idempotency-Key', message: 'use a new key for a different request' },
      ]);
    }
    if (stored.state !== 'done') throw new ConflictError('A request with this Idempotency-Key is still in progress');
    return { fingerprint, status: stored.status as number, body: stored.body };
  }

  async complete(scope: string, key: string, response: IdempotentResponse): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...this.key(scope, key),
          ...response,
          state: 'done',
          expiresAt: Math.floor(Date.now() / 1000) + DAY_SECONDS,
        },
      }),
    );
  }

  async release(scope: string, key: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: this.key(scope, key) }));
  }

  private key(scope: string, key: string) {
    return { pk: `IDEMP#${scope}#${key}`, sk: 'IDEMP' };
  }
}
