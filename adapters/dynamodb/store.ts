/**
 * The Store port on DynamoDB (one table, see table.ts). Every write that can race is
 * conditional; a failed condition becomes ConcurrentUpdateError.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  type PutCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError } from '../../core/errors';
import type { Claim, Store } from '../../core/ports';
import type { AuditEntry, Client, Handover, Notification, Phase, Task, Trajectory } from '../../core/schemas';
import { entity, isConditionFailure, queryAll } from './client';
import { INDEX } from './table';

export class DynamoStore implements Store {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async createClient(client: Client): Promise<void> {
    await this.put(
      { pk: `CLIENT#${client.clientId}`, sk: 'CLIENT', gsi4pk: 'CLIENT', gsi4sk: `${client.createdAt}#${client.clientId}`, ...client },
      'attribute_not_exists(pk)',
    );
  }

  getClient(clientId: string): Promise<Client | undefined> {
    return this.get(`CLIENT#${clientId}`, 'CLIENT');
  }

  async getClients(clientIds: string[]): Promise<Client[]> {
    const unique = [...new Set(clientIds)];
    const found: Client[] = [];
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map((id) => ({ pk: `CLIENT#${id}`, sk: 'CLIENT' }));
      while (keys && keys.length > 0) {
        const out: BatchGetCommandOutput = await this.doc.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        found.push(...(out.Responses?.[this.tableName] ?? []).map((item) => entity<Client>(item)));
        keys = out.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return found;
  }

  listClients(): Promise<Client[]> {
    return this.listKind<Client>('CLIENT');
  }

  /** Claims are keyed by a hash of their name: a claim on a BSN keeps the BSN out of the key. */
  async setClaim(name: string, claim: Claim | null, expectedOwner: string | null): Promise<void> {
    const key = this.claimKey(name);
    const condition =
      expectedOwner === null
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: 'ownerId = :expected', ExpressionAttributeValues: { ':expected': expectedOwner } };
    try {
      if (claim === null) {
        await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: key, ...condition }));
      } else {
        await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...key, ...claim }, ...condition }));
      }
    } catch (error) {
      throw this.conflict(error, 'The claim is held by another');
    }
  }

  getClaim(name: string): Promise<Claim | undefined> {
    const key = this.claimKey(name);
    return this.get<Claim>(key.pk, key.sk);
  }

  private claimKey(name: string) {
    return { pk: `CLAIM#${createHash('sha256').update(name).digest('hex')}`, sk: 'CLAIM' };
  }

  async saveTrajectory(trajectory: Trajectory, expectedVersion: number | null): Promise<void> {
    if (trajectory.version !== (expectedVersion ?? 0) + 1) {
      throw new Error(`A trajectory at version ${expectedVersion} must be saved as version ${(expectedVersion ?? 0) + 1}`);
    }
    const open = trajectory.openTask;
    const item = {
      pk: `TRAJ#${trajectory.trajectoryId}`,
      sk: 'TRAJ',
      gsi3pk: `REG#${trajectory.regisseurId}`,
      gsi3sk: `${trajectory.createdAt}#${trajectory.trajectoryId}`,
      gsi4pk: 'TRAJ',
      gsi4sk: `${trajectory.createdAt}#${trajectory.trajectoryId}`,
      ...(open
        ? {
            gsi1pk: `ASSIGNEE#${open.assigneeId}`,
            gsi1sk: `${open.dueAt}#${open.taskId}`,
            gsi2pk: 'OPEN',
            gsi2sk: `${open.dueAt}#${open.taskId}`,
          }
        : {}),
      ...trajectory,
    };
    if (expectedVersion === null) {
      await this.put(item, 'attribute_not_exists(pk)');
    } else {
      await this.put(item, 'version = :expected', { ':expected': expectedVersion });
    }
  }

  getTrajectory(trajectoryId: string): Promise<Trajectory | undefined> {
    return this.get(`TRAJ#${trajectoryId}`, 'TRAJ');
  }

  async listTrajectories(filter: { regisseurId?: string; phase?: Phase }): Promise<Trajectory[]> {
    const byRegisseur = filter.regisseurId !== undefined;
    const items = await queryAll<Record<string, unknown>>(this.doc, {
      TableName: this.tableName,
      IndexName: byRegisseur ? INDEX.byRegisseur : INDEX.byKind,
      KeyConditionExpression: byRegisseur ? 'gsi3pk = :pk' : 'gsi4pk = :pk',
      ...(filter.phase ? { FilterExpression: '#phase = :phase', ExpressionAttributeNames: { '#phase': 'phase' } } : {}),
      ExpressionAttributeValues: {
        ':pk': byRegisseur ? `REG#${filter.regisseurId}` : 'TRAJ',
        ...(filter.phase ? { ':phase': filter.phase } : {}),
      },
    });
    return items.map((i) => entity<Trajectory>(i));
  }

  async listOpenTasks(filter: { assigneeId?: string; dueOnOrBefore?: string }): Promise<Task[]> {
    const byAssignee = filter.assigneeId !== undefined;
    const [pkName, skName] = byAssignee ? ['gsi1pk', 'gsi1sk'] : ['gsi2pk', 'gsi2sk'];
    const items = await queryAll<Record<string, unknown>>(this.doc, {
      TableName: this.tableName,
      IndexName: byAssignee ? INDEX.byAssignee : INDEX.byDue,
      // Sort keys are `dueAt#taskId`; '$' sorts right after '#', so this bound includes the whole day.
      KeyConditionExpression: `${pkName} = :pk${filter.dueOnOrBefore ? ` AND ${skName} < :before` : ''}`,
      ExpressionAttributeValues: {
        ':pk': byAssignee ? `ASSIGNEE#${filter.assigneeId}` : 'OPEN',
        ...(filter.dueOnOrBefore ? { ':before': `${filter.dueOnOrBefore}$` } : {}),
      },
    });
    return items.map((i) => entity<Trajectory>(i).openTask).filter((t): t is Task => t !== undefined);
  }

  async putHandover(handover: Handover, expectNew: boolean): Promise<void> {
    await this.put(
      {
        pk: `HANDOVER#${handover.handoverId}`,
        sk: 'HANDOVER',
        gsi4pk: 'HANDOVER',
        gsi4sk: `${handover.createdAt}#${handover.handoverId}`,
        ...handover,
      },
      expectNew ? 'attribute_not_exists(pk)' : 'attribute_exists(pk)',
    );
  }

  getHandover(handoverId: string): Promise<Handover | undefined> {
    return this.get(`HANDOVER#${handoverId}`, 'HANDOVER');
  }

  listHandovers(): Promise<Handover[]> {
    return this.listKind<Handover>('HANDOVER');
  }

  async putNotification(notification: Notification): Promise<void> {
    try {
      await this.put(
        {
          pk: `NOTIFY#${notification.notificationId}`,
          sk: 'NOTIFY',
          gsi4pk: 'NOTIFY',
          gsi4sk: `${notification.createdAt}#${notification.notificationId}`,
          ...notification,
        },
        'attribute_not_exists(pk)',
      );
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error; // written before: once is enough
    }
  }

  listNotifications(): Promise<Notification[]> {
    return this.listKind<Notification>('NOTIFY');
  }

  async resolveNotification(notificationId: string, at: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `NOTIFY#${notificationId}`, sk: 'NOTIFY' },
          UpdateExpression: 'SET resolvedAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(resolvedAt)',
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error; // unknown, or resolved before: once is enough
    }
  }

  async appendAudit(entries: AuditEntry[]): Promise<void> {
    await Promise.all(
      entries.map((entry) =>
        this.put({ pk: `AUDIT#${entry.clientId}`, sk: `${entry.at}#${randomUUID()}`, ...entry }, 'attribute_not_exists(pk)'),
      ),
    );
  }

  async listAudit(clientId: string): Promise<AuditEntry[]> {
    const items = await queryAll<Record<string, unknown>>(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `AUDIT#${clientId}` },
    });
    return items.map((i) => entity<AuditEntry>(i));
  }

  private async listKind<T>(kind: string): Promise<T[]> {
    const items = await queryAll<Record<string, unknown>>(this.doc, {
      TableName: this.tableName,
      IndexName: INDEX.byKind,
      KeyConditionExpression: 'gsi4pk = :pk',
      ExpressionAttributeValues: { ':pk': kind },
    });
    return items.map((i) => entity<T>(i));
  }

  private async get<T>(pk: string, sk: string): Promise<T | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true }));
    return out.Item ? entity<T>(out.Item) : undefined;
  }

  private async put(item: Record<string, unknown>, condition: string, values?: PutCommandInput['ExpressionAttributeValues']) {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: condition,
          ...(values ? { ExpressionAttributeValues: values } : {}),
        }),
      );
    } catch (error) {
      throw this.conflict(error, 'The record changed meanwhile');
    }
  }

  private conflict(error: unknown, message: string): unknown {
    return isConditionFailure(error) ? new ConcurrentUpdateError(message) : error;
  }
}
