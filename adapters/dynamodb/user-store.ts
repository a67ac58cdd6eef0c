/**
 * The user directory on DynamoDB: one item per user (`USER#id / USER`), listed through the byKind
 * index. Creating is conditional on the id being free, saving on the stored version.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError } from '../../core/errors';
import type { UserStore } from '../../core/ports';
import type { User } from '../../core/schemas';
import { entity, isConditionFailure, queryItems } from './client';
import { INDEX } from './table';

export class DynamoUserStore implements UserStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async createUser(user: User): Promise<void> {
    await this.put(user, 'attribute_not_exists(pk)', {}, 'A user with this id exists');
  }

  async getUser(userId: string): Promise<User | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key(userId), ConsistentRead: true }));
    return out.Item ? entity<User>(out.Item) : undefined;
  }

  listUsers(): Promise<User[]> {
    return queryItems<User>(this.doc, this.tableName, {
      IndexName: INDEX.byKind,
      KeyConditionExpression: 'gsi4pk = :pk',
      ExpressionAttributeValues: { ':pk': 'USER' },
    });
  }

  async saveUser(user: User, expectedVersion: number): Promise<void> {
    if (user.version !== expectedVersion + 1) throw new Error(`A user at version ${expectedVersion} must be saved as version ${expectedVersion + 1}`);
    await this.put(user, 'version = :expected', { ':expected': expectedVersion }, 'The user changed meanwhile');
  }

  private async put(user: User, condition: string, values: Record<string, unknown>, conflict: string): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key(user.userId), gsi4pk: 'USER', gsi4sk: `${user.createdAt}#${user.userId}`, ...user },
          ConditionExpression: condition,
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
        }),
      );
    } catch (error) {
      throw isConditionFailure(error) ? new ConcurrentUpdateError(conflict) : error;
    }
  }
}

const key = (userId: string) => ({ pk: `USER#${userId}`, sk: 'USER' });
