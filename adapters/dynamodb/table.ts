/**
 * The one DynamoDB table of trajectregie, as plain data.
 *
 * The CDK stateful stack and the local runtime both build the table from this
 * definition, so the keys and indexes deployed on AWS are the ones tested here.
 *
 * Item layout (single-table design):
 *   CLIENT#id      / CLIENT              client (personal data)
 *   TRAJ#id        / TRAJ                trajectory, with the facts the schedule needs
 *   TRAJ#id        / CONTACT#date#id     contact held
 *   TRAJ#id        / ZRM#date#id         ZRM measurement
 *   TRAJ#id        / POP#v0001           POP version
 *   TASK#id        / TASK                human task (open tasks carry the due-index keys)
 *   HANDOVER#id    / HANDOVER            handover dossier for the municipality
 *   AUDIT#clientId / at#id               append-only audit entry
 *   NOTIFY#id      / NOTIFY              notification (escalation, reminder)
 *   IDEMP#user#key / IDEMP               stored response of an idempotent request
 *   EXEC#name      / EXEC                local workflow engine: one execution
 *   CLOCK          / CLOCK               local runtime: the virtual clock
 *
 * Indexes (sparse: an item is in an index only while it carries its keys):
 *   byRegisseur  gsi1pk REG#rid#TASK (open tasks, sk dueAt#id) | REG#rid#TRAJ (sk createdAt#id)
 *   byKind       gsi2pk OPENTASK (the due index: sk dueAt#id) | TRAJ | HANDOVER | NOTIFY
 *   byTrajectory gsi3pk TRAJ#id, sk TASK#openedAt#id | EXEC#startedAt#name
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
  byRegisseur: 'byRegisseur',
  byKind: 'byKind',
  byTrajectory: 'byTrajectory',
} as const;

export const tableDefinition: TableDefinition = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalSecondaryIndexes: [
    {
      indexName: INDEX.byRegisseur,
      partitionKey: { name: 'gsi1pk', type: 'S' },
      sortKey: { name: 'gsi1sk', type: 'S' },
    },
    {
      indexName: INDEX.byKind,
      partitionKey: { name: 'gsi2pk', type: 'S' },
      sortKey: { name: 'gsi2sk', type: 'S' },
    },
    {
      indexName: INDEX.byTrajectory,
      partitionKey: { name: 'gsi3pk', type: 'S' },
      sortKey: { name: 'gsi3sk', type: 'S' },
    },
  ],
};

/** The default table name; configured by TABLE_NAME. */
export const DEFAULT_TABLE_NAME = 'trajectregie';
