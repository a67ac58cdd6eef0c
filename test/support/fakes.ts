/**
 * In-memory fakes of the core's ports, for fast use-case tests without a network: a store that
 * keeps the conditional-write semantics of the DynamoDB one, an engine that records what it was
 * told, a clock the test sets, sequential ids.
 */
import { ConcurrentUpdateError } from '../../core/errors';
import type { Claim, Deps, ExecutionSummary, IdempotencyStore, Store, WaitRegistration, WorkflowEngine } from '../../core/ports';
import { registerWait } from '../../core/trajectory/aggregate';
import type { AuditEntry, Client, Handover, Notification, Phase, Role, Trajectory } from '../../core/schemas';
import { summarise } from '../../core/trajectory/summary';
import type { TaskResult } from '../../core/workflow/contract';

const copy = <T>(value: T): T => structuredClone(value);

export class MemoryStore implements Store {
  clients = new Map<string, Client>();
  claims = new Map<string, Claim>();
  trajectories = new Map<string, Trajectory>();
  handovers = new Map<string, Handover>();
  notifications = new Map<string, Notification>();
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
  async putNotification(notification: Notification) {
    if (!this.notifications.has(notification.notificationId)) this.notifications.set(notification.notificationId, copy(notification));
  }
  async listNotifications() {
    return [...this.notifications.values()].map(copy);
  }
  async resolveNotification(id: string, at: string) {
    const found = this.notifications.get(id);
    if (found && !found.resolvedAt) found.resolvedAt = at;
  }
  async appendAudit(entries: AuditEntry[]) {
    this.audit.push(...entries.map(copy));
  }
  async listAudit(clientId: string) {
    return this.audit.filter((e) => e.clientId === clientId).map(copy);
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

const unusedIdempotency: IdempotencyStore = {
  claim: () => Promise.reject(new Error('not used in these tests')),
  complete: () => Promise.reject(new Error('not used in these tests')),
  release: () => Promise.reject(new Error('not used in these tests')),
};

export interface FakeWorld {
  deps: Deps;
  store: MemoryStore;
  engine: RecordingEngine;
  /** Sets the clock. */
  at(iso: string): void;
  logs: Array<{ level: string; message: string; fields?: Record<string, unknown> }>;
  gauges: Array<[string, number]>;
}

export function fakeWorld(start = '2025-01-15T09:00:00.000Z'): FakeWorld {
  const store = new MemoryStore();
  const engine = new RecordingEngine();
  let now = new Date(start);
  let id = 0;
  const logs: FakeWorld['logs'] = [];
  const gauges: FakeWorld['gauges'] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => void logs.push({ level, message, ...(fields ? { fields } : {}) });
  const deps: Deps = {
    store,
    engine,
    clock: { now: () => new Date(now) },
    ids: { next: () => `ID${String(++id).padStart(4, '0')}` },
    handovers: { deliver: async () => {} },
    idempotency: unusedIdempotency,
    metrics: { gauge: async (name, value) => void gauges.push([name, value]) },
    logger: { info: log('info'), warn: log('warn'), error: log('error') },
  };
  return { deps, store, engine, logs, gauges, at: (iso) => (now = new Date(iso.length === 10 ? `${iso}T09:00:00.000Z` : iso)) };
}
