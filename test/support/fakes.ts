/**
 * In-memory fakes of the core's ports, for fast use-case tests without a network: a store that
 * keeps the conditional-write semantics of the DynamoDB one, an engine that records what it was
 * told, a clock the test sets, sequential ids.
 */
import { ConcurrentUpdateError } from '../../core/errors';
import { DEFAULT_SETTINGS, type Claim, type Deps, type ExecutionSummary, type IdempotencyStore, type IdentityProvider, type Mail, type Mailer, type NotificationStore, type ReminderMark, type Store, type UserStore, type WaitRegistration, type WorkflowEngine } from '../../core/ports';
import { registerWait } from '../../core/trajectory/aggregate';
import type { AuditEntry, Client, Deadline, Escalation, Handover, NewUser, Notification, Phase, Role, Trajectory, User } from '../../core/schemas';
import { summarise } from '../../core/trajectory/summary';
import type { TaskResult } from '../../core/workflow/contract';

const copy = <T>(value: T): T => structuredClone(value);

export class MemoryStore implements Store {
  clients = new Map<string, Client>();
  claims = new Map<string, Claim>();
  trajectories = new Map<string, Trajectory>();
  handovers = new Map<string, Handover>();
  notifications = new Map<string, Escalation>();
  audit: AuditEntry[] = [];
  /** Called before each trajectory save: a test may change the stored trajectory to make a race. */
  beforeSave?: (trajectory: Trajectory) => void;
  saves = 0;

