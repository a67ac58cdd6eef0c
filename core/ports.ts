/**
 * Ports: what the core needs from the world. Adapters implement them (DynamoDB, Step Functions
 * or the local engine, the clock); the core never imports an adapter.
 */
import type { TaskResult } from './workflow/contract';
import type { AuditEntry, Client, Deadline, Escalation, Handover, NewUser, Notification, Phase, Role, Trajectory, User } from './schemas';
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
   * Replaces a client conditional on its stored version (`client.version` is expectedVersion + 1;
   * expectedVersion 0: a client stored without a version). A lost race throws ConcurrentUpdateError.
   */
  saveClient(client: Client, expectedVersion: number): Promise<void>;
  /** A household's membership items (HOUSEHOLD#id / CLIENT#clientId): one query gives its client ids. */
  putHouseholdMember(householdId: string, clientId: string, since: string): Promise<void>;
  removeHouseholdMember(householdId: string, clientId: string): Promise<void>;
  listHouseholdMembers(householdId: string): Promise<string[]>;
  /** A client's legal deadlines (items CLIENT#id / DEADLINE#deadlineId), by date. */
  listDeadlines(clientId: string): Promise<Deadline[]>;
  getDeadline(clientId: string, deadlineId: string): Promise<Deadline | undefined>;
  /** Creates (expectedVersion null) or replaces a deadline conditional on its version; a lost race throws ConcurrentUpdateError. */
  saveDeadline(deadline: Deadline, expectedVersion: number | null): Promise<void>;
  /** Open deadlines whose reminder moment (`remindAt`) has come, from the time-keyed sparse index. */
  listDeadlinesDue(now: string): Promise<Deadline[]>;
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

  /** Idempotent: an escalation with the same id is written once. */
  putEscalation(escalation: Escalation): Promise<void>;
  listEscalations(): Promise<Escalation[]>;
  /** Marks an escalation resolved (once; an unknown id is ignored). */
  resolveEscalation(escalationId: string, at: string): Promise<void>;

  /** Append-only: an entry is never overwritten. */
  appendAudit(entries: AuditEntry[]): Promise<void>;
  listAudit(clientId: string): Promise<AuditEntry[]>;
  /**
   * One entry for one read of a list, naming every client shown (one write, whatever the list's
   * length); `listAudit` of each of those clients shows it as a read.
   */
  recordListRead(read: import('./schemas').ListRead): Promise<void>;
  /**
   * A page of open tasks from the assignees' due-index partitions (several: merged by due date),
   * due dates as a key range, `after` the sort key `dueAt#taskId` of the previous page's last task.
   * The summaries carry the open task; `more` when a task follows the page.
   */
  pageOpenTasks(query: OpenTaskQuery): Promise<{ items: TrajectorySummary[]; more: boolean }>;
}

/** What a worklist page asks of the due index (core/usecases/tasks.ts listTaskPage). */
export interface OpenTaskQuery {
  assignees: Array<{ role: Role; id: string }>;
  /** Due dates, both inclusive (YYYY-MM-DD). */
  dueFrom?: string;
  dueTo?: string;
  type?: import('./schemas').TaskType;
  zrmDue?: boolean;
  limit: number;
  after?: string;
}

/** Signals (adapters/dynamodb/signal-store.ts): their own items, listed by creation time. */
export interface SignalQuery {
  /** Only this author's (a regisseur's own), from its own index partition. */
  createdBy?: string;
  theme?: import('./schemas').Signal['theme'];
  nature?: import('./schemas').Signal['nature'];
  /** Part of the partner's name, any case. */
  partner?: string;
  trajectoryId?: string;
  /** Creation instants: from inclusive, to exclusive (ISO). */
  from?: string;
  to?: string;
  limit: number;
  /** The previous page's last signal, as `createdAt#signalId`. */
  after?: string;
}

export interface SignalStore {
  put(signal: import('./schemas').Signal): Promise<void>;
  get(signalId: string): Promise<import('./schemas').Signal | undefined>;
  /** Newest first; `more` when a signal follows the page. */
  list(query: SignalQuery): Promise<{ items: Array<import('./schemas').Signal>; more: boolean }>;
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

/** The directory of the people who use the system (one item per user in the table). */
export interface UserStore {
  /** A user id already taken throws ConcurrentUpdateError. */
  createUser(user: User): Promise<void>;
  getUser(userId: string): Promise<User | undefined>;
  listUsers(): Promise<User[]>;
  /** Conditional on the stored version (`user.version` is expectedVersion + 1); a lost race throws ConcurrentUpdateError. */
  saveUser(user: User, expectedVersion: number): Promise<void>;
}

/**
 * Where users sign in, kept in step with the directory: Cognito on AWS (creating a user sends
 * Cognito's invitation mail; deactivating disables the sign-in). Locally the table is the
 * directory and the local issuer asks it, so there is nothing more to do.
 */
export interface IdentityProvider {
  createUser(user: NewUser): Promise<void>;
  setActive(userId: string, active: boolean): Promise<void>;
  /** The e-mail address changed in the directory: people sign in with it, so the sign-in follows. */
  setEmail(userId: string, email: string): Promise<void>;
}

/** An e-mail ready to leave the system (it never carries a full name, a BSN or a score). */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The same for every attempt at the same mail, so a resent mail is recognisably the same. */
  messageId: string;
}

