/**
 * The simulation's meter prices writes by DynamoDB's capacity rules from the item before and
 * after each write; for an UpdateItem it works out the item after from the update expression.
 */
import { describe, expect, it } from 'vitest';
import { writeCost } from '../../bench/simulation/capacity';
import { applyUpdate } from '../../bench/simulation/meter';
import { tableDefinition } from '../../adapters/dynamodb/table';

const before = {
  pk: 'TRAJ#T1',
  sk: 'TRAJ',
  gsi3pk: 'REG#rita',
  gsi3sk: '2025#T1',
  version: 4,
  openTask: { taskId: 'T1-2', dueAt: '2025-10-15' },
  workflow: { status: 'running', executionName: 'T1-0', segment: 0 },
  summary: { trajectoryId: 'T1', workflow: { status: 'running', segment: 0 } },
  note: 'gone',
};

describe('the meter', () => {
  it('applies SET on nested paths, ADD and REMOVE, through attribute names', () => {
    const after = applyUpdate(before, {
      UpdateExpression: 'SET #o.#t = :t, #w = :w, #s.#w = :sw ADD #v :one REMOVE note',
      ExpressionAttributeNames: { '#o': 'openTask', '#t': 'token', '#w': 'workflow', '#s': 'summary', '#v': 'version' },
      ExpressionAttributeValues: { ':t': 'tok', ':w': { status: 'running', executionName: 'T1-1', segment: 1 }, ':sw': { status: 'running', segment: 1 }, ':one': 1 },
    });
    expect(after).toEqual({
      ...before,
      note: undefined,
      version: 5,
      openTask: { taskId: 'T1-2', dueAt: '2025-10-15', token: 'tok' },
      workflow: { status: 'running', executionName: 'T1-1', segment: 1 },
      summary: { trajectoryId: 'T1', workflow: { status: 'running', segment: 1 } },
    });
    expect(before.version).toBe(4); // the item before is left as it was
    // The summary moved, so the index that copies it is written too; an unchanged summary costs no index write.
    expect(writeCost(tableDefinition, before, after).index).toBeGreaterThan(0);
    expect(writeCost(tableDefinition, before, applyUpdate(before, { UpdateExpression: 'ADD version :one', ExpressionAttributeValues: { ':one': 1 } })).index).toBe(0);
  });
});
