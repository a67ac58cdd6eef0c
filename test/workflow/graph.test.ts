/**
 * The state machine's graph with stubbed steps: the real ASL file on the local engine, every step
 * replaced by a stub that answers as the contract says (core/workflow/contract.ts), so each path —
 * a signal to a wait, an error from a step, a timeout — is walked on its own, without a store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AfrondingRequestedError, ReplanRequestedError, WithdrawnError, WorkflowOutOfSyncError } from '../../core/errors';
import type { Phase, TaskType } from '../../core/schemas';
import { PHASES } from '../../core/trajectory/phases';
import type { Plan, WaitResult } from '../../core/workflow/contract';
import type { StepName } from '../../adapters/workflow/definition';
import { MemoryExecutionLog } from '../../adapters/workflow/execution-log';
import { LocalWorkflowEngine } from '../../adapters/workflow/local-engine';

type Payload = Record<string, unknown> & { segment: number; phase?: Phase; taskType?: TaskType; taskToken?: string; openTaskId?: string | null; openTaskEscalateOn?: string | null; error?: string };
type Stub = (payload: Payload) => Promise<unknown>;

let engine: LocalWorkflowEngine | undefined;
afterEach(() => engine?.stop());

/** Runs one trajectory on the real definition with stubbed steps; `overrides` change a step's answer. */
function run(overrides: Partial<Record<StepName, Stub>> = {}, resumeAt: Phase = 'kennismaking') {
  const calls: string[] = [];
  const waits: Array<{ taskType: TaskType; token: string; openTaskId?: string | null; openTaskEscalateOn?: string | null }> = [];
  let now = Date.parse('2025-01-01T00:00:00.000Z');
  const plan = async (p: Payload): Promise<Plan> => {
    const phase = p.phase!;
    const task = phase === 'closed' ? null : PHASES[phase].task;
    return { next: phase === 'begeleiding' ? 'contact' : 'task', taskType: task, timeoutSeconds: 3600, resumeAt: phase, segment: p.segment + 1, executionName: `T1-${p.segment + 1}`, openTaskId: null, openTaskEscalateOn: null };
  };
  const defaults: Record<StepName, Stub> = {
    plan,
    'open-task': async (p) => {
      waits.push({ taskType: p.taskType!, token: p.taskToken!, openTaskId: p.openTaskId, openTaskEscalateOn: p.openTaskEscalateOn });
      return { taskId: `T1-${waits.length}` };
    },
    escalate: async (p) => ({ next: 'continue', taskType: null, timeoutSeconds: 0, resumeAt: 'kennismaking', segment: p.segment + 1, executionName: `T1-${p.segment + 1}`, openTaskId: null, openTaskEscalateOn: null }),
    'build-dossier': async () => ({ handoverId: 'T1' }),
    'deliver-handover': async (p) => ({ handoverId: 'T1', next: 'task', taskType: 'ACKNOWLEDGE', timeoutSeconds: 3600, openTaskId: 'T1-9', openTaskEscalateOn: '2025-02-01', resumeAt: 'overdracht', segment: p.segment + 1, executionName: `T1-${p.segment + 1}` }),
    'close-trajectory': async () => ({ closed: true }),
    'record-failure': async () => ({ recorded: true }),
  };
  const handlers = Object.fromEntries(
    (Object.keys(defaults) as StepName[]).map((step) => [
      step,
      async (payload: unknown) => {
        const p = payload as Payload;
        calls.push(`${step}${p.phase ? `:${p.phase}` : ''}${p.taskType ? `:${p.taskType}` : ''}${p.error ? `:${p.error}` : ''}`);
        return (overrides[step] ?? defaults[step])(p);
      },
    ]),
  ) as Record<StepName, (payload: unknown) => Promise<unknown>>;
  const executions = new MemoryExecutionLog();
  engine = new LocalWorkflowEngine({
    handlers,
    clock: { now: () => new Date(now) },
    executions,
    logger: { info: () => {}, warn: () => {}, error: () => {} },
  });
  const e = engine;
  return {
    calls,
    waits,
    executions,
    start: async () => {
      await e.start({ trajectoryId: 'T1', resumeAt, segment: 0 });
      await e.whenIdle();
    },
    /** The open wait of a task type, once the engine has reached it. */
    waitFor: (type: TaskType) => {
      const found = waits.findLast((w) => w.taskType === type);
      if (!found) throw new Error(`no ${type} wait; calls: ${calls.join(' ')}`);
      return found.token;
    },
    succeed: async (token: string, output: WaitResult) => {
      expect(await e.sendTaskSuccess(token, output)).toBe(true);
      await e.whenIdle();
    },
    signal: async (token: string, error: string) => {
      expect(await e.sendTaskFailure(token, error, 'test')).toBe(true);
      await e.whenIdle();
    },
    advanceSeconds: async (seconds: number) => {
      now += seconds * 1000;
      e.checkDeadlines();
      await e.whenIdle();
    },
    statuses: async () => (await executions.list('T1')).map((r) => `${r.name}:${r.status}`),
  };
}

