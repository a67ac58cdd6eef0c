/**
 * Ports: what the core needs from the world. Adapters implement them (DynamoDB, Step Functions
 * or the local engine, the clock); the core never imports an adapter.
 */
import type { TaskResult } from './workflow/contract';
import type { AuditEntry, Client, Handover, Notification, Phase, Role, Trajectory } from './schemas';
import type { TaskSummary, TrajectorySummary } from './trajectory/summary';

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  next(): string;
}

/** A unique claim (a client's one active trajectory, a BSN): who holds it, since when. */
export interface Claim {
  ownerId: string;
  claimedAt: string;
}

/** An execution waiting on a task already open (core/trajectory/aggregate.ts planOpenWait). */
export interface WaitRegistration {
  taskId: string;
  /** The escalation date the wait's timeout was planned to: a task moved since is decided on a read. */
  escalateOn: string;
  token: string;
  executionName: string;
  segment: number;
  executionStartedAt: string;
}

export interface Store {
  createClient(client: Client): Promise<void>;
  getClient(clientId: string): Promise<Client | undefined>;
  /** Many clients in few reads; unknown ids are left out. */
  getClients(clientIds: string[]): Promise<Client[]>;
  listClients(): Promise<Client[]>;
  /**
   * Sets (or with null, releases) the unique claim `name`, conditional on its current owner being
   * `expectedOwner` (null: unclaimed). A failed condition throws ConcurrentUpdateError.
   */
  setClaim(name: string, claim: Claim | null, expectedOwner: string | null): Promise<void>;
  getClaim(name: string): Promise<Claim | undefined>;

  /**
   * Writes the trajectory aggregate (its open task and records included) in one conditional
   * put: expectedVersion null creates it, a number must match the stored version.
   */
  saveTrajectory(trajectory: Trajectory, expectedVersion: number | null): Promise<void>;
  getTrajectory(trajectoryId: string): Promise<Trajectory | undefined>;
  /**
   * Registers the waiting execution's token on the open task without reading the trajectory: if
   * `taskId` is still the open task of the active trajectory and no later execution registered,
   * the task gets the token and the trajectory this workflow (running), its version advanced.
   * False when that no longer holds (then the caller reads and decides).
   */
  registerWait(trajectoryId: string, wait: WaitRegistration): Promise<boolean>;
  /** Summaries from an index (a regisseur's, or all): lists never read the whole trajectories. */
  listTrajectories(filter: { regisseurId?: string; phase?: Phase }): Promise<TrajectorySummary[]>;
  /** Open tasks sorted by due date: an assignee's from their index, or all. */
  listOpenTasks(filter: { assignee?: { role: Role; id: string } }): Promise<TaskSummary[]>;
  /**
   * The open tasks whose escalation date is on or before `day`, as keys from the sparse escalation
   * index: the scheduler's read, whose cost grows with what is due, not with what exists.
   */
  listEscalationDue(day: string): Promise<Array<{ trajectoryId: string; taskId: string }>>;

  /** Creates (expectNew) or replaces a handover. */
  putHandover(handover: Handover, expectNew: boolean): Promise<void>;
  getHandover(handoverId: string): Promise<Handover | undefined>;
  listHandovers(): Promise<Handover[]>;

  /** Idempotent: a notification with the same id is written once. */
  putNotification(notification: Notification): Promise<void>;
  listNotifications(): Promise<Notification[]>;
  /** Marks a notification resolved (once; an unknown id is ignored). */
  resolveNotification(notificationId: string, at: string): Promise<void>;

  /** Append-only: an entry is never overwritten. */
  appendAudit(entries: AuditEntry[]): Promise<void>;
  listAudit(clientId: string): Promise<AuditEntry[]>;
}

/** A stored answer to a request made with an Idempotency-Key. */
export interface IdempotentResponse {
  fingerprint: string;
  status: number;
  body: unknown;
}

export interface IdempotencyStore {
  /**
   * Claims the key for one run (its claim id), or returns the stored answer of the run that
   * completed it. A key still claimed by a live run is a ConflictError; reused with another
   * request, a ValidationError.
   */
  claim(scope: string, key: string, fingerprint: string): Promise<{ claimId: string } | { replay: IdempotentResponse }>;
  /** Stores the answer, if this run still holds the claim. */
  complete(scope: string, key: string, claimId: string, response: IdempotentResponse): Promise<void>;
  /** Frees the key for a retry, if this run still holds the claim. */
  release(scope: string, key: string, claimId: string): Promise<void>;
}

export interface ExecutionSummary {
  name: string;
  segment: number;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  startedAt: string;
  stoppedAt?: string;
  resumeAt?: string;
}

/** The workflow engine: AWS Step Functions, or the local engine running the same ASL. */
export interface WorkflowEngine {
  start(input: { trajectoryId: string; resumeAt: Phase; segment: number }): Promise<{ executionName: string }>;
  /** Resolves a waiting task. Returns false when the token no longer works (the execution moved on). */
  sendTaskSuccess(token: string, output: TaskResult): Promise<boolean>;
  sendTaskFailure(token: string, error: string, cause: string): Promise<boolean>;
  /** The executions of a trajectory, segment 0 up to lastSegment. */
  listExecutions(trajectoryId: string, lastSegment: number): Promise<ExecutionSummary[]>;
}

export type { TaskResult } from './workflow/contract';

/** Delivers a handover notice (IDs only) to the municipality. */
export interface HandoverChannel {
  deliver(notice: { handoverId: string; trajectoryId: string }): Promise<void>;
}

/** Operational metrics (a gauge per name), for alarms and dashboards. */
export interface Metrics {
  gauge(name: string, value: number): Promise<void>;
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Everything a use case may need. */
export interface Deps {
  store: Store;
  clock: Clock;
  ids: IdGenerator;
  engine: WorkflowEngine;
  handovers: HandoverChannel;
  idempotency: IdempotencyStore;
  metrics: Metrics;
  logger: Logger;
}
