/**
 * Where the local engine records its executions, so a restart can tell which ones died with the
 * process and the API can list a trajectory's executions. In the table on the embedded stack; in
 * memory where a test runs the definition with stubbed steps.
 */
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ExecutionSummary } from '../../core/ports';
import { isConditionFailure, queryItems } from '../dynamodb/client';
import { INDEX } from '../dynamodb/table';

export interface ExecutionRecord extends ExecutionSummary {
  trajectoryId: string;
}

export interface ExecutionLog {
  /** Records a new execution; false when one of that name exists (a continue-as-new repeated). */
  create(record: ExecutionRecord): Promise<boolean>;
  update(record: ExecutionRecord): Promise<void>;
  list(trajectoryId: string): Promise<ExecutionRecord[]>;
}

export class DynamoExecutionLog implements ExecutionLog {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(record: ExecutionRecord): Promise<boolean> {
    try {
      await this.put(record, true);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  update(record: ExecutionRecord): Promise<void> {
    return this.put(record, false);
  }

  list(trajectoryId: string): Promise<ExecutionRecord[]> {
    return queryItems<ExecutionRecord>(this.doc, this.tableName, {
      IndexName: INDEX.byKind,
      KeyConditionExpression: 'gsi4pk = :pk',
      ExpressionAttributeValues: { ':pk': `EXEC#${trajectoryId}` },
    });
  }

  private async put(record: ExecutionRecord, create: boolean): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `EXEC#${record.name}`,
          sk: 'EXEC',
          gsi4pk: `EXEC#${record.trajectoryId}`,
          gsi4sk: `${record.startedAt}#${record.name}`,
          ...record,
        },
        ...(create ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}),
      }),
    );
  }
}

/** Executions in memory, in start order. */
export class MemoryExecutionLog implements ExecutionLog {
  readonly records = new Map<string, ExecutionRecord>();

  async create(record: ExecutionRecord): Promise<boolean> {
    if (this.records.has(record.name)) return false;
    this.records.set(record.name, { ...record });
    return true;
  }

  async update(record: ExecutionRecord): Promise<void> {
    this.records.set(record.name, { ...record });
  }

  async list(trajectoryId: string): Promise<ExecutionRecord[]> {
    return [...this.records.values()].filter((r) => r.trajectoryId === trajectoryId).map((r) => ({ ...r }));
  }
}
