/**
 * The Store port on DynamoDB (one table, see table.ts). Every write that can race is
 * conditional; a failed condition becomes ConcurrentUpdateError.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type PutCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError } from '../../core/errors';
import type { Claim, Store, WaitRegistration } from '../../core/ports';
import type { AuditEntry, Client, Deadline, Handover, Escalation, Phase, Role, Trajectory } from '../../core/schemas';
import { batchGetAll, entity, isConditionFailure, keyedPage, queryAll, queryItems } from './client';
import { INDEX, SUMMARY_ATTRIBUTE } from './table';
import { summarise, type TaskSummary, type TrajectorySummary } from '../../core/trajectory/summary';
import { trajectoryIdOfTask } from '../../core/rules/task-id';

/**
 * A trajectory's records are written without what the item already says (each record's
 * trajectory and client, a result's task id), since every write is billed per kilobyte of the
 * whole item; reading puts them back, so the domain sees them whole.
 */
function compact(t: Trajectory): Record<string, unknown> {
  const bare = <T extends { trajectoryId: string; clientId?: string }>({ trajectoryId: _t, clientId: _c, ...rest }: T) => rest;
  return {
    ...t,
    closedTasks: t.closedTasks.map((task) => {
      const { result, ...rest } = bare(task);
      return result ? { ...rest, result: (({ taskId: _id, ...r }) => r)(result) } : rest;
    }),
    contacts: t.contacts.map(bare),
    measurements: t.measurements.map(bare),
    popVersions: t.popVersions.map(bare),
  };
}

function expand(item: Trajectory): Trajectory {
  const ids = { trajectoryId: item.trajectoryId };
  return {
    ...item,
    closedTasks: item.closedTasks.map((task) => ({
      ...task,
      ...ids,
      clientId: item.clientId,
      ...(task.result ? { result: { ...task.result, taskId: task.taskId } } : {}),
    })),
    contacts: item.contacts.map((c) => ({ ...c, ...ids })),
    measurements: item.measurements.map((m) => ({ ...m, ...ids })),
    popVersions: item.popVersions.map((p) => ({ ...p, ...ids })),
  };
}

