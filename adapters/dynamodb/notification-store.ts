/**
 * Notifications on DynamoDB (table.ts has the layout):
 * - `REMIND#trajectoryId / REMIND`: the trajectory's next notification moment, in the time-keyed
 *   sparse index (`gsi2pk REMIND`, `gsi2sk at#trajectoryId`), so a tick reads only what is due.
 * - `NOTE#notificationId / NOTE`: one notification; in its recipient's inbox (byAssignee,
 *   `INBOX#role#id`, unread first), in the outbox while its mail is pending (`gsi2pk OUTBOX`,
 *   `nextAttemptAt#id`), and among the failed deliveries once it gave up (byKind `NOTE_FAILED`).
 * Every write that can race is conditional.
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NotificationStore, ReminderMark } from '../../core/ports';
import type { Notification, Role } from '../../core/schemas';
import { batchGetAll, entity, isConditionFailure, queryItems, queryPage } from './client';
import { INDEX } from './table';

const markKey = (trajectoryId: string) => ({ pk: `REMIND#${trajectoryId}`, sk: 'REMIND' });
const noteKey = (notificationId: string) => ({ pk: `NOTE#${notificationId}`, sk: 'NOTE' });
const inboxKey = (recipient: { role: Role; id: string }) => `INBOX#${recipient.role}#${recipient.id}`;
/** Descending order puts U(nread) before R(ead), and the newest first within each. */
const inboxSort = (n: Notification) => `${n.readAt ? 'R' : 'U'}#${n.createdAt}#${n.notificationId}`;
/** Sort keys are `<instant>#…`; '$' sorts right after '#', so the bound includes the instant itself. */
const upTo = (instant: string) => `${instant}$`;

/** The index keys that follow a delivery: in the outbox while pending, among the failed once it gave up. */
const DELIVERY_KEYS = ['gsi2pk', 'gsi2sk', 'gsi4pk', 'gsi4sk'] as const;
function deliveryIndexes(notificationId: string, delivery: Notification['delivery']): Partial<Record<(typeof DELIVERY_KEYS)[number], string>> {
  if (delivery.status === 'pending' && delivery.nextAttemptAt) return { gsi2pk: 'OUTBOX', gsi2sk: `${delivery.nextAttemptAt}#${notificationId}` };
  if (delivery.status === 'failed') return { gsi4pk: 'NOTE_FAILED', gsi4sk: `${delivery.nextAttemptAt ?? ''}#${notificationId}` };
  return {};
}

/** The index keys a notification carries in its state. */
function noteIndexes(n: Notification): Record<string, string> {
  return {
    gsi1pk: inboxKey({ role: n.recipientRole, id: n.recipientId }),
    gsi1sk: inboxSort(n),
    ...deliveryIndexes(n.notificationId, n.delivery),
  };
}

