import { readFileSync } from 'node:fs';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { STEP_SUBSTITUTIONS } from '../../adapters/workflow/definition';
import { PLANNING_STEPS } from '../../core/workflow/contract';

const FILE = new URL('../../workflows/trajectory.asl.json', import.meta.url);
const text = readFileSync(FILE, 'utf8');

interface Catcher {
  ErrorEquals: string[];
  Next: string;
}
interface State {
  Type: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: { Variable?: string; StringEquals?: string; Next: string }[];
  Resource?: string;
  Parameters?: Record<string, unknown>;
  ResultSelector?: Record<string, unknown>;
  Retry?: { ErrorEquals: string[] }[];
  Catch?: Catcher[];
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
}
interface Definition {
  StartAt: string;
  States: Record<string, State>;
}

/** The definition as deployed: every ${Key} replaced, as CDK's definitionSubstitutions does. */
const deployed = JSON.parse(
  text.replace(/\$\{(\w+)\}/g, (_whole, key: string) => `arn:aws:lambda:eu-west-1:123456789012:function:trajectregie-${key}`),
) as Definition;
const def = JSON.parse(text) as Definition;
const states = Object.entries(def.States);
const PHASES = ['kennismaking', 'pop', 'begeleiding', 'afronding', 'overdracht'] as const;

/** Every state a state can move to: Next, Default, Choice branches and Catch targets. */
function targets(state: State): string[] {
  return [
    ...(state.Next ? [state.Next] : []),
    ...(state.Default ? [state.Default] : []),
    ...(state.Choices ?? []).map((c) => c.Next),
    ...(state.Catch ?? []).map((c) => c.Next),
  ];
}

function reachableFrom(start: string): Set<string> {
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const state = def.States[name];
    if (state) queue.push(...targets(state));
  }
  return seen;
}

/** Where the start Choice sends an input with this resumeAt (StringEquals rules, then Default). */
function resumeTarget(resumeAt: string): string {
  const start = def.States[def.StartAt]!;
  const match = (start.Choices ?? []).find((c) => c.Variable === '$.resumeAt' && c.StringEquals === resumeAt);
  return match?.Next ?? start.Default!;
}

/** Follows the normal (non-error) path from a state until a state that plans a phase. */
function firstPlannedPhase(from: string): string | undefined {
  const seen = new Set<string>();
  let name: string | undefined = from;
  while (name && !seen.has(name)) {
    seen.add(name);
    const state: State | undefined = def.States[name];
    const phase = state?.Parameters?.phase ?? PLANNING_STEPS[state?.Resource?.replace(/^\$\{|\}$/g, '') ?? ''];
    if (typeof phase === 'string') return phase;
    name = state?.Next;
  }
  return undefined;
}

/** Every key in a Parameters template, nested objects included, without the `.$` suffix. */
function templateEntries(template: unknown, path = ''): { key: string; path: string; value: unknown }[] {
  if (template === null || typeof template !== 'object' || Array.isArray(template)) return [];
  return Object.entries(template).flatMap(([key, value]) => {
    const here = path ? `${path}.${key}` : key;
    return [{ key: key.replace(/\.\$$/, ''), path: here, value }, ...templateEntries(value, here)];
  });
}

