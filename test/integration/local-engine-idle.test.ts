/**
 * The local engine's whenIdle() (the virtual clock and the simulation wait on it after every move):
 * it wakes when the last busy execution reaches a wait for a human or ends — without polling —
 * and not in the moment between a wait opening and the same check finding it already timed out.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { StepName } from '../../adapters/workflow/definition';
import { MemoryExecutionLog } from '../../adapters/workflow/execution-log';
import { LocalWorkflowEngine } from '../../adapters/workflow/local-engine';

type Payload = Record<string, unknown> & { segment: number; phase?: string; taskType?: string };

const engines: LocalWorkflowEngine[] = [];
afterEach(() => {
  for (const engine of engines.splice(0)) engine.stop();
});

/** An engine on the real definition whose steps answer as the contract says; `timeouts` are the plans' wait lengths, in order. */
function engine(opts: { timeouts?: number[]; planDelayMs?: number; hangPlan?: boolean } = {}) {
  const calls: string[] = [];
  const timeouts = [...(opts.timeouts ?? [])];
  const steps: Record<StepName, (p: Payload) => Promise<unknown>> = {
    plan: async (p) => {
      if (opts.hangPlan) await new Promise(() => {});
      if (opts.planDelayMs) await new Promise((r) => setTimeout(r, opts.planDelayMs));
      const next = p.segment + 1;
      return { next: 'task', taskType: 'KENNISMAKING', timeoutSeconds: timeouts.shift() ?? 3600, resumeAt: 'kennismaking', segment: next, executionName: `T1-${next}`, openTaskId: null, openTaskEscalateOn: null };
    },
    'open-task': async () => ({ taskId: 'T1-1' }),
    escalate: async (p) => ({ next: 'continue', taskType: null, timeoutSeconds: 0, resumeAt: 'kennismaking', segment: p.segment + 1, executionName: `T1-${p.segment + 1}`, openTaskId: null, openTaskEscalateOn: null }),
    'build-dossier': async () => ({ handoverId: 'T1' }),
    'deliver-handover': async () => ({ handoverId: 'T1' }),
    'close-trajectory': async () => ({ closed: true }),
    'record-failure': async () => ({ recorded: true }),
  };
  const handlers = Object.fromEntries(
    (Object.keys(steps) as StepName[]).map((step) => [
      step,
      (payload: unknown) => {
        calls.push(step);
        return steps[step](payload as Payload);
      },
    ]),
  ) as Record<StepName, (payload: unknown) => Promise<unknown>>;
  const executions = new MemoryExecutionLog();
  const e = new LocalWorkflowEngine({ handlers, clock: { now: () => new Date('2025-01-01T00:00:00.000Z') }, executions, logger: { info: () => {}, warn: () => {}, error: () => {} } });
  engines.push(e);
  return { e, calls, statuses: async () => (await executions.list('T1')).map((r) => `${r.name}:${r.status}`) };
}

describe('LocalWorkflowEngine.whenIdle', () => {
  it('resolves at once when nothing runs, and when the execution reaches its wait, for every caller', async () => {
    const { e, calls } = engine({ planDelayMs: 30 });
    await e.whenIdle();
    await e.start({ trajectoryId: 'T1', resumeAt: 'kennismaking', segment: 0 });
    const woken: string[][] = [];
    await Promise.all([e.whenIdle().then(() => woken.push([...calls])), e.whenIdle().then(() => woken.push([...calls]))]);
    expect(woken).toEqual([
      ['plan', 'open-task'],
      ['plan', 'open-task'],
    ]);
  });

  it('does not wake between a wait that opens already timed out and its escalation: only once the successor waits', async () => {
    const { e, calls, statuses } = engine({ timeouts: [0] });
    await e.start({ trajectoryId: 'T1', resumeAt: 'kennismaking', segment: 0 });
    await e.whenIdle();
    expect(calls).toEqual(['plan', 'open-task', 'escalate', 'plan', 'open-task']);
    expect(await statuses()).toEqual(['T1-0:SUCCEEDED', 'T1-1:RUNNING']);
  });

  it('gives up after maxMs when an execution stays busy', async () => {
    const { e, calls } = engine({ hangPlan: true });
    await e.start({ trajectoryId: 'T1', resumeAt: 'kennismaking', segment: 0 });
    const started = performance.now();
    await e.whenIdle(50);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(calls).toEqual(['plan']);
  });
});
