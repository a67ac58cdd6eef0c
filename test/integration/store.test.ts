/**
 * The DynamoDB adapters against embedded DynamoDB (dynalite), with the table the local runtime
 * creates from the shared definition: conditional writes, the sparse due index, the active
 * trajectory link, audit entries, idempotency keys and the virtual clock.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../adapters/clock/virtual-clock';
import { documentClient } from '../../adapters/dynamodb/client';
import { DynamoIdempotencyStore } from '../../adapters/dynamodb/idempotency';
import { DynamoNotificationStore } from '../../adapters/dynamodb/notification-store';
import { DynamoStore } from '../../adapters/dynamodb/store';
import { tableDefinition } from '../../adapters/dynamodb/table';
import { ConcurrentUpdateError, ConflictError, ValidationError } from '../../core/errors';
import type { Deps } from '../../core/ports';
import type { Notification, Task, Trajectory } from '../../core/schemas';
import { registerWait } from '../../core/trajectory/aggregate';
import { releaseClaim, takeClaim } from '../../core/usecases/claims';
import { embeddedClientConfig, ensureTable, startEmbeddedDynamo, type EmbeddedDynamo } from '../../local/embedded-dynamodb';

const TABLE = 'trajectregie-it';
let dir: string;
let dynamo: EmbeddedDynamo;
let doc: DynamoDBDocumentClient;
let store: DynamoStore;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trajectregie-it-'));
  dynamo = await startEmbeddedDynamo(dir);
  doc = documentClient(embeddedClientConfig(dynamo.endpoint));
  await ensureTable(doc as unknown as DynamoDBClient, TABLE);
  store = new DynamoStore(doc, TABLE);
});
afterAll(async () => {
  await dynamo.close();
  await rm(dir, { recursive: true, force: true });
});

function trajectory(id: string, regisseurId: string, openTask?: Partial<Task>): Trajectory {
  return {
    trajectoryId: id,
    clientId: `C${id}`,
    regisseurId,
    phase: 'begeleiding',
    status: 'active',
    workflow: { status: 'running', executionName: `${id}-0`, segment: 0 },
    settledOn: '2025-01-15',
    startedOn: '2025-01-15',
    closedTasks: [],
    nextTaskSeq: 2,
    contacts: [],
    measurements: [],
    popVersions: [],
    createdAt: `2025-01-15T09:00:00.000Z`,
    createdBy: 'bea',
    version: 1,
    ...(openTask
      ? {
          openTask: {
            taskId: `${id}-1`,
            trajectoryId: id,
            clientId: `C${id}`,
            type: 'CONTACT',
            assigneeRole: 'regisseur',
            assigneeId: regisseurId,
            dueAt: '2025-09-15',
            escalateOn: '2025-09-29',
            zrmDue: false,
            status: 'open',
            openedAt: '2025-08-15T09:00:00.000Z',
            executionName: `${id}-0`,
            token: 'token',
            ...openTask,
          },
        }
      : {}),
  };
}

describe('the table', () => {
  it('is created with the keys and indexes of the shared definition', async () => {
    const { Table } = await doc.send(new DescribeTableCommand({ TableName: TABLE }));
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(
      tableDefinition.globalSecondaryIndexes.map((i) => i.indexName).sort(),
    );
  });
});

describe('trajectories', () => {
  it('writes conditionally on the version: a stale writer loses, the store refuses a write that skips a version', async () => {
    await store.saveTrajectory(trajectory('T1', 'rita'), null);
    await expect(store.saveTrajectory(trajectory('T1', 'rita'), null)).rejects.toBeInstanceOf(ConcurrentUpdateError);
    await store.saveTrajectory({ ...trajectory('T1', 'rita'), phase: 'afronding', version: 2 }, 1);
    await expect(store.saveTrajectory({ ...trajectory('T1', 'rita'), version: 2 }, 1)).rejects.toBeInstanceOf(ConcurrentUpdateError);
    await expect(store.saveTrajectory({ ...trajectory('T1', 'rita'), version: 5 }, 2)).rejects.toThrow(/version 3/);
    expect((await store.getTrajectory('T1'))?.phase).toBe('afronding');
  });

  it('lists open tasks from the summaries, sorted by due date, per assignee queue (role and id), never the whole items', async () => {
    await store.saveTrajectory(trajectory('T2', 'rita', { dueAt: '2025-10-01', escalateOn: '2025-10-15' }), null);
    await store.saveTrajectory(trajectory('T3', 'rob', { dueAt: '2025-09-01', escalateOn: '2025-09-15' }), null);
    await store.saveTrajectory(trajectory('T4', 'rita', { dueAt: '2025-08-01', escalateOn: '2025-08-15' }), null);
    await store.saveTrajectory(trajectory('T5', 'rita'), null); // no open task: not in the index
    await store.saveTrajectory(trajectory('T6', 'gemeente', { dueAt: '2025-08-02', escalateOn: '2025-08-16', assigneeRole: 'gemeente', assigneeId: 'gemeente' }), null);

    expect((await store.listOpenTasks({})).map((t) => t.trajectoryId)).toEqual(['T4', 'T6', 'T3', 'T2']);
    expect((await store.listOpenTasks({ assignee: { role: 'regisseur', id: 'rita' } })).map((t) => t.trajectoryId)).toEqual(['T4', 'T2']);
    // A regisseur whose user id is "gemeente" has a queue of their own, not the municipality's.
    expect(await store.listOpenTasks({ assignee: { role: 'regisseur', id: 'gemeente' } })).toEqual([]);
    expect((await store.listOpenTasks({ assignee: { role: 'gemeente', id: 'gemeente' } })).map((t) => t.trajectoryId)).toEqual(['T6']);
    const [listed] = await store.listOpenTasks({ assignee: { role: 'regisseur', id: 'rita' } });
    expect(listed).not.toHaveProperty('token');
    expect(listed).not.toHaveProperty('executionName');

    const { openTask: _done, ...withoutTask } = trajectory('T4', 'rita', { dueAt: '2025-08-01' });
    await store.saveTrajectory({ ...withoutTask, version: 2 }, 1);
    expect((await store.listOpenTasks({})).map((t) => t.trajectoryId)).toEqual(['T6', 'T3', 'T2']);
    const summaries = await store.listTrajectories({ regisseurId: 'rita' });
    expect(summaries.map((t) => t.trajectoryId).sort()).toEqual(['T1', 'T2', 'T4', 'T5']);
    expect(summaries[0]).not.toHaveProperty('closedTasks');
    expect((await store.listTrajectories({ phase: 'afronding' })).map((t) => t.trajectoryId)).toEqual(['T1']);
    // The whole trajectory, read by key, carries no copy of its summary.
    expect(await store.getTrajectory('T2')).not.toHaveProperty('summary');
  });

  it('registers a wait on the open task in one conditional update, as the aggregate rule says, advancing the version', async () => {
    const { token: _none, ...opened } = trajectory('TW', 'wim', {}).openTask!;
    const t: Trajectory = { ...trajectory('TW', 'wim'), openTask: opened };
    await store.saveTrajectory(t, null);
    const wait = { taskId: 'TW-1', escalateOn: '2025-09-29', token: 'tok-1', executionName: 'TW-1', segment: 1, executionStartedAt: '2025-09-01T09:00:00.000Z' };
    const cases = [
      { wait: { ...wait, taskId: 'TW-9' }, why: 'another task' },
      { wait: { ...wait, escalateOn: '2025-10-13' }, why: 'a task moved since the wait was planned' },
      { wait: { ...wait, segment: -1 }, why: 'an older execution' },
      { wait, why: 'the open task, by a later execution' },
      { wait: { ...wait, token: 'tok-2' }, why: 'the same execution again (a retried step)' },
    ];
    let current = (await store.getTrajectory('TW'))!;
    for (const { wait: w, why } of cases) {
      const expected = registerWait(current, w);
      expect(await store.registerWait('TW', w), why).toBe(expected !== undefined);
      const stored = (await store.getTrajectory('TW'))!;
      expect(stored, why).toEqual(expected ? { ...expected, version: current.version + 1 } : current);
      current = stored;
    }
    expect(current.openTask).toMatchObject({ taskId: 'TW-1', token: 'tok-2', executionName: 'TW-1' });
    // The lists see the workflow's new segment; the token never reaches them.
    const [summary] = await store.listTrajectories({ regisseurId: 'wim' });
    expect(summary?.workflow).toEqual({ status: 'running', segment: 1 });
    expect(JSON.stringify(summary)).not.toContain('tok-2');
    // A closed trajectory takes no token.
    await store.saveTrajectory({ ...current, status: 'closed', version: current.version + 1 }, current.version);
    expect(await store.registerWait('TW', { ...wait, segment: 2 })).toBe(false);
  });

  it('finds the tasks whose escalation date has come through the keys-only escalation index, the bound inclusive', async () => {
    await store.saveTrajectory(trajectory('E2', 'rita', { dueAt: '2025-10-01', escalateOn: '2025-10-15' }), null);
    await store.saveTrajectory(trajectory('E3', 'rob', { dueAt: '2025-09-01', escalateOn: '2025-09-15' }), null);
    await store.saveTrajectory(trajectory('E4', 'rita', { dueAt: '2025-07-01', escalateOn: '2025-09-30' }), null); // a POP: escalates late
    // Only this test's trajectories (the table is shared with the tests before it).
    const mine = async (day: string) => (await store.listEscalationDue(day)).filter((k) => k.trajectoryId.startsWith('E'));
    const ids = async (day: string) => (await mine(day)).map((k) => k.trajectoryId);
    expect(await ids('2025-09-14')).toEqual([]);
    expect(await ids('2025-09-15')).toEqual(['E3']);
    expect(await ids('2025-09-30')).toEqual(['E3', 'E4']);
    expect(await mine('2025-10-15')).toEqual([
      { trajectoryId: 'E3', taskId: 'E3-1' },
      { trajectoryId: 'E4', taskId: 'E4-1' },
      { trajectoryId: 'E2', taskId: 'E2-1' },
    ]);
  });

  it('reads a trajectory back whole although it writes its records without what the item already says', async () => {
    const t = trajectory('R1', 'rita', { dueAt: '2025-10-01' });
    const full: Trajectory = {
      ...t,
      closedTasks: [
        (({ token: _t, executionName: _e, ...task }) => ({ ...task, taskId: 'R1-0', type: 'POP' as const, status: 'completed' as const, result: { taskId: 'R1-0', type: 'POP' as const } }))(t.openTask!),
      ],
      contacts: [{ contactId: 'K1', trajectoryId: 'R1', heldOn: '2025-08-15', location: 'home', taskType: 'POP', taskId: 'R1-0', recordedBy: 'rita' }],
      measurements: [{ measurementId: 'M1', trajectoryId: 'R1', measuredOn: '2025-08-15', kind: 'baseline', scores: { finances: 2 }, taskId: 'R1-0', recordedBy: 'rita' }],
      popVersions: [{ trajectoryId: 'R1', version: 1, agreedOn: '2025-08-15', goals: [], recordedBy: 'rita', recordedAt: '2025-08-15T09:00:00.000Z' }],
    };
    await store.saveTrajectory(full, null);
    expect(await store.getTrajectory('R1')).toEqual(full);
  });

  it('holds a unique claim for one owner at a time', async () => {
    const at = '2025-01-15T09:00:00.000Z';
    await store.setClaim('active-trajectory#C9', { ownerId: 'T9', claimedAt: at }, null);
    await expect(store.setClaim('active-trajectory#C9', { ownerId: 'T10', claimedAt: at }, null)).rejects.toBeInstanceOf(ConcurrentUpdateError);
    await expect(store.setClaim('active-trajectory#C9', null, 'T10')).rejects.toBeInstanceOf(ConcurrentUpdateError);
    await store.setClaim('active-trajectory#C9', null, 'T9');
    await store.setClaim('active-trajectory#C9', { ownerId: 'T10', claimedAt: at }, null);
    expect(await store.getClaim('active-trajectory#C9')).toEqual({ ownerId: 'T10', claimedAt: at });
  });
});

describe('clients', () => {
  it('are read many at once, past the 100 keys of one batch, leaving unknown ids out', async () => {
    const ids = Array.from({ length: 130 }, (_, i) => `BATCH${i}`);
    for (const clientId of ids) {
      await store.createClient({ clientId, firstName: 'A', lastName: 'B', birthDate: '1990-01-01', settledOn: '2025-01-01', createdAt: '2025-01-01T00:00:00.000Z', createdBy: 'bea' });
    }
    const found = await store.getClients([...ids, 'NOSUCH', ids[0]!]);
    expect(found.map((c) => c.clientId).sort()).toEqual([...ids].sort());
  });
});

describe('audit and notifications', () => {
  it('appends audit entries, even at the same instant, and lists them per client', async () => {
    const entry = { clientId: 'CA', at: '2025-02-01T10:00:00.000Z', actorId: 'rita', actorRole: 'regisseur' as const, action: 'read' as const, detail: 'read trajectory' };
    await store.appendAudit([entry, entry, { ...entry, action: 'update', detail: 'complete task' }]);
    const entries = await store.listAudit('CA');
    expect(entries).toHaveLength(3);
    expect(entries.filter((e) => e.action === 'read')).toHaveLength(2);
  });

  it('writes a notification once however often it is put', async () => {
    const n = { escalationId: 'N1', kind: 'escalation' as const, recipientRole: 'beheerder' as const, trajectoryId: 'T1', taskId: 'T1-1', createdAt: '2025-02-01T10:00:00.000Z', message: 'x' };
    await store.putEscalation(n);
    await store.putEscalation({ ...n, message: 'y' });
    expect((await store.listEscalations()).filter((x) => x.escalationId === 'N1')).toEqual([n]);
  });

  it('marks a notification resolved once: a second resolve keeps the first time, an unknown id is ignored', async () => {
    const n = { escalationId: 'N2', kind: 'escalation' as const, recipientRole: 'beheerder' as const, trajectoryId: 'T2', taskId: 'T2-1', createdAt: '2025-02-01T10:00:00.000Z', message: 'x' };
    const other = { ...n, escalationId: 'N3', taskId: 'T3-1' };
    await store.putEscalation(n);
    await store.putEscalation(other);
    const byId = async (id: string) => (await store.listEscalations()).find((x) => x.escalationId === id);
    expect(await byId('N2')).toEqual(n);
    expect(await byId('N2')).not.toHaveProperty('resolvedAt');

    await store.resolveEscalation('N2', '2025-02-03T08:00:00.000Z');
    expect(await byId('N2')).toEqual({ ...n, resolvedAt: '2025-02-03T08:00:00.000Z' });

    await store.resolveEscalation('N2', '2025-02-05T08:00:00.000Z');
    expect((await byId('N2'))?.resolvedAt).toBe('2025-02-03T08:00:00.000Z');

    await expect(store.resolveEscalation('NOSUCH', '2025-02-03T08:00:00.000Z')).resolves.toBeUndefined();
    expect(await byId('NOSUCH')).toBeUndefined();
    expect(await byId('N3')).toEqual(other);

    // Putting a resolved notification again (an idempotent repeat) does not reopen it.
    await store.putEscalation(n);
    expect((await byId('N2'))?.resolvedAt).toBe('2025-02-03T08:00:00.000Z');
  });
});

describe('idempotency keys', () => {
  it('claims a key once, replays the stored answer, and refuses the key for another request', async () => {
    const keys = new DynamoIdempotencyStore(doc, TABLE);
    const first = await keys.claim('rita#POST /x', 'k1', 'f1');
    expect(first).toEqual({ claimId: expect.any(String) });
    await expect(keys.claim('rita#POST /x', 'k1', 'f1')).rejects.toBeInstanceOf(ConflictError);
    await keys.complete('rita#POST /x', 'k1', (first as { claimId: string }).claimId, { fingerprint: 'f1', status: 201, body: { id: 'A' } });
    expect(await keys.claim('rita#POST /x', 'k1', 'f1')).toEqual({ replay: { fingerprint: 'f1', status: 201, body: { id: 'A' } } });
    await expect(keys.claim('rita#POST /x', 'k1', 'other')).rejects.toBeInstanceOf(ValidationError);
    expect(await keys.claim('rob#POST /x', 'k1', 'f1')).toEqual({ claimId: expect.any(String) });
  });

  it('lets a key be claimed again once the request that claimed it has stayed pending past its minute', async () => {
    const keys = new DynamoIdempotencyStore(doc, TABLE);
    const now = Math.floor(Date.now() / 1000);
    await doc.send(
      new PutCommand({
        TableName: TABLE,
        Item: { pk: 'IDEMP#rita#POST /y#k2', sk: 'IDEMP', fingerprint: 'f', state: 'pending', pendingUntil: now - 1, expiresAt: now + 3600 },
      }),
    );
    const retry = await keys.claim('rita#POST /y', 'k2', 'f');
    expect(retry).toEqual({ claimId: expect.any(String) });
    await expect(keys.claim('rita#POST /y', 'k2', 'f')).rejects.toBeInstanceOf(ConflictError);
    // The run that lost its claim cannot free or overwrite the retry's.
    await keys.release('rita#POST /y', 'k2', 'the-old-claim');
    await keys.complete('rita#POST /y', 'k2', 'the-old-claim', { fingerprint: 'f', status: 200, body: 'old' });
    await expect(keys.claim('rita#POST /y', 'k2', 'f')).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('the virtual clock', () => {
  it('keeps its time in the table, so a restart on the same data goes on from there', async () => {
    const start = new Date('2025-01-15T09:00:00.000Z');
    const clock = await VirtualClock.load(doc, TABLE, start);
    let told = 0;
    clock.onAdvance(() => told++);
    await clock.advance(30);
    const reloaded = await VirtualClock.load(doc, TABLE, new Date('2030-01-01T00:00:00.000Z'));
    expect(reloaded.now().toISOString()).toBe('2025-02-14T09:00:00.000Z');
    expect(told).toBe(1);
  });
});

describe('unique claims', () => {
  const at = (iso: string) => ({ now: () => new Date(iso) });
  const depsAt = (iso: string) => ({ store, clock: at(iso) }) as unknown as Deps;

  it('honour a fresh claim, and hand an abandoned one (a minute old, its owner gone) to the next owner', async () => {
    const holds = new Set(['live']);
    const ownerHolds = async (id: string) => holds.has(id);
    await takeClaim(depsAt('2025-03-01T10:00:00.000Z'), 'bsn#999', 'A', ownerHolds, 'taken');
    await expect(takeClaim(depsAt('2025-03-01T10:00:30.000Z'), 'bsn#999', 'B', ownerHolds, 'taken')).rejects.toThrow('taken');
    await takeClaim(depsAt('2025-03-01T10:01:30.000Z'), 'bsn#999', 'B', ownerHolds, 'taken');
    expect((await store.getClaim('bsn#999'))?.ownerId).toBe('B');

    await takeClaim(depsAt('2025-03-01T10:00:00.000Z'), 'bsn#998', 'live', ownerHolds, 'taken');
    await expect(takeClaim(depsAt('2025-03-02T10:00:00.000Z'), 'bsn#998', 'C', ownerHolds, 'taken')).rejects.toBeInstanceOf(ConflictError);
    await releaseClaim(depsAt('2025-03-02T10:00:00.000Z'), 'bsn#998', 'someone-else');
    expect((await store.getClaim('bsn#998'))?.ownerId).toBe('live');
    await releaseClaim(depsAt('2025-03-02T10:00:00.000Z'), 'bsn#998', 'live');
    expect(await store.getClaim('bsn#998')).toBeUndefined();
  });
});

describe('notifications', () => {
  const note = (id: string, createdAt: string): Notification => ({
    notificationId: id,
    kind: 'reminder',
    occurrence: 1,
    recipientRole: 'regisseur',
    recipientId: 'rita',
    trajectoryId: 'T1',
    clientId: 'C1',
    taskId: 'T1-1',
    taskType: 'CONTACT',
    dueAt: '2025-03-10',
    moment: '2025-03-03T07:00:00.000Z',
    createdAt,
    delivery: { channel: 'each', status: 'pending', attempts: 0, nextAttemptAt: createdAt },
  });

  it('records once, and a read mark and a delivery written at the same time both stay', async () => {
    const notes = new DynamoNotificationStore(doc, TABLE);
    const n = note('N-race', '2025-03-03T07:00:00.000Z');
    expect(await notes.record(n)).toBe(true);
    expect(await notes.record({ ...n, kind: 'due' })).toBe(false);
    expect((await notes.listSendable('2025-03-03T07:00:00.000Z')).map((x) => x.notificationId)).toContain('N-race');

    // The sender claims, the regisseur reads, the sender settles: neither write undoes the other.
    const claimed = { ...n.delivery, attempts: 1, nextAttemptAt: '2025-03-03T07:05:00.000Z' };
    expect(await notes.updateDelivery('N-race', 0, claimed)).toBe(true);
    expect(await notes.markRead({ role: 'regisseur', id: 'rita' }, 'N-race', '2025-03-03T07:01:00.000Z')).toBe(true);
    expect(await notes.updateDelivery('N-race', 1, { channel: 'each', status: 'sent', attempts: 1, sentAt: '2025-03-03T07:01:00.000Z' })).toBe(true);
    expect(await notes.get('N-race')).toMatchObject({ readAt: '2025-03-03T07:01:00.000Z', delivery: { status: 'sent' } });
    expect((await notes.listSendable('2025-03-04T00:00:00.000Z')).map((x) => x.notificationId)).not.toContain('N-race');
    // A second sender with the old count loses.
    expect(await notes.updateDelivery('N-race', 0, claimed)).toBe(false);
  });

  it('pages an inbox unread first, and refuses another inbox cursor with a 400', async () => {
    const notes = new DynamoNotificationStore(doc, TABLE);
    for (let i = 0; i < 5; i++) await notes.record(note(`N-page-${i}`, `2025-04-0${i + 1}T07:00:00.000Z`));
    await notes.record({ ...note('N-other', '2025-04-01T07:00:00.000Z'), recipientId: 'ravi' });
    await notes.markRead({ role: 'regisseur', id: 'rita' }, 'N-page-4', '2025-04-06T07:00:00.000Z');
    const first = await notes.listInbox({ role: 'regisseur', id: 'rita' }, { limit: 3 });
    const ids = first.items.map((x) => x.notificationId);
    expect(ids.slice(0, 3)).toEqual(['N-page-3', 'N-page-2', 'N-page-1']);
    const ravis = await notes.listInbox({ role: 'regisseur', id: 'ravi' }, { limit: 1 });
    expect(ravis.items.map((x) => x.notificationId)).toEqual(['N-other']);
    // Rita hands in a cursor of her own list on ravi's inbox: the store refuses it as bad input.
    await expect(notes.listInbox({ role: 'regisseur', id: 'ravi' }, { limit: 1, cursor: first.cursor! })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('legal deadlines in the tick index', () => {
  it('lists an open deadline once its reminder moment has come, and not once resolved', async () => {
    const d = { deadlineId: 'D-it', clientId: 'C-dl', kind: 'residence_permit_expiry' as const, date: '2025-08-20', createdAt: '2025-02-01T09:00:00.000Z', createdBy: 'bea', remindAt: '2025-05-20T06:00:00.000Z', version: 1 };
    await store.saveDeadline(d, null);
    expect((await store.listDeadlinesDue('2025-05-20T05:59:59.000Z')).map((x) => x.deadlineId)).not.toContain('D-it');
    expect((await store.listDeadlinesDue('2025-05-20T06:00:00.000Z')).map((x) => x.deadlineId)).toContain('D-it');
    const { remindAt: _r, ...rest } = d;
    await store.saveDeadline({ ...rest, resolvedAt: '2025-05-21T09:00:00.000Z', resolvedBy: 'bea', version: 2 }, 1);
    expect((await store.listDeadlinesDue('2030-01-01T00:00:00.000Z')).map((x) => x.deadlineId)).not.toContain('D-it');
  });
});