  async createClient(client: Client) {
    this.clients.set(client.clientId, copy(client));
  }
  async getClient(id: string) {
    return copy(this.clients.get(id));
  }
  async getClients(ids: string[]) {
    return ids.flatMap((id) => (this.clients.has(id) ? [copy(this.clients.get(id)!)] : []));
  }
  async listClients() {
    return [...this.clients.values()].map(copy);
  }
  async saveClient(client: Client, expectedVersion: number) {
    const stored = this.clients.get(client.clientId);
    if (!stored || (stored.version ?? 0) !== expectedVersion) throw new ConcurrentUpdateError('client changed');
    this.clients.set(client.clientId, copy(client));
  }
  households = new Map<string, Set<string>>();
  async putHouseholdMember(householdId: string, clientId: string, _since?: string) {
    this.households.set(householdId, (this.households.get(householdId) ?? new Set<string>()).add(clientId));
  }
  async removeHouseholdMember(householdId: string, clientId: string) {
    this.households.get(householdId)?.delete(clientId);
  }
  async listHouseholdMembers(householdId: string) {
    return [...(this.households.get(householdId) ?? [])].sort();
  }
  deadlines = new Map<string, Deadline>();
  async listDeadlines(clientId: string) {
    return [...this.deadlines.values()]
      .filter((d) => d.clientId === clientId)
      .sort((a, b) => a.date.localeCompare(b.date) || a.deadlineId.localeCompare(b.deadlineId))
      .map(copy);
  }
  async getDeadline(clientId: string, deadlineId: string) {
    const found = this.deadlines.get(`${clientId}#${deadlineId}`);
    return copy(found);
  }
  async listDeadlinesDue(now: string) {
    return [...this.deadlines.values()].filter((d) => d.remindAt && !d.resolvedAt && d.remindAt <= now).map(copy);
  }
  async saveDeadline(deadline: Deadline, expectedVersion: number | null) {
    const key = `${deadline.clientId}#${deadline.deadlineId}`;
    if ((this.deadlines.get(key)?.version ?? null) !== expectedVersion) throw new ConcurrentUpdateError('deadline changed');
    this.deadlines.set(key, copy(deadline));
  }
  async setClaim(name: string, claim: Claim | null, expectedOwner: string | null) {
    if ((this.claims.get(name)?.ownerId ?? null) !== expectedOwner) throw new ConcurrentUpdateError('claim held');
    if (claim) this.claims.set(name, claim);
    else this.claims.delete(name);
  }
  async getClaim(name: string) {
    return copy(this.claims.get(name));
  }
  async saveTrajectory(trajectory: Trajectory, expectedVersion: number | null) {
    this.beforeSave?.(trajectory);
    const stored = this.trajectories.get(trajectory.trajectoryId);
    if ((stored?.version ?? null) !== expectedVersion) throw new ConcurrentUpdateError('version changed');
    this.saves++;
    this.trajectories.set(trajectory.trajectoryId, copy(trajectory));
  }
  async registerWait(id: string, wait: WaitRegistration) {
    const stored = this.trajectories.get(id);
    const next = stored && registerWait(stored, wait);
    if (!stored || !next) return false;
    this.trajectories.set(id, { ...next, version: stored.version + 1 });
    return true;
  }
  async getTrajectory(id: string) {
    return copy(this.trajectories.get(id));
  }
  async listTrajectories(filter: { regisseurId?: string; phase?: Phase }) {
    return [...this.trajectories.values()]
      .filter((t) => (!filter.regisseurId || t.regisseurId === filter.regisseurId) && (!filter.phase || t.phase === filter.phase))
      .map((t) => copy(summarise(t)));
  }
  async listOpenTasks(filter: { assignee?: { role: Role; id: string } }) {
    return (await this.listTrajectories({}))
      .flatMap((t) => (t.openTask ? [t.openTask] : []))
      .filter((t) => !filter.assignee || (t.assigneeRole === filter.assignee.role && t.assigneeId === filter.assignee.id))
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  }
  async listEscalationDue(day: string) {
    return [...this.trajectories.values()]
      .flatMap((t) => (t.openTask && t.openTask.escalateOn <= day ? [{ trajectoryId: t.trajectoryId, taskId: t.openTask.taskId }] : []));
  }
  async putHandover(handover: Handover, expectNew: boolean) {
    if (expectNew === this.handovers.has(handover.handoverId)) throw new ConcurrentUpdateError('handover');
    this.handovers.set(handover.handoverId, copy(handover));
  }
  async getHandover(id: string) {
    return copy(this.handovers.get(id));
  }
  async listHandovers() {
    return [...this.handovers.values()].map(copy);
  }
  async putEscalation(escalation: Escalation) {
    if (!this.notifications.has(escalation.escalationId)) this.notifications.set(escalation.escalationId, copy(escalation));
  }
  async listEscalations() {
    return [...this.notifications.values()].map(copy);
  }
  async resolveEscalation(id: string, at: string) {
    const found = this.notifications.get(id);
    if (found && !found.resolvedAt) found.resolvedAt = at;
  }
  async appendAudit(entries: AuditEntry[]) {
    this.audit.push(...entries.map(copy));
  }
  /** One entry per list read, naming the clients shown (the client's audit shows it as a read). */
  listReads: Array<import('../../core/schemas').ListRead> = [];
  async listAudit(clientId: string) {
    const listed = this.listReads
      .filter((r) => r.clientIds.includes(clientId))
      .map((r): AuditEntry => ({ clientId, at: r.at, actorId: r.actorId, actorRole: r.actorRole, action: 'read', detail: r.detail }));
    return [...this.audit.filter((e) => e.clientId === clientId), ...listed].sort((a, b) => a.at.localeCompare(b.at)).map(copy);
  }
  async recordListRead(read: import('../../core/schemas').ListRead) {
    if (read.clientIds.length > 0) this.listReads.push(copy(read));
  }
  async pageOpenTasks(q: import('../../core/ports').OpenTaskQuery) {
    const key = (t: { dueAt: string; taskId: string }) => `${t.dueAt}#${t.taskId}`;
    const all = (await this.listTrajectories({}))
      .filter((s) => {
        const t = s.openTask;
        return (
          t !== undefined &&
          q.assignees.some((a) => a.role === t.assigneeRole && a.id === t.assigneeId) &&
          (q.dueFrom === undefined || t.dueAt >= q.dueFrom) &&
          (q.dueTo === undefined || t.dueAt <= q.dueTo) &&
          (q.type === undefined || t.type === q.type) &&
          (q.zrmDue === undefined || t.zrmDue === q.zrmDue) &&
          (q.after === undefined || key(t) > q.after)
        );
      })
      .sort((a, b) => (key(a.openTask!) < key(b.openTask!) ? -1 : 1));
    return { items: all.slice(0, q.limit), more: all.length > q.limit };
  }
}

/** Signals in memory, newest first, with the DynamoDB store's filters. */
export class MemorySignalStore {
  signals = new Map<string, import('../../core/schemas').Signal>();
  async put(signal: import('../../core/schemas').Signal) {
    if (this.signals.has(signal.signalId)) throw new ConcurrentUpdateError('A signal with this id exists');
    this.signals.set(signal.signalId, copy(signal));
  }
  async get(id: string) {
    return copy(this.signals.get(id));
  }
  async list(q: import('../../core/ports').SignalQuery) {
    const key = (s: { createdAt: string; signalId: string }) => `${s.createdAt}#${s.signalId}`;
    const all = [...this.signals.values()]
      .filter(
        (s) =>
          (q.createdBy === undefined || s.createdBy === q.createdBy) &&
          (q.theme === undefined || s.theme === q.theme) &&
          (q.nature === undefined || s.nature === q.nature) &&
          (q.trajectoryId === undefined || s.trajectoryId === q.trajectoryId) &&
          (q.partner === undefined || s.partner.toLowerCase().includes(q.partner.toLowerCase())) &&
          (q.from === undefined || key(s) >= q.from) &&
          (q.to === undefined || key(s) < q.to) &&
          (q.after === undefined || key(s) < q.after),
      )
      .sort((a, b) => (key(a) < key(b) ? 1 : -1));
    return { items: all.slice(0, q.limit).map(copy), more: all.length > q.limit };
  }
}