/**
 * Sends e-mail: SES on AWS; locally SMTP (SMTP_URL) or .eml files in DATA_DIR/outbox. A failure
 * that a retry cannot mend (the address refused for good) throws an error with `permanent: true`.
 */
export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/** A trajectory's next notification moment (the scheduler's sparse index; core/notifications/schedule.ts). */
export interface ReminderMark {
  trajectoryId: string;
  /** The next moment anything may fall due for this trajectory's open task (never later than the true one). */
  at: string;
  /** The task and the moment up to which its notifications were recorded. */
  taskId?: string;
  through?: string;
}

export interface NotificationStore {
  /**
   * Marks the trajectory's next notification moment `at`, for `taskId`: replacing a mark that was
   * for the task `replacing` (the one this change closes), else only if `at` is earlier (or there
   * is no mark), so a mark is never later than a moment still to come.
   */
  markNext(trajectoryId: string, mark: { at: string; taskId: string; replacing?: string }): Promise<void>;
  /** Moves the mark from `from` to `to` if it is still at `from` for `taskId` (else leaves it). */
  moveMark(trajectoryId: string, move: { taskId: string; from: string; to: string }): Promise<void>;
  /** The marks due at `now`: keys and little more, from the sparse index. */
  listMarksDue(now: string): Promise<ReminderMark[]>;
  /** Replaces the mark if it still is `expected` (a concurrent change wins); null removes it. False when it changed. */
  replaceMark(expected: ReminderMark, next: ReminderMark | null): Promise<boolean>;

  /** Records a notification once: false when one with the same id exists (nothing changes). */
  record(notification: Notification): Promise<boolean>;
  get(notificationId: string): Promise<Notification | undefined>;
  /** Notifications whose e-mail is pending and due at `now` (the outbox), oldest first. */
  listSendable(now: string): Promise<Notification[]>;
  /** Replaces the delivery if its attempts are still `expectedAttempts`; false when another sender moved it. */
  updateDelivery(notificationId: string, expectedAttempts: number, delivery: Notification['delivery']): Promise<boolean>;
  /** Deliveries that failed for good, newest first. */
  listFailed(): Promise<Notification[]>;
  /** A recipient's inbox, unread first and newest first within each, a page at a time. */
  listInbox(recipient: { role: Role; id: string }, page: { limit: number; cursor?: string }): Promise<{ items: Notification[]; cursor?: string }>;
  /** Marks read (once); false when the recipient has no such notification. */
  markRead(recipient: { role: Role; id: string }, notificationId: string, at: string): Promise<boolean>;
}

/** Deployment settings the use cases need (parsed from the configuration, adapters/config.ts). */
export interface Settings {
  /** Where links in mails point: `${appBaseUrl}/tasks/{taskId}`. */
  appBaseUrl: string;
  notify: {
    reminderDaysBefore: number;
    /** The hour (Amsterdam time) of the due-day and overdue reminders and the handover reminder. */
    hour: number;
    overdueEveryDays: number;
    handoverUnacknowledgedDays: number;
  };
  /** A missed contact's task is due again this many days after the day it was missed. */
  missedContactRetryDays: number;
}

export const DEFAULT_SETTINGS: Settings = {
  appBaseUrl: 'http://127.0.0.1:3000',
  notify: { reminderDaysBefore: 7, hour: 8, overdueEveryDays: 7, handoverUnacknowledgedDays: 7 },
  missedContactRetryDays: 14,
};

/** Everything a use case may need. */
export interface Deps {
  store: Store;
  users: UserStore;
  identity: IdentityProvider;
  notifications: NotificationStore;
  mailer: Mailer;
  settings: Settings;
  clock: Clock;
  ids: IdGenerator;
  engine: WorkflowEngine;
  handovers: HandoverChannel;
  idempotency: IdempotencyStore;
  signals: SignalStore;
  metrics: Metrics;
  logger: Logger;
}
