/**
 * Idempotency-Key support on DynamoDB: the first request claims the key (conditional put), a
 * repeat gets the stored response, a repeat with another body is refused. A claim whose request
 * died stays `pending` for a minute at most, then the key may be claimed again. Entries expire
 * after a day (the table's TTL attribute `expiresAt`; checked here too, as dynalite has no TTL).
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError, ValidationError } from '../../core/errors';
import type { IdempotencyStore, IdempotentResponse } from '../../core/ports';
import { isConditionFailure } from './client';

const DAY_SECONDS = 86_400;
const PENDING_SECONDS = 60;
const nowSeconds = () => Math.floor(Date.now() / 1000);

export class DynamoIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(scope: string, key: string, fingerprint: string): Promise<{ claimId: string } | { replay: IdempotentResponse }> {
    const Key = this.key(scope, key);
    const now = nowSeconds();
    const claimId = randomUUID();
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...Key, fingerprint, claimId, state: 'pending', pendingUntil: now + PENDING_SECONDS, expiresAt: now + DAY_SECONDS },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR (#state = :pending AND pendingUntil < :now)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':now': now, ':pending': 'pending' },
        }),
      );
      return { claimId };
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
    return { replay: { fingerprint, status: stored.status as number, body: stored.body } };
  }

  async complete(scope: string, key: string, claimId: string, response: IdempotentResponse): Promise<void> {
    await this.ifStillClaimed(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...this.key(scope, key), ...response, claimId, state: 'done', expiresAt: nowSeconds() + DAY_SECONDS },
        ConditionExpression: 'claimId = :claimId',
        ExpressionAttributeValues: { ':claimId': claimId },
      }),
    );
  }

  async release(scope: string, key: string, claimId: string): Promise<void> {
    await this.ifStillClaimed(
      new DeleteCommand({
        TableName: this.tableName,
        Key: this.key(scope, key),
        ConditionExpression: 'claimId = :claimId',
        ExpressionAttributeValues: { ':claimId': claimId },
      }),
    );
  }

  /** A run that outlived its claim (taken over after a minute) leaves the newer run's claim alone. */
  private async ifStillClaimed(command: PutCommand | DeleteCommand): Promise<void> {
    try {
      await this.doc.send(command as PutCommand);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  private key(scope: string, key: string) {
    return { pk: `IDEMP#${scope}#${key}`, sk: 'IDEMP' };
  }
}