/** Records every call; `validTokens` decides which tokens still work. */
export class RecordingEngine implements WorkflowEngine {
  started: Array<{ trajectoryId: string; resumeAt: Phase; segment: number }> = [];
  successes: Array<{ token: string; output: TaskResult }> = [];
  failures: Array<{ token: string; error: string }> = [];
  executions: ExecutionSummary[] = [];
  unreachable = false;

  async start(input: { trajectoryId: string; resumeAt: Phase; segment: number }) {
    if (this.unreachable) throw new Error('engine down');
    this.started.push(input);
    return { executionName: `${input.trajectoryId}-${input.segment}` };
  }
  async sendTaskSuccess(token: string, output: TaskResult) {
    if (this.unreachable) throw new Error('engine down');
    this.successes.push({ token, output });
    return true;
  }
  async sendTaskFailure(token: string, error: string) {
    if (this.unreachable) throw new Error('engine down');
    this.failures.push({ token, error });
    return true;
  }
  async listExecutions() {
    return this.executions;
  }
}

export class MemoryUserStore implements UserStore {
  users = new Map<string, User>();
  async createUser(user: User) {
    if (this.users.has(user.userId)) throw new ConcurrentUpdateError('A user with this id exists');
    this.users.set(user.userId, copy(user));
  }
  async getUser(id: string) {
    return copy(this.users.get(id));
  }
  async listUsers() {
    return [...this.users.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map(copy);
  }
  async saveUser(user: User, expectedVersion: number) {
    if (this.users.get(user.userId)?.version !== expectedVersion) throw new ConcurrentUpdateError('The user changed meanwhile');
    this.users.set(user.userId, copy(user));
  }
}

/** The identity provider's calls, recorded (locally the table is the directory; on AWS, Cognito). */
export class RecordingIdentity implements IdentityProvider {
  calls: Array<{ call: 'createUser' | 'setActive' | 'setEmail'; userId: string; active?: boolean; email?: string }> = [];
  async createUser(user: NewUser) {
    this.calls.push({ call: 'createUser', userId: user.userId });
  }
  async setEmail(userId: string, email: string) {
    this.calls.push({ call: 'setEmail', userId, email });
  }
  async setActive(userId: string, active: boolean) {
    this.calls.push({ call: 'setActive', userId, active });
  }
}

export class MemoryNotificationStore implements NotificationStore {
  marks = new Map<string, ReminderMark>();
  notes = new Map<string, Notification>();
  async markNext(trajectoryId: string, mark: { at: string; taskId: string; replacing?: string }) {
    const current = this.marks.get(trajectoryId);
    if (!current || current.at === '' || current.at > mark.at || (mark.replacing !== undefined && current.taskId === mark.replacing)) {
      this.marks.set(trajectoryId, { trajectoryId, at: mark.at, taskId: mark.taskId });
    }
  }
  async moveMark(trajectoryId: string, move: { taskId: string; from: string; to: string }) {
    const current = this.marks.get(trajectoryId);
    if (current && current.at === move.from && current.taskId === move.taskId && current.through === undefined) this.marks.set(trajectoryId, { ...current, at: move.to });
  }
  async listMarksDue(now: string) {
    return [...this.marks.values()].filter((m) => m.at !== '' && m.at <= now).sort((a, b) => a.at.localeCompare(b.at)).map(copy);
  }
  async replaceMark(expected: ReminderMark, next: ReminderMark | null) {
    const mark = this.marks.get(expected.trajectoryId);
    if (!mark || mark.at !== expected.at || mark.taskId !== expected.taskId || mark.through !== expected.through) return false;
    this.marks.set(expected.trajectoryId, next ? copy(next) : { trajectoryId: expected.trajectoryId, at: '' });
    return true;
  }
  async record(n: Notification) {
    if (this.notes.has(n.notificationId)) return false;
    this.notes.set(n.notificationId, copy(n));
    return true;
  }
  async get(id: string) {
    return copy(this.notes.get(id));
  }
  async listSendable(now: string) {
    return [...this.notes.values()]
      .filter((n) => n.delivery.status === 'pending' && n.delivery.nextAttemptAt !== undefined && n.delivery.nextAttemptAt <= now)
      .sort((a, b) => a.delivery.nextAttemptAt!.localeCompare(b.delivery.nextAttemptAt!))
      .map(copy);
  }
  async updateDelivery(id: string, expectedAttempts: number, delivery: Notification['delivery']) {
    const n = this.notes.get(id);
    if (!n || n.delivery.attempts !== expectedAttempts) return false;
    this.notes.set(id, { ...n, delivery: copy(delivery) });
    return true;
  }
  async listFailed() {
    return [...this.notes.values()].filter((n) => n.delivery.status === 'failed').reverse().map(copy);
  }
  async listInbox(recipient: { role: Role; id: string }, page: { limit: number; cursor?: string }) {
    const sortKey = (n: Notification) => `${n.readAt ? 'R' : 'U'}#${n.createdAt}#${n.notificationId}`;
    const all = [...this.notes.values()]
      .filter((n) => n.recipientRole === recipient.role && n.recipientId === recipient.id)
      .sort((a, b) => sortKey(b).localeCompare(sortKey(a)));
    const start = page.cursor ? Number(page.cursor) : 0;
    const items = all.slice(start, start + page.limit).map(copy);
    return { items, ...(start + page.limit < all.length ? { cursor: String(start + page.limit) } : {}) };
  }
  async markRead(recipient: { role: Role; id: string }, id: string, at: string) {
    const n = this.notes.get(id);
    if (!n || n.recipientRole !== recipient.role || n.recipientId !== recipient.id) return false;
    if (!n.readAt) this.notes.set(id, { ...n, readAt: at });
    return true;
  }
}

/** Keeps every mail; `failing` makes the next sends throw. */
export class RecordingMailer implements Mailer {
  sent: Mail[] = [];
  failing = 0;
  async send(mail: Mail) {
    if (this.failing > 0) {
      this.failing--;
      throw new Error('mail server unavailable');
    }
    this.sent.push(copy(mail));
  }
}

const unusedIdempotency: IdempotencyStore = {
  claim: () => Promise.reject(new Error('not used in these tests')),
  complete: () => Promise.reject(new Error('not used in these tests')),
  release: () => Promise.reject(new Error('not used in these tests')),
};

export interface FakeWorld {
  deps: Deps;
  store: MemoryStore;
  users: MemoryUserStore;
  identity: RecordingIdentity;
  notifications: MemoryNotificationStore;
  mailer: RecordingMailer;
  engine: RecordingEngine;
  /** Sets the clock. */
  at(iso: string): void;
  logs: Array<{ level: string; message: string; fields?: Record<string, unknown> }>;
  gauges: Array<[string, number]>;
}

export function fakeWorld(start = '2025-01-15T09:00:00.000Z'): FakeWorld {
  const store = new MemoryStore();
  const engine = new RecordingEngine();
  const users = new MemoryUserStore();
  const identity = new RecordingIdentity();
  const notifications = new MemoryNotificationStore();
  const mailer = new RecordingMailer();
  let now = new Date(start);
  let id = 0;
  const logs: FakeWorld['logs'] = [];
  const gauges: FakeWorld['gauges'] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => void logs.push({ level, message, ...(fields ? { fields } : {}) });
  const deps: Deps = {
    store,
    users,
    identity,
    notifications,
    mailer,
    settings: DEFAULT_SETTINGS,
    engine,
    clock: { now: () => new Date(now) },
    ids: { next: () => `ID${String(++id).padStart(4, '0')}` },
    handovers: { deliver: async () => {} },
    idempotency: unusedIdempotency,
    signals: new MemorySignalStore(),
    metrics: { gauge: async (name, value) => void gauges.push([name, value]) },
    logger: { info: log('info'), warn: log('warn'), error: log('error') },
  };
  return { deps, store, users, identity, notifications, mailer, engine, logs, gauges, at: (iso) => (now = new Date(iso.length === 10 ? `${iso}T09:00:00.000Z` : iso)) };
}

/** Puts users straight into a fake world's directory, active unless said otherwise (a regisseur must exist to be assigned). */
export function addUsers(world: FakeWorld, ...users: Array<Pick<User, 'userId' | 'role'> & Partial<User>>): void {
  const at = world.deps.clock.now().toISOString();
  for (const user of users) {
    world.users.users.set(user.userId, {
      displayName: user.userId,
      email: `${user.userId}@example.nl`,
      active: true,
      preferences: { email: 'each', digestHour: 7 },
      createdAt: at,
      createdBy: 'test',
      updatedAt: at,
      version: 1,
      ...user,
    });
  }
}