describe('the trajectory graph, step by step', () => {
  it('walks kennismaking → POP → contacts → afronding → close with the task results', async () => {
    const t = run();
    await t.start();
    await t.succeed(t.waitFor('KENNISMAKING'), { taskId: 'T1-1', type: 'KENNISMAKING' });
    await t.succeed(t.waitFor('POP'), { taskId: 'T1-2', type: 'POP' });
    await t.succeed(t.waitFor('CONTACT'), { taskId: 'T1-3', type: 'CONTACT' });
    expect(t.calls.slice(-2)).toEqual(['plan:begeleiding', 'open-task:CONTACT']);
    await t.signal(t.waitFor('CONTACT'), 'Trajectory.AfrondingRequested');
    await t.succeed(t.waitFor('AFRONDING'), { taskId: 'T1-5', type: 'AFRONDING', decision: 'close' });
    expect(t.calls.slice(-3)).toEqual(['plan:afronding', 'open-task:AFRONDING', 'close-trajectory']);
    expect(await t.statuses()).toEqual(['T1-0:SUCCEEDED']);
  });

  it('a completion that planned the next wait goes straight to it, without a plan step', async () => {
    const t = run({}, 'begeleiding');
    await t.start();
    const planned = { timeoutSeconds: 3600, resumeAt: 'begeleiding', segment: 1, executionName: 'T1-1', openTaskEscalateOn: '2025-02-01' } as const;
    await t.succeed(t.waitFor('CONTACT'), { taskId: 'T1-1', type: 'CONTACT', next: 'contact', taskType: 'CONTACT', openTaskId: 'T1-2', ...planned });
    expect(t.calls).toEqual(['plan:begeleiding', 'open-task:CONTACT', 'open-task:CONTACT']);
    expect(t.waits.at(-1)).toMatchObject({ openTaskId: 'T1-2', openTaskEscalateOn: '2025-02-01' });
    // The segment is over: the successor execution waits on the task already open, as planned, without a plan step.
    await t.succeed(t.waitFor('CONTACT'), { taskId: 'T1-2', type: 'CONTACT', next: 'continue', taskType: 'CONTACT', openTaskId: 'T1-3', ...planned });
    expect(t.calls.slice(-2)).toEqual(['open-task:CONTACT', 'open-task:CONTACT']);
    expect(t.waits.at(-1)).toMatchObject({ openTaskId: 'T1-3' });
    expect(await t.statuses()).toEqual(['T1-0:SUCCEEDED', 'T1-1:RUNNING']);
    // Without an open task to wait on, the successor plans its phase.
    await t.succeed(t.waitFor('CONTACT'), { taskId: 'T1-3', type: 'CONTACT', next: 'continue', taskType: null, ...planned, openTaskId: null, openTaskEscalateOn: null, segment: 2, executionName: 'T1-2' });
    expect(t.calls.slice(-2)).toEqual(['plan:begeleiding', 'open-task:CONTACT']);
  });

  it('the kennismaking goes straight to the POP its completion planned, and a contact to the afronding it opened', async () => {
    const t = run();
    await t.start();
    const planned = { timeoutSeconds: 3600, segment: 1, executionName: 'T1-1', openTaskEscalateOn: '2025-02-01' } as const;
    await t.succeed(t.waitFor('KENNISMAKING'), { taskId: 'T1-1', type: 'KENNISMAKING', next: 'task', taskType: 'POP', openTaskId: 'T1-2', resumeAt: 'pop', ...planned });
    expect(t.calls).toEqual(['plan:kennismaking', 'open-task:KENNISMAKING', 'open-task:POP']);
    await t.succeed(t.waitFor('POP'), { taskId: 'T1-2', type: 'POP', next: 'afronding', taskType: 'AFRONDING', openTaskId: 'T1-3', resumeAt: 'afronding', ...planned });
    expect(t.calls.at(-1)).toBe('open-task:AFRONDING');
    expect(t.waits.at(-1)?.openTaskId).toBe('T1-3');
    // A result without a plan (an execution whose start is not recorded): the state machine plans itself.
    await t.signal(t.waitFor('AFRONDING'), 'Trajectory.Withdrawn');
    const u = run({}, 'begeleiding');
    await u.start();
    await u.succeed(u.waitFor('CONTACT'), { taskId: 'T1-1', type: 'CONTACT' });
    expect(u.calls).toEqual(['plan:begeleiding', 'open-task:CONTACT', 'plan:begeleiding', 'open-task:CONTACT']);
  });

  it('hands over: dossier, delivery, the municipality acknowledges, close', async () => {
    const t = run({}, 'afronding');
    await t.start();
    await t.succeed(t.waitFor('AFRONDING'), { taskId: 'T1-1', type: 'AFRONDING', decision: 'handover' });
    // The delivery opens the ACKNOWLEDGE task and plans its wait: no plan step.
    expect(t.calls.slice(-3)).toEqual(['build-dossier', 'deliver-handover', 'open-task:ACKNOWLEDGE']);
    expect(t.waits.at(-1)?.openTaskId).toBe('T1-9');
    await t.succeed(t.waitFor('ACKNOWLEDGE'), { taskId: 'T1-2', type: 'ACKNOWLEDGE' });
    expect(t.calls.at(-1)).toBe('close-trajectory');
  });

  it.each(['KENNISMAKING', 'POP', 'CONTACT', 'AFRONDING'] as const)('a withdrawal ends the %s wait through Close', async (type) => {
    const resumeAt = { KENNISMAKING: 'kennismaking', POP: 'pop', CONTACT: 'begeleiding', AFRONDING: 'afronding' }[type] as Phase;
    const t = run({}, resumeAt);
    await t.start();
    await t.signal(t.waitFor(type), 'Trajectory.Withdrawn');
    expect(t.calls.at(-1)).toBe('close-trajectory');
    expect(await t.statuses()).toEqual(['T1-0:SUCCEEDED']);
  });

  it('a trajectory withdrawn between two waits ends through Close when the next step finds it so', async () => {
    const t = run({ plan: async () => Promise.reject(new WithdrawnError('withdrawn')) });
    await t.start();
    expect(t.calls).toEqual(['plan:kennismaking', 'close-trajectory']);
    expect(await t.statuses()).toEqual(['T1-0:SUCCEEDED']);
  });

  it('the open-task step asking for the afronding sends a POP wait to the afronding', async () => {
    const t = run({ 'open-task': async (p) => (p.taskType === 'POP' ? Promise.reject(new AfrondingRequestedError('asked')) : { taskId: 'x' }) }, 'pop');
    await t.start();
    expect(t.calls).toEqual(['plan:pop', 'open-task:POP', 'plan:afronding', 'open-task:AFRONDING']);
  });

  it('the open-task step finding the contact moved since its wait was planned makes the wait plan again', async () => {
    let moved = true;
    const t = run({ 'open-task': async () => (moved ? ((moved = false), Promise.reject(new ReplanRequestedError('moved'))) : { taskId: 'x' }) }, 'begeleiding');
    await t.start();
    expect(t.calls).toEqual(['plan:begeleiding', 'open-task:CONTACT', 'plan:begeleiding', 'open-task:CONTACT']);
  });

  it('a moved due date makes the contact wait plan again', async () => {
    const t = run({}, 'begeleiding');
    await t.start();
    await t.signal(t.waitFor('CONTACT'), 'Trajectory.Replan');
    expect(t.calls).toEqual(['plan:begeleiding', 'open-task:CONTACT', 'plan:begeleiding', 'open-task:CONTACT']);
  });

  it('a wait that times out escalates and continues as new in a successor execution', async () => {
    const t = run();
    await t.start();
    await t.advanceSeconds(3600);
    expect(t.calls).toEqual(['plan:kennismaking', 'open-task:KENNISMAKING', 'escalate', 'plan:kennismaking', 'open-task:KENNISMAKING']);
    expect(await t.statuses()).toEqual(['T1-0:SUCCEEDED', 'T1-1:RUNNING']);
  });

  it('an error the contract does not name goes to RecordFailure and fails the execution', async () => {
    const t = run({ 'open-task': async () => Promise.reject(new WorkflowOutOfSyncError('two open tasks')) });
    await t.start();
    expect(t.calls).toEqual(['plan:kennismaking', 'open-task:KENNISMAKING', 'record-failure:Trajectory.OutOfSync']);
    expect(await t.statuses()).toEqual(['T1-0:FAILED']);
  });
});
