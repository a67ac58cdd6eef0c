/**
 * The one DynamoDB table of trajectregie, as plain data.
 *
 * The CDK stateful stack and the local runtime both build the table from this definition, so the
 * keys and indexes deployed on AWS are the ones tested here.
 *
 * Item layout (single-table design; the trajectory is one aggregate, written atomically):
 *   CLIENT#id       / CLIENT        client (personal data)
 *   CLAIM#sha256    / CLAIM         a unique claim: a client's one active trajectory, a BSN
 *   TRAJ#id         / TRAJ          trajectory with its open task, tasks, contacts, ZRM rounds, POP
 *   HANDOVER#id     / HANDOVER      handover dossier for the municipality
 *   NOTIFY#id       / NOTIFY        notification (escalation)
 *   AUDIT#clientId  / at#id         append-only audit entry
 *   IDEMP#scope#key / IDEMP         stored response of a request with an Idempotency-Key
 *   EXEC#name       / EXEC          local workflow engine only: one execution
 *   CLOCK           / CLOCK         local runtime only: the virtual clock
 *
 * Indexes (sparse: an item is in an index only while it carries the index's keys):
 *   byAssignee   gsi1pk ASSIGNEE#id  gsi1sk dueAt#taskId  trajectories with an open task, per assignee
 *   byDue        gsi2pk OPEN         gsi2sk dueAt#taskId  all open tasks: the scheduler's due index
 *   byRegisseur  gsi3pk REG#id       gsi3sk createdAt#id  trajectories per regisseur
 *   byKind       gsi4pk CLIENT | TRAJ | HANDOVER | NOTIFY | EXEC#trajectoryId, gsi4sk createdAt#id
 */
export interface KeyAttribute {
  name: string;
  type: 'S';
}

export interface IndexDefinition {
  indexName: string;
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
}

export interface TableDefinition {
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
  globalSecondaryIndexes: IndexDefinition[];
}

export const INDEX = {
  byAssignee: 'byAssignee',
  byDue: 'byDue',
  byRegisseur: 'byRegisseur',
  byKind: 'byKind',
} as const;

const index = (indexName: string, prefix: string): IndexDefinition => ({
  indexName,
  partitionKey: { name: `${prefix}pk`, type: 'S' },
  sortKey: { name: `${prefix}sk`, type: 'S' },
});

export const tableDefinition: TableDefinition = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalSecondaryIndexes: [
    index(INDEX.byAssignee, 'gsi1'),
    index(INDEX.byDue, 'gsi2'),
    index(INDEX.byRegisseur, 'gsi3'),
    index(INDEX.byKind, 'gsi4'),
  ],
};

/** The default table name; configured by TABLE_NAME. */
export const DEFAULT_TABLE_NAME = 'trajectregie';