const tasks = states.filter(([, s]) => s.Type === 'Task');
const waits = tasks.filter(([, s]) => s.Resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken');

describe('workflows/trajectory.asl.json is valid Amazon States Language', () => {
  it('passes asl-validator (schema, JSONPaths, ARNs, transitions) once its substitutions are filled in', () => {
    const result = aslValidator(deployed);
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('uses only substitution keys that CDK and the local engine both fill in', () => {
    const keys = [...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(Object.keys(STEP_SUBSTITUTIONS), key).toContain(key);
  });
});

describe('lint: error handling (DESIGN property 6)', () => {
  it('every Task state has a non-empty Retry and a non-empty Catch', () => {
    expect(tasks.length).toBeGreaterThan(0);
    for (const [name, state] of tasks) {
      expect(state.Retry?.length ?? 0, `${name} Retry`).toBeGreaterThan(0);
      expect(state.Catch?.length ?? 0, `${name} Catch`).toBeGreaterThan(0);
    }
  });

  it('every Task state catches everything in the end (a States.ALL catcher), so no error fails the execution unrecorded', () => {
    for (const [name, state] of tasks) {
      expect(state.Catch!.some((c) => c.ErrorEquals.includes('States.ALL')), name).toBe(true);
    }
  });
});

describe('lint: bounded waits on human tasks (DESIGN properties 3 and 4)', () => {
  it('has waitForTaskToken states for every human task', () => {
    expect(waits.map(([name]) => name).sort()).toEqual(['Acknowledge', 'Afronding', 'Contact', 'Kennismaking', 'Pop']);
  });

  it('every waitForTaskToken state has a TimeoutSecondsPath (or TimeoutSeconds) and catches States.Timeout', () => {
    for (const [name, state] of waits) {
      expect(state.TimeoutSecondsPath !== undefined || state.TimeoutSeconds !== undefined, `${name} timeout`).toBe(true);
      expect(state.Catch!.some((c) => c.ErrorEquals.includes('States.Timeout')), `${name} catches States.Timeout`).toBe(true);
    }
  });

  it('every waitForTaskToken state passes the task token to its handler', () => {
    for (const [name, state] of waits) {
      const payload = templateEntries(state.Parameters);
      expect(payload.some((e) => e.value === '$$.Task.Token'), name).toBe(true);
    }
  });

  it('has no Wait states: timing is decided by the domain functions', () => {
    expect(states.filter(([, s]) => s.Type === 'Wait').map(([name]) => name)).toEqual([]);
  });
});

describe('lint: re-entry (DESIGN property 4)', () => {
  it('starts with a Choice on $.resumeAt, or on the wait its predecessor planned for the task already open', () => {
    const start = def.States[def.StartAt]!;
    expect(start.Type).toBe('Choice');
    expect(start.Choices!.filter((c) => c.Variable === '$.resumeAt').length).toBeGreaterThan(0);
    // The plan a ContinueAsNew passes on: only with an open task, straight to the wait of its type.
    const planned = start.Choices!.filter((c) => c.Variable !== '$.resumeAt') as unknown as Array<{ And: Array<{ Variable: string; StringEquals?: string }>; Next: string }>;
    for (const rule of planned) expect(rule.And.map((r) => r.Variable)).toEqual(['$.plan', '$.plan.openTaskId', '$.plan.taskType']);
    expect(Object.fromEntries(planned.map((r) => [r.And[2]!.StringEquals, r.Next]))).toEqual({
      KENNISMAKING: 'Kennismaking',
      POP: 'Pop',
      CONTACT: 'Contact',
      AFRONDING: 'Afronding',
      ACKNOWLEDGE: 'Acknowledge',
    });
    for (const rule of planned) expect(def.States[rule.Next]!.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
  });

  it.each(PHASES)('resumeAt "%s" leads, on the normal path, to the step that plans that phase', (phase) => {
    expect(firstPlannedPhase(resumeTarget(phase))).toBe(phase);
  });

  it('resumeAt "closed" leads to closing the trajectory', () => {
    expect(def.States[resumeTarget('closed')]!.Resource).toContain('CloseTrajectoryFunctionArn');
  });
});

describe('lint: the graph', () => {
  it('every Next, Default, Choice and Catch target names an existing state', () => {
    for (const [name, state] of states) {
      for (const target of targets(state)) expect(def.States, `${name} → ${target}`).toHaveProperty([target]);
    }
  });

  it('every state is reachable from StartAt', () => {
    const reachable = reachableFrom(def.StartAt);
    expect(states.map(([name]) => name).filter((name) => !reachable.has(name))).toEqual([]);
  });

  it('every non-terminal state can reach a Succeed or Fail state', () => {
    for (const [name] of states) {
      const ends = [...reachableFrom(name)].filter((n) => ['Succeed', 'Fail'].includes(def.States[n]!.Type));
      expect(ends.length, name).toBeGreaterThan(0);
    }
  });
});

describe('lint: no personal data in the state machine (DESIGN property 5)', () => {
  const PERSONAL = /first.?name|last.?name|full.?name|bsn|birth|e.?mail|phone|address|street|postal|note|scores|goals|ideas/i;
  const templates = states.flatMap(([name, state]) =>
    [state.Parameters, state.ResultSelector].flatMap((t) => templateEntries(t).map((e) => ({ state: name, ...e }))),
  );

  it('no Parameters, Payload or Input key is named like personal data', () => {
    expect(templates.length).toBeGreaterThan(0);
    expect(templates.filter((e) => PERSONAL.test(e.key)).map((e) => `${e.state}: ${e.path}`)).toEqual([]);
  });

  it('every dynamic value comes from an ID or control field: trajectoryId, segment, plan, completed result, error, or the context object', () => {
    const allowed = /^(\$\$\.|\$\.trajectoryId$|\$\.segment$|\$\.plan$|\$\.plan\.[A-Za-z]+$|\$\.completed\.[A-Za-z]+$|\$\.error\.(Error|Cause)$)/;
    const dynamic = templates.filter((e) => typeof e.value === 'string' && e.path.endsWith('.$'));
    expect(dynamic.length).toBeGreaterThan(0);
    expect(dynamic.filter((e) => !allowed.test(e.value as string)).map((e) => `${e.state}: ${e.path} = ${String(e.value)}`)).toEqual([]);
  });

  it('no state passes the whole state input ($) into a Parameters field', () => {
    expect(templates.filter((e) => e.value === '$').map((e) => `${e.state}: ${e.path}`)).toEqual([]);
  });
});
