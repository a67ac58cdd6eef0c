/**
 * The state machine keeps the workflow contract (core/workflow/contract.ts): every error name it
 * matches is in the catalogue or AWS's own, every error a step may throw is caught where the
 * contract says, every signal the API sends to a wait leads where the contract says, and each
 * phase's plan leads to the wait for the phase's task (core/trajectory/phases.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as errors from '../../core/errors';
import { PHASES } from '../../core/trajectory/phases';
import { PLANNING_STEPS, STEP_ERRORS, WAIT_SIGNALS, WORKFLOW_ERRORS } from '../../core/workflow/contract';
import { TaskType } from '../../core/schemas';

interface Matcher {
  ErrorEquals: string[];
  Next?: string;
}
interface State {
  Type: string;
  Resource?: string;
  Next?: string;
  Default?: string;
  Choices?: { Next: string }[];
  Parameters?: Record<string, unknown> & { FunctionName?: string; phase?: string };
  Retry?: Matcher[];
  Catch?: Matcher[];
}
const def = JSON.parse(readFileSync(new URL('../../workflows/trajectory.asl.json', import.meta.url), 'utf8')) as { States: Record<string, State> };
const states = Object.entries(def.States);
const catalogue = new Set<string>(Object.values(WORKFLOW_ERRORS));
const AWS_ERROR = /^(States\.[A-Za-z]+|Lambda\.[A-Za-z]+|StepFunctions\.[A-Za-z]+)$/;

/** The step function a Task state calls: its substitution key. */
function stepOf(state: State): string | undefined {
  const ref = state.Resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken' ? state.Parameters?.FunctionName : state.Resource;
  return /^\$\{(\w+)\}$/.exec(String(ref ?? ''))?.[1];
}

/** Where the state sends an error: the first Catch that matches it, or 'retry' when a Retry matches it first. */
function handling(state: State, error: string): string | undefined {
  const matches = (m: Matcher) => m.ErrorEquals.includes(error) || (m.ErrorEquals.includes('States.ALL') && !error.startsWith('States.Runtime'));
  if ((state.Retry ?? []).some((r) => r.ErrorEquals.includes(error))) return 'retry';
  return (state.Catch ?? []).find(matches)?.Next;
}

const waits = states.filter(([, s]) => s.Resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken');
const taskTypeOfWait = (name: string) => TaskType.options.find((t) => t.toLowerCase() === name.toLowerCase());

describe('the workflow contract', () => {
  it('names each workflow error class once, and the catalogue holds every one of them', () => {
    const classes = Object.values(errors).filter((e) => typeof e === 'function' && e.prototype instanceof errors.WorkflowError);
    const names = classes.map((c) => new (c as new (m: string) => Error)('').name);
    expect(new Set(names).size).toBe(names.length);
    expect([...catalogue].sort()).toEqual([...names].sort());
  });

  it('matches only catalogued or AWS error names in every Retry and Catch', () => {
    const unknown = states.flatMap(([name, s]) =>
      [...(s.Retry ?? []), ...(s.Catch ?? [])].flatMap((m) => m.ErrorEquals).filter((e) => !catalogue.has(e) && !AWS_ERROR.test(e)).map((e) => `${name}: ${e}`),
    );
    expect(unknown).toEqual([]);
  });

  it('names every catalogued error in the definition, but those the contract leaves to the final catch (RecordFailure)', () => {
    const used = new Set(states.flatMap(([, s]) => [...(s.Retry ?? []), ...(s.Catch ?? [])].flatMap((m) => m.ErrorEquals)));
    const toRecordFailure = new Set(Object.values(STEP_ERRORS).flatMap((e) => Object.entries(e).filter(([, to]) => to === 'RecordFailure').map(([n]) => n)));
    expect([...catalogue].filter((e) => !used.has(e) && !toRecordFailure.has(e))).toEqual([]);
    expect([...toRecordFailure].filter((e) => used.has(e)), 'errors left to RecordFailure are not matched by name').toEqual([]);
  });

  it('catches every error a step may throw where the contract sends it', () => {
    const tasks = states.filter(([, s]) => s.Type === 'Task' && stepOf(s) && STEP_ERRORS[stepOf(s)!]);
    expect(tasks.length).toBeGreaterThanOrEqual(10);
    const wrong = tasks.flatMap(([name, s]) =>
      Object.entries(STEP_ERRORS[stepOf(s)!]!).flatMap(([error, target]) => (handling(s, error) === target ? [] : [`${name}: ${error} → ${handling(s, error)}, not ${target}`])),
    );
    expect(wrong).toEqual([]);
  });

  it('has one wait per task type, each leading every signal of its type where the contract says, and no other signal', () => {
    expect(waits.map(([name]) => taskTypeOfWait(name)).sort()).toEqual([...TaskType.options].sort());
    const signals = new Set(Object.values(WAIT_SIGNALS).flatMap((s) => Object.keys(s)));
    for (const [name, s] of waits) {
      const expected = WAIT_SIGNALS[taskTypeOfWait(name)!];
      for (const [signal, target] of Object.entries(expected)) expect(handling(s, signal), `${name} on ${signal}`).toBe(target);
      const caught = (s.Catch ?? []).flatMap((c) => c.ErrorEquals).filter((e) => signals.has(e));
      expect(caught.sort(), `${name} catches only its own signals`).toEqual(Object.keys(expected).sort());
    }
  });

  it("leads each phase's plan to the wait for that phase's task (the phase table)", () => {
    const phaseOf = (s: (typeof states)[number][1]) => s.Parameters?.phase ?? PLANNING_STEPS[s.Resource?.replace(/^\$\{|\}$/g, '') ?? ''];
    const plans = states.filter(([, s]) => typeof phaseOf(s) === 'string');
    expect(plans.map(([, s]) => phaseOf(s)).sort()).toEqual(Object.keys(PHASES).sort());
    for (const [name, s] of plans) {
      const task = PHASES[phaseOf(s) as keyof typeof PHASES].task;
      const next = def.States[s.Next!]!;
      // Directly, or through a Choice (begeleiding's: contact, afronding or continue as new).
      const leadsTo = next.Type === 'Choice' ? next.Choices!.map((c) => c.Next) : [s.Next!];
      expect(leadsTo.map(taskTypeOfWait), `${name} → ${leadsTo.join(', ')}`).toContain(task);
    }
  });
});