/** An assignee's queue: keyed by role and id, so no user id can collide with another role's queue. */
const assigneeKey = (task: { assigneeRole: Role; assigneeId: string }) => `ASSIGNEE#${task.assigneeRole}#${task.assigneeId}`;

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

  getClients(clientIds: string[]): Promise<Client[]> {
    return batchGetAll<Client>(this.doc, this.tableName, [...new Set(clientIds)].map((id) => ({ pk: `CLIENT#${id}`, sk: 'CLIENT' })));
  }

  listClients(): Promise<Client[]> {
    return this.listKind<Client>('CLIENT');
  }

  async saveClient(client: Client, expectedVersion: number): Promise<void> {
    if (client.version !== expectedVersion + 1) {
      throw new Error(`A client at version ${expectedVersion} must be saved as version ${expectedVersion + 1}`);
    }
    const item = { pk: `CLIENT#${client.clientId}`, sk: 'CLIENT', gsi4pk: 'CLIENT', gsi4sk: `${client.createdAt}#${client.clientId}`, ...client };
    if (expectedVersion === 0) {
      await this.put(item, 'attribute_exists(pk) AND attribute_not_exists(version)');
    } else {
      await this.put(item, 'version = :expected', { ':expected': expectedVersion });
    }
  }

  async putHouseholdMember(householdId: string, clientId: string, since: string): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.tableName, Item: { pk: `HOUSEHOLD#${householdId}`, sk: `CLIENT#${clientId}`, householdId, clientId, since } }),
    );
  }

  async removeHouseholdMember(householdId: string, clientId: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: `HOUSEHOLD#${householdId}`, sk: `CLIENT#${clientId}` } }));
  }

  async listHouseholdMembers(householdId: string): Promise<string[]> {
    const items = await queryAll<{ clientId: string }>(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :client)',
      ExpressionAttributeValues: { ':pk': `HOUSEHOLD#${householdId}`, ':client': 'CLIENT#' },
      ProjectionExpression: 'clientId',
      ConsistentRead: true,
    });
    return items.map((i) => i.clientId);
  }

  async listDeadlines(clientId: string): Promise<Deadline[]> {
    const items = await queryAll<Record<string, unknown>>(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :deadline)',
      ExpressionAttributeValues: { ':pk': `CLIENT#${clientId}`, ':deadline': 'DEADLINE#' },
      ConsistentRead: true,
    });
    return items.map((i) => entity<Deadline>(i)).sort((a, b) => a.date.localeCompare(b.date) || a.deadlineId.localeCompare(b.deadlineId));
  }

  listDeadlinesDue(now: string): Promise<Deadline[]> {
    // Sort keys are `remindAt#…`; '$' sorts right after '#', so the bound includes the instant itself.
    return queryItems<Deadline>(this.doc, this.tableName, {
      IndexName: INDEX.byEscalation,
      KeyConditionExpression: 'gsi2pk = :deadline AND gsi2sk < :bound',
      ExpressionAttributeValues: { ':deadline': 'DEADLINE', ':bound': `${now}$` },
    });
  }

  getDeadline(clientId: string, deadlineId: string): Promise<Deadline | undefined> {
    return this.get(`CLIENT#${clientId}`, `DEADLINE#${deadlineId}`);
  }

  async saveDeadline(deadline: Deadline, expectedVersion: number | null): Promise<void> {
    const item = {
      pk: `CLIENT#${deadline.clientId}`,
      sk: `DEADLINE#${deadline.deadlineId}`,
      // In the tick's time-keyed index while a reminder is to come.
      ...(deadline.remindAt && !deadline.resolvedAt
        ? { gsi2pk: 'DEADLINE', gsi2sk: `${deadline.remindAt}#${deadline.clientId}#${deadline.deadlineId}` }
        : {}),
      ...deadline,
    };
    if (expectedVersion === null) {
      await this.put(item, 'attribute_not_exists(pk)');
    } else {
      await this.put(item, 'version = :expected', { ':expected': expectedVersion });
    }
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
            gsi1pk: assigneeKey(open),
            gsi1sk: `${open.dueAt}#${open.taskId}`,
            gsi2pk: 'OPEN',
            gsi2sk: `${open.escalateOn}#${open.taskId}`,
          }
        : {}),
      [SUMMARY_ATTRIBUTE]: summarise(trajectory),
      ...compact(trajectory),
    };
    if (expectedVersion === null) {
      await this.put(item, 'attribute_not_exists(pk)');
    } else {
      await this.put(item, 'version = :expected', { ':expected': expectedVersion });
    }
  }

  async getTrajectory(trajectoryId: string): Promise<Trajectory | undefined> {
    const item = await this.get<Trajectory & { [SUMMARY_ATTRIBUTE]?: unknown }>(`TRAJ#${trajectoryId}`, 'TRAJ');
    if (!item) return undefined;
    const { [SUMMARY_ATTRIBUTE]: _summary, ...trajectory } = item;
    return expand(trajectory);
  }

  async registerWait(trajectoryId: string, wait: WaitRegistration): Promise<boolean> {
    const workflow = { status: 'running', executionName: wait.executionName, segment: wait.segment, startedAt: wait.executionStartedAt };
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `TRAJ#${trajectoryId}`, sk: 'TRAJ' },
          UpdateExpression:
            'SET #open.#token = :token, #open.#execution = :execution, #workflow = :workflow, #summary.#workflow = :summaryWorkflow ADD #version :one',
          ConditionExpression: '#open.#taskId = :taskId AND #open.#escalateOn = :escalateOn AND #status = :active AND #workflow.#segment <= :segment',
          ExpressionAttributeNames: {
            '#open': 'openTask',
            '#token': 'token',
            '#execution': 'executionName',
            '#workflow': 'workflow',
            '#summary': SUMMARY_ATTRIBUTE,
            '#version': 'version',
            '#taskId': 'taskId',
            '#escalateOn': 'escalateOn',
            '#status': 'status',
            '#segment': 'segment',
          },
          ExpressionAttributeValues: {
            ':token': wait.token,
            ':execution': wait.executionName,
            ':workflow': workflow,
            ':summaryWorkflow': { status: workflow.status, segment: workflow.segment },
            ':one': 1,
            ':taskId': wait.taskId,
            ':escalateOn': wait.escalateOn,
            ':active': 'active',
            ':segment': wait.segment,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async listTrajectories(filter: { regisseurId?: string; phase?: Phase }): Promise<TrajectorySummary[]> {
    const byRegisseur = filter.regisseurId !== undefined;
    const items = await queryAll<Record<string, unknown>>(this.doc, {
      TableName: this.tableName,
      IndexName: byRegisseur ? INDEX.byRegisseur : INDEX.byKind,
      KeyConditionExpression: byRegisseur ? 'gsi3pk = :pk' : 'gsi4pk = :pk',
      ...(filter.phase
        ? { FilterExpression: '#summary.#phase = :phase', ExpressionAttributeNames: { '#summary': SUMMARY_ATTRIBUTE, '#phase': 'phase' } }
        : {}),
      ExpressionAttributeValues: {
        ':pk': byRegisseur ? `REG#${filter.regisseurId}` : 'TRAJ',
        ...(filter.phase ? { ':phase': filter.phase } : {}),
      },
    });
    return items.map((i) => i[SUMMARY_ATTRIBUTE] as TrajectorySummary);
  }

  async listOpenTasks(filter: { assignee?: { role: Role; id: string } }): Promise<TaskSummary[]> {
    const summaries = filter.assignee
      ? (
          await queryAll<Record<string, unknown>>(this.doc, {
            TableName: this.tableName,
            IndexName: INDEX.byAssignee,
            KeyConditionExpression: 'gsi1pk = :pk',
            ExpressionAttributeValues: { ':pk': assigneeKey({ assigneeRole: filter.assignee.role, assigneeId: filter.assignee.id }) },
          })
        ).map((i) => i[SUMMARY_ATTRIBUTE] as TrajectorySummary)
      : await this.listTrajectories({});
    return summaries
      .flatMap((s) => (s.openTask ? [s.openTask] : []))
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.taskId.localeCompare(b.taskId));
  }

  async listEscalationDue(day: string): Promise<Array<{ trajectoryId: string; taskId: string }>> {
    // Sort keys are `escalateOn#taskId`; '$' sorts right after '#', so the bound includes the whole day.
    const items = await queryAll<Record<string, unknown>>(this.doc, {
      TableName: this.tableName,
      IndexName: INDEX.byEscalation,
      KeyConditionExpression: 'gsi2pk = :open AND gsi2sk < :bound',
      ExpressionAttributeValues: { ':open': 'OPEN', ':bound': `${day}$` },
    });
    return items.map((i) => {
      const taskId = String(i.gsi2sk).split('#')[1] ?? '';
      return { trajectoryId: trajectoryIdOfTask(taskId) ?? '', taskId };
    });
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

  async putEscalation(escalation: Escalation): Promise<void> {
    try {
      await this.put(
        {
          pk: `NOTIFY#${escalation.escalationId}`,
          sk: 'NOTIFY',
          gsi4pk: 'NOTIFY',
          gsi4sk: `${escalation.createdAt}#${escalation.escalationId}`,
          ...escalation,
        },
        'attribute_not_exists(pk)',
      );
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error; // written before: once is enough
    }
  }

  listEscalations(): Promise<Escalation[]> {
    return this.listKind<Escalation>('NOTIFY');
  }

  async resolveEscalation(escalationId: string, at: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `NOTIFY#${escalationId}`, sk: 'NOTIFY' },
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

  /**
   * A client's entries, and the list reads that showed the client: its partition holds a pointer
   * (`LISTED#role#actorId`) to each reader's list-read partition since the reader's first list
   * that showed the client, and those reads are queried from then on (a key range) for the client.
   */
  async listAudit(clientId: string): Promise<AuditEntry[]> {
    const items = await queryAll<Record<string, unknown>>(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `AUDIT#${clientId}` },
    });
    const pointers = items.filter((i) => String(i.sk).startsWith('LISTED#'));
    const own = items.filter((i) => !String(i.sk).startsWith('LISTED#')).map((i) => entity<AuditEntry>(i));
    const reads = await Promise.all(
      pointers.map((p) =>
        queryAll<Record<string, unknown>>(this.doc, {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk >= :since',
          FilterExpression: 'contains(clientIds, :client)',
          ProjectionExpression: '#at, #actorId, #actorRole, #detail',
          ExpressionAttributeNames: { '#at': 'at', '#actorId': 'actorId', '#actorRole': 'actorRole', '#detail': 'detail' },
          ExpressionAttributeValues: { ':pk': `LISTREAD#${String(p.actorRole)}#${String(p.actorId)}`, ':since': p.since, ':client': clientId },
        }),
      ),
    );
    const listed = reads.flat().map(
      (r): AuditEntry => ({ clientId, at: String(r.at), actorId: String(r.actorId), actorRole: r.actorRole as Role, action: 'read', detail: String(r.detail) }),
    );
    return [...own, ...listed].sort((a, b) => a.at.localeCompare(b.at));
  }

  /**
   * One item per list read (`LISTREAD#role#actorId` / `at#uuid`, the client ids shown). The reader's
   * `LISTSEEN` item holds every client their lists ever showed; a client shown for the first time
   * gets its pointer first, so each read is found from the client's audit, and a read costs one
   * small read and one write once the reader's clients are known.
   */
  async recordListRead(read: import('../../core/schemas').ListRead): Promise<void> {
    const clientIds = [...new Set(read.clientIds)];
    if (clientIds.length === 0) return;
    const reader = `${read.actorRole}#${read.actorId}`;
    const seenKey = { pk: `LISTSEEN#${reader}`, sk: 'LISTSEEN' };
    const seen = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: seenKey }));
    const known = new Set<string>((seen.Item?.clientIds as Set<string> | undefined) ?? []);
    const fresh = clientIds.filter((id) => !known.has(id));
    if (fresh.length > 0) {
      await Promise.all(
        fresh.map(async (clientId) => {
          try {
            await this.put(
              { pk: `AUDIT#${clientId}`, sk: `LISTED#${reader}`, actorId: read.actorId, actorRole: read.actorRole, since: read.at },
              'attribute_not_exists(pk)',
            );
          } catch (error) {
            if (!(error instanceof ConcurrentUpdateError)) throw error; // pointed before: the earlier moment stands
          }
        }),
      );
      await this.doc.send(
        new UpdateCommand({ TableName: this.tableName, Key: seenKey, UpdateExpression: 'ADD clientIds :fresh', ExpressionAttributeValues: { ':fresh': new Set(fresh) } }),
      );
    }
    await this.put({ pk: `LISTREAD#${reader}`, sk: `${read.at}#${randomUUID()}`, ...read, clientIds }, 'attribute_not_exists(pk)');
  }

  /**
   * A worklist page from the byAssignee partitions: the due-date range is the key condition, type
   * and zrmDue filter; several partitions (the beheerder's) are read alike and merged by sort key.
   */
  async pageOpenTasks(query: import('../../core/ports').OpenTaskQuery): Promise<{ items: TrajectorySummary[]; more: boolean }> {
    const conditions: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    if (query.type !== undefined) {
      conditions.push('#s.#open.#type = :type');
      Object.assign(names, { '#open': 'openTask', '#type': 'type' });
      values[':type'] = query.type;
    }
    if (query.zrmDue !== undefined) {
      conditions.push('#s.#open.#zrmDue = :zrmDue');
      Object.assign(names, { '#open': 'openTask', '#zrmDue': 'zrmDue' });
      values[':zrmDue'] = query.zrmDue;
    }
    const pages = await Promise.all(
      query.assignees.map((assignee) =>
        keyedPage(this.doc, this.tableName, {
          indexName: INDEX.byAssignee,
          pkName: 'gsi1pk',
          skName: 'gsi1sk',
          partition: assigneeKey({ assigneeRole: assignee.role, assigneeId: assignee.id }),
          // Sort keys are `dueAt#taskId`: '#' < '$', so `day#` … `day$` holds the whole of a day.
          ...(query.dueFrom !== undefined ? { lo: `${query.dueFrom}#` } : {}),
          ...(query.dueTo !== undefined ? { hi: `${query.dueTo}$` } : {}),
          ...(query.after !== undefined ? { after: query.after } : {}),
          tableKey: (sortKey) => ({ pk: `TRAJ#${trajectoryIdOfTask(sortKey.slice(sortKey.indexOf('#') + 1)) ?? ''}`, sk: 'TRAJ' }),
          ...(conditions.length > 0 ? { filter: { expression: conditions.join(' AND '), names: { '#s': SUMMARY_ATTRIBUTE, ...names }, values } } : {}),
          limit: query.limit,
        }),
      ),
    );
    const byKey = (i: Record<string, unknown>) => String(i.gsi1sk);
    // Byte order, as DynamoDB sorts the keys (not the locale's).
    const merged = pages.flatMap((p) => p.items).sort((a, b) => (byKey(a) < byKey(b) ? -1 : byKey(a) > byKey(b) ? 1 : 0));
    return {
      items: merged.slice(0, query.limit).map((i) => i[SUMMARY_ATTRIBUTE] as TrajectorySummary),
      more: merged.length > query.limit || pages.some((p) => p.more),
    };
  }

  /** Every item of a kind, oldest first. */
  private listKind<T>(kind: string): Promise<T[]> {
    return queryItems<T>(this.doc, this.tableName, {
      IndexName: INDEX.byKind,
      KeyConditionExpression: 'gsi4pk = :pk',
      ExpressionAttributeValues: { ':pk': kind },
    });
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
