/**
 * The one DynamoDB table of trajectregie, as plain data.
 *
 * The CDK stateful stack and the local runtime both build the table from this definition, so the
 * keys and indexes deployed on AWS are the ones tested here.
 *
 * Item layout (single-table design; the trajectory is one aggregate, written atomically):
 *   CLIENT#id       / CLIENT        client (personal data), each change conditional on its version
 *   CLIENT#id       / DEADLINE#id   a legal deadline of the client (residence permit, inburgering term, …)
 *   HOUSEHOLD#id    / CLIENT#id     a client's membership of a household (one query finds the members)
 *   CLAIM#sha256    / CLAIM         a unique claim: a client's one active trajectory, a BSN
 *   TRAJ#id         / TRAJ          trajectory with its open task, tasks, contacts, ZRM rounds, POP
 *   HANDOVER#id     / HANDOVER      handover dossier for the municipality
 *   NOTIFY#id       / NOTIFY        escalation of an overdue task (the beheerders' list; resolved once the task is done)
 *   USER#id         / USER          a user of the directory (adapters/dynamodb/user-store.ts)
 *   REMIND#trajId   / REMIND        the trajectory's next notification moment (adapters/dynamodb/notification-store.ts)
 *   NOTE#id         / NOTE          a notification to one user: inbox and outbox
 *   AUDIT#clientId  / at#id         append-only audit entry
 *   AUDIT#clientId  / LISTED#role#userId  the user's list reads have shown this client since `since` (written once)
 *   LISTREAD#role#userId / at#id    one list read of that user: the client ids shown (append-only audit)
 *   LISTSEEN#role#userId / LISTSEEN every client that user's lists ever showed (a string set)
 *   SIGNAL#id       / SIGNAL        a signal (no personal data), whole in `summary` (adapters/dynamodb/signal-store.ts)
 *   IDEMP#scope#key / IDEMP         stored response of a request with an Idempotency-Key
 *   EXEC#name       / EXEC          local workflow engine only: one execution
 *   CLOCK           / CLOCK         local runtime only: the virtual clock
 *
 * Indexes (sparse: an item is in an index only while it carries the index's keys). They copy the
 * keys and a trajectory's `summary` only (never its growing records); other kinds are read whole
 * by key after the index gives their keys:
 *   byAssignee    gsi1pk ASSIGNEE#role#id  gsi1sk dueAt#taskId       trajectories with an open task, per assignee
 *                 (GET /tasks: the due-date filter is a key range; the beheerder's page queries every
 *                 regisseur's partition and the municipality's at once and merges them by sort key,
 *                 so it costs one query per regisseur; a single all-tasks partition would need an index of its own)
 *                 gsi1pk INBOX#role#id     gsi1sk U|R#createdAt#id   a user's notifications, unread first (queried descending)
 *   byEscalation  the scheduler's time-keyed reads (keys only), each a partition:
 *                 gsi2pk OPEN              gsi2sk escalateOn#taskId  open tasks by escalation date
 *                 gsi2pk REMIND            gsi2sk at#trajectoryId    next notification moment per trajectory
 *                 gsi2pk OUTBOX            gsi2sk nextAttemptAt#id   notifications whose mail is pending
 *                 gsi2pk DEADLINE          gsi2sk remindAt#clientId#id  open legal deadlines by their next reminder
 *   byRegisseur   gsi3pk REG#id            gsi3sk createdAt#id       trajectories per regisseur
 *                 gsi3pk SIGNALS#userId    gsi3sk createdAt#id       one author's signals
 *   byKind        gsi4pk CLIENT | TRAJ | HANDOVER | NOTIFY | USER | NOTE_FAILED | SIGNAL | EXEC#trajectoryId, gsi4sk createdAt#id
 */
export interface KeyAttribute {
  name: string;
  type: 'S';
}

/** What an index copies of an item: only the keys, some attributes, or all of it. */
export type Projection = { type: 'KEYS_ONLY' } | { type: 'INCLUDE'; nonKeyAttributes: string[] } | { type: 'ALL' };

export interface IndexDefinition {
  indexName: string;
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
  projection: Projection;
}

export interface TableDefinition {
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
  globalSecondaryIndexes: IndexDefinition[];
}

export const INDEX = {
  byAssignee: 'byAssignee',
  byEscalation: 'byEscalation',
  byRegisseur: 'byRegisseur',
  byKind: 'byKind',
} as const;

/**
 * The attribute the store writes beside a trajectory with what lists show of it (its summary,
 * core/trajectory/summary.ts); the indexes copy only it, so a trajectory's growing records never
 * travel into an index, and an index is written only when the summary changes.
 */
export const SUMMARY_ATTRIBUTE = 'summary';

const index = (indexName: string, prefix: string, projection: Projection): IndexDefinition => ({
  indexName,
  partitionKey: { name: `${prefix}pk`, type: 'S' },
  sortKey: { name: `${prefix}sk`, type: 'S' },
  projection,
});

export const tableDefinition: TableDefinition = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalSecondaryIndexes: [
    index(INDEX.byAssignee, 'gsi1', { type: 'INCLUDE', nonKeyAttributes: [SUMMARY_ATTRIBUTE] }),
    index(INDEX.byEscalation, 'gsi2', { type: 'KEYS_ONLY' }),
    index(INDEX.byRegisseur, 'gsi3', { type: 'INCLUDE', nonKeyAttributes: [SUMMARY_ATTRIBUTE] }),
    index(INDEX.byKind, 'gsi4', { type: 'INCLUDE', nonKeyAttributes: [SUMMARY_ATTRIBUTE] }),
  ],
};

/** The default table name; configured by TABLE_NAME. */
export const DEFAULT_TABLE_NAME = 'trajectregie';