export class DynamoNotificationStore implements NotificationStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async markNext(trajectoryId: string, mark: { at: string; taskId: string; replacing?: string }): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: markKey(trajectoryId),
          UpdateExpression: 'SET #at = :at, #taskId = :taskId, trajectoryId = :id, gsi2pk = :remind, gsi2sk = :sk REMOVE #through',
          ConditionExpression: `attribute_not_exists(#at) OR #at > :at${mark.replacing ? ' OR #taskId = :replacing' : ''}`,
          ExpressionAttributeNames: { '#at': 'at', '#taskId': 'taskId', '#through': 'through' },
          ExpressionAttributeValues: {
            ':at': mark.at,
            ':taskId': mark.taskId,
            ':id': trajectoryId,
            ':remind': 'REMIND',
            ':sk': `${mark.at}#${trajectoryId}`,
            ...(mark.replacing ? { ':replacing': mark.replacing } : {}),
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error; // an earlier moment of another task stays: the tick looks then
    }
  }

  async moveMark(trajectoryId: string, move: { taskId: string; from: string; to: string }): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: markKey(trajectoryId),
          UpdateExpression: 'SET #at = :to, gsi2sk = :sk',
          ConditionExpression: '#at = :from AND #taskId = :taskId AND attribute_not_exists(#through)',
          ExpressionAttributeNames: { '#at': 'at', '#taskId': 'taskId', '#through': 'through' },
          ExpressionAttributeValues: { ':to': move.to, ':from': move.from, ':taskId': move.taskId, ':sk': `${move.to}#${trajectoryId}` },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error; // moved meanwhile (by the tick or another change): that one stands
    }
  }

  listMarksDue(now: string): Promise<ReminderMark[]> {
    return queryItems<ReminderMark>(this.doc, this.tableName, {
      IndexName: INDEX.byEscalation,
      KeyConditionExpression: 'gsi2pk = :remind AND gsi2sk < :bound',
      ExpressionAttributeValues: { ':remind': 'REMIND', ':bound': upTo(now) },
    });
  }

  async replaceMark(expected: ReminderMark, next: ReminderMark | null): Promise<boolean> {
    const names = { '#at': 'at', '#taskId': 'taskId', '#through': 'through' };
    const condition = [
      '#at = :expectedAt',
      expected.taskId ? '#taskId = :expectedTask' : 'attribute_not_exists(#taskId)',
      expected.through ? '#through = :expectedThrough' : 'attribute_not_exists(#through)',
    ].join(' AND ');
    const values = {
      ':expectedAt': expected.at,
      ...(expected.taskId ? { ':expectedTask': expected.taskId } : {}),
      ...(expected.through ? { ':expectedThrough': expected.through } : {}),
    };
    try {
      if (next === null) {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: markKey(expected.trajectoryId),
            // Out of the index, but kept: a later markNext finds no `at` and sets one.
            UpdateExpression: 'REMOVE #at, gsi2pk, gsi2sk, #taskId, #through',
            ConditionExpression: condition,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
      } else {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...markKey(next.trajectoryId), gsi2pk: 'REMIND', gsi2sk: `${next.at}#${next.trajectoryId}`, ...next },
            ConditionExpression: condition,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
      }
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async record(notification: Notification): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...noteKey(notification.notificationId), ...noteIndexes(notification), ...notification },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false; // recorded before: once is enough
      throw error;
    }
  }

  async get(notificationId: string): Promise<Notification | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: noteKey(notificationId), ConsistentRead: true }));
    return out.Item ? entity<Notification>(out.Item) : undefined;
  }

  listSendable(now: string): Promise<Notification[]> {
    return queryItems<Notification>(this.doc, this.tableName, {
      IndexName: INDEX.byEscalation,
      KeyConditionExpression: 'gsi2pk = :outbox AND gsi2sk < :bound',
      ExpressionAttributeValues: { ':outbox': 'OUTBOX', ':bound': upTo(now) },
    });
  }

  async updateDelivery(notificationId: string, expectedAttempts: number, delivery: Notification['delivery']): Promise<boolean> {
    // Only the delivery and the keys that follow it: a read mark written at the same time is kept.
    const keys = deliveryIndexes(notificationId, delivery);
    const set = ['delivery = :delivery'];
    const remove: string[] = [];
    const values: Record<string, unknown> = { ':delivery': delivery, ':expected': expectedAttempts };
    for (const key of DELIVERY_KEYS) {
      const value = keys[key];
      if (value === undefined) {
        remove.push(key);
      } else {
        set.push(`${key} = :${key}`);
        values[`:${key}`] = value;
      }
    }
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: noteKey(notificationId),
          UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
          ConditionExpression: 'attribute_exists(pk) AND delivery.attempts = :expected',
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** The newest failed deliveries (at most `limit`). */
  async listFailed(limit = 100): Promise<Notification[]> {
    const page = await queryPage<Record<string, unknown>>(
      this.doc,
      {
        TableName: this.tableName,
        IndexName: INDEX.byKind,
        KeyConditionExpression: 'gsi4pk = :failed',
        ExpressionAttributeValues: { ':failed': 'NOTE_FAILED' },
        ScanIndexForward: false,
      },
      { limit },
    );
    return batchGetAll<Notification>(this.doc, this.tableName, page.items.map((k) => ({ pk: k.pk, sk: k.sk })));
  }

  async listInbox(recipient: { role: Role; id: string }, page: { limit: number; cursor?: string }): Promise<{ items: Notification[]; cursor?: string }> {
    const keys = await queryPage<Record<string, unknown>>(
      this.doc,
      {
        TableName: this.tableName,
        IndexName: INDEX.byAssignee,
        KeyConditionExpression: 'gsi1pk = :inbox',
        ExpressionAttributeValues: { ':inbox': inboxKey(recipient) },
        ScanIndexForward: false,
      },
      page,
    );
    const items = await batchGetAll<Notification>(this.doc, this.tableName, keys.items.map((k) => ({ pk: k.pk, sk: k.sk })));
    return { items, ...(keys.cursor ? { cursor: keys.cursor } : {}) };
  }

  async markRead(recipient: { role: Role; id: string }, notificationId: string, at: string): Promise<boolean> {
    const current = await this.get(notificationId);
    if (!current || current.recipientRole !== recipient.role || current.recipientId !== recipient.id) return false;
    if (current.readAt) return true;
    // Only the read mark and the inbox order that follows it: a delivery written at the same time is kept.
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: noteKey(notificationId),
          UpdateExpression: 'SET readAt = :at, gsi1sk = :sort',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(readAt)',
          ExpressionAttributeValues: { ':at': at, ':sort': inboxSort({ ...current, readAt: at }) },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error; // read meanwhile: once is enough
    }
    return true;
  }
}
