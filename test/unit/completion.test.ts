import { describe, expect, it } from 'vitest';
import { ConcurrentUpdateError, ValidationError } from '../../core/errors';
import type { Deps } from '../../core/ports';
import { applyCompletion, closeTask, parseCompletion } from '../../core/trajectory/completion';
import type { Actor, Completion, Task, Trajectory } from '../../core/schemas';
import { changeTrajectory } from '../../core/usecases/change';

const NOW = new Date('2025-06-01T09:30:00.000Z');
const actor: Actor = { userId: 'regisseur-1', role: 'regisseur' };

function trajectory(overrides: Partial<Trajectory> = {}): Trajectory {
  return {
    trajectoryId: 'TRJ1',
    clientId: 'CLI1',
    regisseurId: 'regisseur-1',
    phase: 'kennismaking',
    status: 'active',
    workflow: { status: 'running', executionName: 'TRJ1-0', segment: 0 },
    settledOn: '2024-01-10',
    startedOn: '2024-01-11',
    closedTasks: [],
    nextTaskSeq: 2,
    contacts: [],
    measurements: [],
    popVersions: [],
    createdAt: '2024-01-11T08:00:00.000Z',
    createdBy: 'regisseur-1',
    version: 3,
    ...overrides,
  };
}

function openTask(type: Task['type'], overrides: Partial<Task> = {}): Task {
  return {
    taskId: 'TRJ1-1',
    trajectoryId: 'TRJ1',
    clientId: 'CLI1',
    type,
    assigneeRole: 'regisseur',
    assigneeId: 'regisseur-1',
    dueAt: '2025-05-20',
    escalateOn: '2025-06-03',
    zrmDue: false,
    status: 'open',
    openedAt: '2025-04-20T00:00:00.000Z',
    executionName: 'TRJ1-0',
    token: 'secret-task-token',
    ...overrides,
  };
}

/** Completes `task` on `traj` with a body parsed exactly as the API parses it. */
function complete(traj: Trajectory, task: Task, body: unknown, now = NOW) {
  let n = 0;
  const completion: Completion = parseCompletion(task.type, body);
  return applyCompletion({ trajectory: { ...traj, openTask: task }, task, completion, actor, now, newId: () => `ID${++n}` });
}

/** The ValidationError thrown by `fn`, for inspecting its fields. */
function validationError(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}
const fieldsOf = (error: ValidationError) => error.fields.map((f) => f.field);

const inBegeleiding = trajectory({
  phase: 'begeleiding',
  kennismakingOn: '2024-07-10',
  popAgreedOn: '2024-08-10',
  lastContactOn: '2025-02-10',
  lastZrmOn: '2024-08-10',
  contacts: [
    { contactId: 'C1', trajectoryId: 'TRJ1', heldOn: '2024-07-10', location: 'home', taskType: 'KENNISMAKING', taskId: 'TRJ1-1', recordedBy: 'regisseur-1' },
  ],
  measurements: [
    {
      measurementId: 'M1',
      trajectoryId: 'TRJ1',
      measuredOn: '2024-08-10',
      kind: 'baseline',
      scores: { finances: 2, workEducation: 2, housing: 3, socialNetwork: 4, mentalHealth: null },
      scoredBy: 'together',
      recordedBy: 'regisseur-1',
    },
    {
      measurementId: 'M2',
      trajectoryId: 'TRJ1',
      measuredOn: '2025-02-10',
      kind: 'interim',
      scores: { finances: 4, workEducation: 3, housing: 2 },
      scoredBy: 'regisseur',
      recordedBy: 'regisseur-1',
    },
  ],
});

describe('applyCompletion: KENNISMAKING', () => {
  const { next, answer } = complete(trajectory(), openTask('KENNISMAKING'), {
    heldOn: '2024-07-12',
    location: 'home',
    firstContactVia: 'trusted_person',
  });

  it('records kennismakingOn, how first contact was made, and the meeting as the last contact', () => {
    expect(next.kennismakingOn).toBe('2024-07-12');
    expect(next.firstContactVia).toBe('trusted_person');
    expect(next.lastContactOn).toBe('2024-07-12');
    expect(next.contacts).toEqual([
      { contactId: 'ID1', trajectoryId: 'TRJ1', heldOn: '2024-07-12', location: 'home', taskType: 'KENNISMAKING', taskId: 'TRJ1-1', recordedBy: 'regisseur-1' },
    ]);
  });

  it('moves on to the POP phase and tells the workflow only IDs and the type', () => {
    expect(next.phase).toBe('pop');
    expect(next.status).toBe('active');
    expect(answer).toEqual({ taskId: 'TRJ1-1', type: 'KENNISMAKING' });
    expect(next.closedTasks.at(-1)!.result).toEqual({ taskId: 'TRJ1-1', type: 'KENNISMAKING' });
  });

  it('moves the task to closedTasks, completed, without its token, and clears the open slot', () => {
    expect(next.openTask).toBeUndefined();
    expect(next.closedTasks).toHaveLength(1);
    const closed = next.closedTasks[0]!;
    expect(closed).not.toHaveProperty('token');
    expect(closed).toMatchObject({
      taskId: 'TRJ1-1',
      status: 'completed',
      completedAt: NOW.toISOString(),
      completedBy: 'regisseur-1',
      result: { taskId: 'TRJ1-1', type: 'KENNISMAKING' },
    });
    expect(JSON.stringify(next)).not.toContain('secret-task-token');
  });

  it('leaves the version to the use case runner: the trajectory it returns keeps the version it was given', () => {
    expect(next.version).toBe(trajectory().version);
  });

  it('does not change the trajectory it was given', () => {
    const before = trajectory();
    const snapshot = structuredClone(before);
    complete(before, openTask('KENNISMAKING'), { heldOn: '2024-07-12', location: 'home' });
    expect(before).toEqual(snapshot);
  });
});

describe('the use case runner (changeTrajectory) advances the version of a completion by exactly one', () => {
  /** A store that holds one trajectory and writes it conditionally on its version, like the real ones. */
  function fakeDeps(initial: Trajectory, opts: { raceOnce?: Trajectory } = {}) {
    let stored = initial;
    let race = opts.raceOnce;
    const saves: { version: number; expectedVersion: number | null }[] = [];
    const store = {
      getTrajectory: async () => stored,
      saveTrajectory: async (t: Trajectory, expectedVersion: number | null) => {
        if (race) {
          // Another writer got in first: the stored version moves on and this write loses.
          stored = race;
          race = undefined;
          throw new ConcurrentUpdateError('lost the race');
        }
        if (expectedVersion !== stored.version || t.version !== stored.version + 1) throw new ConcurrentUpdateError('stale');
        saves.push({ version: t.version, expectedVersion });
        stored = t;
      },
    };
    const deps = { store } as unknown as Deps;
    return { deps, saves, stored: () => stored };
  }
  const task = openTask('KENNISMAKING');
  const completion = parseCompletion('KENNISMAKING', { heldOn: '2024-07-12', location: 'home' });
  const transition = (current: Trajectory) => {
    const open = current.openTask!;
    const { next, answer } = applyCompletion({ trajectory: current, task: open, completion, actor, now: NOW, newId: () => 'ID' });
    return { next, effects: [], answer };
  };

  it('saves the completed trajectory at version + 1, conditionally on the version it loaded', async () => {
    const { deps, saves, stored } = fakeDeps(trajectory({ openTask: task }));
    const { trajectory: saved } = await changeTrajectory(deps, 'TRJ1', transition);
    expect(saves).toEqual([{ version: 4, expectedVersion: 3 }]);
    expect(saved.version).toBe(4);
    expect(stored().kennismakingOn).toBe('2024-07-12');
  });

  it('a racing write makes the conditional save fail; the runner loads the newer version and applies again', async () => {
    const raced = trajectory({ openTask: task, version: 4 });
    const { deps, saves } = fakeDeps(trajectory({ openTask: task }), { raceOnce: raced });
    const { trajectory: saved } = await changeTrajectory(deps, 'TRJ1', transition);
    expect(saves).toEqual([{ version: 5, expectedVersion: 4 }]);
    expect(saved.version).toBe(5);
  });
});

describe('applyCompletion: POP', () => {
  const afterKennismaking = trajectory({ phase: 'pop', kennismakingOn: '2024-07-12', lastContactOn: '2024-07-12' });
  const { next, answer } = complete(afterKennismaking, openTask('POP', { taskId: 'TRJ1-2', zrmDue: true }), {
    agreedOn: '2024-08-15',
    location: 'community_centre',
    goals: [{ domain: 'inburgering', action: 'Start A2 course' }],
    ideas: 'Volunteer work at the library',
    baseline: { scores: { finances: 2, housing: 3, mentalHealth: null }, scoredBy: 'client' },
  });

  it('records popAgreedOn and the first POP version', () => {
    expect(next.popAgreedOn).toBe('2024-08-15');
    expect(next.popVersions).toEqual([
      {
        trajectoryId: 'TRJ1',
        version: 1,
        agreedOn: '2024-08-15',
        goals: [{ domain: 'inburgering', action: 'Start A2 course' }],
        ideas: 'Volunteer work at the library',
        recordedBy: 'regisseur-1',
        recordedAt: NOW.toISOString(),
      },
    ]);
  });

  it('records the baseline measurement on the POP date and makes it the last ZRM', () => {
    expect(next.measurements).toEqual([
      {
        measurementId: 'ID1',
        trajectoryId: 'TRJ1',
        measuredOn: '2024-08-15',
        kind: 'baseline',
        scores: { finances: 2, housing: 3, mentalHealth: null },
        scoredBy: 'client',
        taskId: 'TRJ1-2',
        recordedBy: 'regisseur-1',
      },
    ]);
    expect(next.lastZrmOn).toBe('2024-08-15');
  });

  it('counts the POP meeting as a contact and moves to begeleiding', () => {
    expect(next.lastContactOn).toBe('2024-08-15');
    expect(next.contacts.at(-1)).toMatchObject({ heldOn: '2024-08-15', taskType: 'POP', taskId: 'TRJ1-2' });
    expect(next.phase).toBe('begeleiding');
    expect(answer).toEqual({ taskId: 'TRJ1-2', type: 'POP' });
  });

  it("records the POP meeting's contact at the location given, not 'other'", () => {
    expect(next.contacts).toEqual([
      { contactId: 'ID2', trajectoryId: 'TRJ1', heldOn: '2024-08-15', location: 'community_centre', taskType: 'POP', taskId: 'TRJ1-2', recordedBy: 'regisseur-1' },
    ]);
    for (const location of ['home', 'library', 'municipality'] as const) {
      const again = complete(afterKennismaking, openTask('POP'), { agreedOn: '2024-08-15', location, goals: [], baseline: { scores: { finances: 3 } } });
      expect(again.next.contacts.at(-1)!.location).toBe(location);
    }
  });

  it('a POP without location is a 400 naming location', () => {
    const error = validationError(() =>
      complete(afterKennismaking, openTask('POP'), { agreedOn: '2024-08-15', goals: [], baseline: { scores: { finances: 3 }, scoredBy: 'client' } }),
    );
    expect(error.status).toBe(400);
    expect(fieldsOf(error)).toEqual(['location']);
  });

  it('a baseline without scoredBy is accepted (only the scores are mandatory) and stored without it', () => {
    const { next: withoutScorer } = complete(afterKennismaking, openTask('POP', { taskId: 'TRJ1-2' }), {
      agreedOn: '2024-08-15',
      location: 'home',
      goals: [],
      baseline: { scores: { finances: 2 } },
    });
    const baseline = withoutScorer.measurements.at(-1)!;
    expect(baseline).toEqual({
      measurementId: 'ID1',
      trajectoryId: 'TRJ1',
      measuredOn: '2024-08-15',
      kind: 'baseline',
      scores: { finances: 2 },
      taskId: 'TRJ1-2',
      recordedBy: 'regisseur-1',
    });
    expect(baseline).not.toHaveProperty('scoredBy');
  });

  it('a later POP version numbers on from the existing ones', () => {
    const again = complete(next, openTask('POP', { taskId: 'TRJ1-3' }), {
      agreedOn: '2024-09-01',
      location: 'home',
      goals: [],
      baseline: { scores: { finances: 3 }, scoredBy: 'together' },
    });
    expect(again.next.popVersions.map((v) => v.version)).toEqual([1, 2]);
  });

  it('rejects a POP agreed before the kennismaking, naming agreedOn', () => {
    const error = validationError(() =>
      complete(afterKennismaking, openTask('POP'), { agreedOn: '2024-07-01', location: 'home', goals: [], baseline: { scores: { finances: 3 }, scoredBy: 'client' } }),
    );
    expect(fieldsOf(error)).toEqual(['agreedOn']);
  });
});

describe('applyCompletion: CONTACT', () => {
  it('records a contact without ZRM: last contact moves, last ZRM stays', () => {
    const { next, answer } = complete(inBegeleiding, openTask('CONTACT', { taskId: 'TRJ1-5' }), { heldOn: '2025-04-11', location: 'library' });
    expect(next.lastContactOn).toBe('2025-04-11');
    expect(next.lastZrmOn).toBe('2024-08-10');
    expect(next.measurements).toHaveLength(2);
    expect(next.contacts.at(-1)).toMatchObject({ heldOn: '2025-04-11', location: 'library', taskType: 'CONTACT' });
    expect(next.phase).toBe('begeleiding');
    expect(answer).toEqual({ taskId: 'TRJ1-5', type: 'CONTACT' });
  });

  it('records an interim ZRM taken in the contact, dated on the contact', () => {
    const { next } = complete(inBegeleiding, openTask('CONTACT', { zrmDue: true }), {
      heldOn: '2025-04-11',
      location: 'community_centre',
      zrm: { scores: { finances: 4, socialNetwork: null }, scoredBy: 'together' },
    });
    expect(next.lastZrmOn).toBe('2025-04-11');
    expect(next.measurements.at(-1)).toMatchObject({ kind: 'interim', measuredOn: '2025-04-11', scores: { finances: 4, socialNetwork: null } });
  });

  it('rejects a contact dated before the last contact, naming heldOn', () => {
    const error = validationError(() => complete(inBegeleiding, openTask('CONTACT'), { heldOn: '2025-01-01', location: 'home' }));
    expect(fieldsOf(error)).toEqual(['heldOn']);
  });

  it('an interim ZRM without scoredBy is accepted and stored without it', () => {
    const { next } = complete(inBegeleiding, openTask('CONTACT', { zrmDue: true }), {
      heldOn: '2025-04-11',
      location: 'home',
      zrm: { scores: { housing: 3 } },
    });
    const interim = next.measurements.at(-1)!;
    expect(interim).toMatchObject({ kind: 'interim', measuredOn: '2025-04-11', scores: { housing: 3 } });
    expect(interim).not.toHaveProperty('scoredBy');
  });
});

describe('applyCompletion: CONTACT asking for a ZRM round (task.zrmDue)', () => {
  const dueTask = openTask('CONTACT', { taskId: 'TRJ1-6', zrmDue: true });

  it('completing without zrm and without zrmSkipped is a ValidationError naming zrm', () => {
    const error = validationError(() => complete(inBegeleiding, dueTask, { heldOn: '2025-04-11', location: 'home' }));
    expect(fieldsOf(error)).toEqual(['zrm']);
  });

  it('zrmSkipped with a reason is accepted: the contact is recorded, no measurement, the last ZRM stays', () => {
    const { next, answer } = complete(inBegeleiding, dueTask, {
      heldOn: '2025-04-11',
      location: 'home',
      zrmSkipped: { reason: 'The client was ill; the round moves to the next contact' },
    });
    expect(next.measurements).toEqual(inBegeleiding.measurements);
    expect(next.measurements.filter((m) => m.kind === 'interim')).toHaveLength(1);
    expect(next.lastZrmOn).toBe(inBegeleiding.lastZrmOn);
    expect(next.lastContactOn).toBe('2025-04-11');
    expect(next.contacts.at(-1)).toMatchObject({ heldOn: '2025-04-11', taskType: 'CONTACT', taskId: 'TRJ1-6' });
    expect(answer).toEqual({ taskId: 'TRJ1-6', type: 'CONTACT' });
  });

  it('zrmSkipped needs a reason', () => {
    expect(fieldsOf(validationError(() => complete(inBegeleiding, dueTask, { heldOn: '2025-04-11', location: 'home', zrmSkipped: {} })))).toEqual([
      'zrmSkipped.reason',
    ]);
  });

  it('giving both zrm and zrmSkipped is an error naming zrmSkipped (whether or not a round is due)', () => {
    for (const task of [dueTask, openTask('CONTACT', { zrmDue: false })]) {
      const error = validationError(() =>
        complete(inBegeleiding, task, {
          heldOn: '2025-04-11',
          location: 'home',
          zrm: { scores: { finances: 4 } },
          zrmSkipped: { reason: 'not today' },
        }),
      );
      expect(fieldsOf(error)).toEqual(['zrmSkipped']);
    }
  });

  it('with zrm the round is recorded as usual', () => {
    const { next } = complete(inBegeleiding, dueTask, { heldOn: '2025-04-11', location: 'home', zrm: { scores: { finances: 4 }, scoredBy: 'client' } });
    expect(next.measurements).toHaveLength(3);
    expect(next.measurements.at(-1)).toMatchObject({ kind: 'interim', measuredOn: '2025-04-11', scoredBy: 'client', taskId: 'TRJ1-6' });
  });

  it('a contact that asks for no round needs neither zrm nor zrmSkipped', () => {
    expect(complete(inBegeleiding, openTask('CONTACT', { zrmDue: false }), { heldOn: '2025-04-11', location: 'home' }).next.measurements).toHaveLength(2);
  });
});

describe('applyCompletion: AFRONDING', () => {
  const task = openTask('AFRONDING', { taskId: 'TRJ1-9', zrmDue: true });

  it('close: computes improved domains against the FIRST score, proposal close, decision close, phase closed', () => {
    const { next, answer } = complete(inBegeleiding, task, {
      final: { measuredOn: '2025-05-30', scores: { finances: 3, workEducation: 3, housing: 3, socialNetwork: 4, mentalHealth: 4 }, scoredBy: 'together' },
      decision: 'close',
    });
    // finances 2→3 and workEducation 2→3 improved (though below the interim's 4 and 3); housing 3→3 not; mentalHealth never scored before.
    expect(next.outcome).toEqual({
      successful: true,
      improvedDomains: ['finances', 'workEducation'],
      handedOver: false,
      reason: 'completed',
      closedOn: '2025-05-30',
    });
    expect(next.proposal).toBe('close');
    expect(next.decision).toBe('close');
    expect(next.phase).toBe('closed');
    expect(next.status).toBe('closed');
    expect(next.measurements.at(-1)).toMatchObject({ kind: 'final', measuredOn: '2025-05-30' });
    expect(next.lastZrmOn).toBe('2025-05-30');
    expect(next.decisionReason).toBeUndefined();
    // The workflow is told IDs and control fields only; the answer adds the proposal and the outcome.
    expect(next.closedTasks.at(-1)!.result).toEqual({ taskId: 'TRJ1-9', type: 'AFRONDING', decision: 'close' });
    expect(answer).toEqual({ taskId: 'TRJ1-9', type: 'AFRONDING', decision: 'close', proposal: 'close', outcome: next.outcome });
  });

  it('handover with consent: proposal handover (a final score of 2), phase overdracht, trajectory still active', () => {
    const { next, answer } = complete(inBegeleiding, task, {
      final: { measuredOn: '2025-05-30', scores: { finances: 2, housing: 4 }, scoredBy: 'regisseur' },
      decision: 'handover',
      consent: true,
    });
    expect(next.proposal).toBe('handover');
    expect(next.decision).toBe('handover');
    expect(next.outcome).toMatchObject({ successful: false, improvedDomains: ['housing'] });
    expect(next.phase).toBe('overdracht');
    expect(next.status).toBe('active');
    expect(next.closedTasks.at(-1)!.result).toEqual({ taskId: 'TRJ1-9', type: 'AFRONDING', decision: 'handover' });
    expect(answer).toEqual({
      taskId: 'TRJ1-9',
      type: 'AFRONDING',
      decision: 'handover',
      proposal: 'handover',
      outcome: { successful: false, improvedDomains: ['housing'], handedOver: false, reason: 'completed', closedOn: '2025-05-30' },
    });
  });

  it('the regisseur may decide against the proposal, with a reason: close although a final score is 1', () => {
    const { next, answer } = complete(inBegeleiding, task, {
      final: { measuredOn: '2025-05-30', scores: { finances: 1 }, scoredBy: 'regisseur' },
      decision: 'close',
      reason: 'The client moves to family in another municipality next month',
    });
    expect(next.proposal).toBe('handover');
    expect(next.decision).toBe('close');
    expect(next.decisionReason).toBe('The client moves to family in another municipality next month');
    expect(next.phase).toBe('closed');
    expect(answer).toMatchObject({ decision: 'close', proposal: 'handover' });
  });

  it('a decision against the proposal without a reason is a ValidationError naming reason, either way round', () => {
    const closeAgainstHandover = validationError(() =>
      complete(inBegeleiding, task, { final: { measuredOn: '2025-05-30', scores: { finances: 1 } }, decision: 'close' }),
    );
    expect(fieldsOf(closeAgainstHandover)).toEqual(['reason']);
    const handoverAgainstClose = validationError(() =>
      complete(inBegeleiding, task, { final: { measuredOn: '2025-05-30', scores: { finances: 4, housing: 3 } }, decision: 'handover', consent: true }),
    );
    expect(fieldsOf(handoverAgainstClose)).toEqual(['reason']);
  });

  it('a handover against a "close" proposal is accepted with a reason (and consent), and the reason is stored', () => {
    const { next, answer } = complete(inBegeleiding, task, {
      final: { measuredOn: '2025-05-30', scores: { finances: 4, housing: 3 } },
      decision: 'handover',
      consent: true,
      reason: 'Debts are about to be collected; the municipality should follow up',
    });
    expect(next.proposal).toBe('close');
    expect(next.decision).toBe('handover');
    expect(next.decisionReason).toBe('Debts are about to be collected; the municipality should follow up');
    expect(next.phase).toBe('overdracht');
    expect(answer).toMatchObject({ decision: 'handover', proposal: 'close', outcome: next.outcome });
  });

  it("proposes 'handover' when any final score is 1 or 2, else 'close'", () => {
    // Every domain scored before (finances, workEducation, housing, socialNetwork) is scored again here.
    const before = { finances: 4, workEducation: 3, housing: 3, socialNetwork: 4 };
    const cases: [Record<string, number | null>, 'close' | 'handover'][] = [
      [{ ...before, finances: 1 }, 'handover'],
      [{ ...before, workEducation: 2 }, 'handover'],
      [{ ...before, finances: 5, housing: 4, physicalHealth: 1 }, 'handover'],
      [before, 'close'],
      [{ ...before, finances: 5, housing: 5, participation: 3 }, 'close'],
      [{ ...before, mentalHealth: null }, 'close'], // not discussed is no low score
      // An earlier 1 or 2 that the final measurement scores higher no longer counts.
      [{ finances: 3, workEducation: 3, housing: 4, socialNetwork: 3 }, 'close'],
    ];
    for (const [scores, proposal] of cases) {
      const { next, answer } = complete(inBegeleiding, task, {
        final: { measuredOn: '2025-05-30', scores },
        decision: proposal,
        ...(proposal === 'handover' ? { consent: true } : {}),
      });
      expect(next.proposal, JSON.stringify(scores)).toBe(proposal);
      expect(answer.proposal, JSON.stringify(scores)).toBe(proposal);
    }
  });

  it("a domain the final measurement leaves out keeps its latest earlier score for the proposal (docs/domain.md: 'any latest score')", () => {
    // The interim's housing 2 is not scored again: the latest housing score is still 2.
    const { next, answer } = complete(inBegeleiding, task, {
      final: { measuredOn: '2025-05-30', scores: { finances: 4 } },
      decision: 'handover',
      consent: true,
    });
    expect(next.proposal).toBe('handover');
    expect(answer.proposal).toBe('handover');
  });

  it('the final measurement may not be dated before the last ZRM round, naming final.measuredOn', () => {
    const error = validationError(() =>
      complete(inBegeleiding, task, {
        final: { measuredOn: '2025-02-09', scores: { finances: 3, housing: 3 } },
        decision: 'close',
        reason: 'given, so that only the date is at fault whatever the proposal',
      }),
    );
    expect(fieldsOf(error)).toEqual(['final.measuredOn']);
    expect(error.fields[0]!.message).toContain('2025-02-10');
  });

  it('the final measurement may be dated on the day of the last ZRM round', () => {
    const { next } = complete(inBegeleiding, task, { final: { measuredOn: '2025-02-10', scores: { finances: 3, housing: 3 } }, decision: 'close' });
    expect(next.measurements.at(-1)).toMatchObject({ kind: 'final', measuredOn: '2025-02-10' });
  });

  it('a final measurement without scoredBy is accepted and stored without it', () => {
    const { next } = complete(inBegeleiding, task, { final: { measuredOn: '2025-05-30', scores: { finances: 3, housing: 3 } }, decision: 'close' });
    const final = next.measurements.at(-1)!;
    expect(final).toMatchObject({ kind: 'final', measuredOn: '2025-05-30', scores: { finances: 3, housing: 3 } });
    expect(final).not.toHaveProperty('scoredBy');
  });

  it('rejects a handover without the client\'s consent, naming consent (absent or false)', () => {
    for (const consent of [undefined, false]) {
      const error = validationError(() =>
        complete(inBegeleiding, task, {
          final: { measuredOn: '2025-05-30', scores: { finances: 2 }, scoredBy: 'regisseur' },
          decision: 'handover',
          ...(consent === undefined ? {} : { consent }),
        }),
      );
      expect(fieldsOf(error)).toEqual(['consent']);
    }
  });
});

describe('applyCompletion: dates are checked against today and the settlement date', () => {
  it('rejects a date after today (the injected now), naming the field', () => {
    const error = validationError(() => complete(trajectory(), openTask('KENNISMAKING'), { heldOn: '2025-06-02', location: 'home' }));
    expect(fieldsOf(error)).toEqual(['heldOn']);
    expect(error.fields[0]!.message).toContain('2025-06-01');
  });

  it('accepts a date of today', () => {
    expect(complete(trajectory(), openTask('KENNISMAKING'), { heldOn: '2025-06-01', location: 'home' }).next.kennismakingOn).toBe('2025-06-01');
  });

  it('rejects a date before the settlement date, naming the field', () => {
    const error = validationError(() => complete(trajectory(), openTask('KENNISMAKING'), { heldOn: '2024-01-09', location: 'home' }));
    expect(fieldsOf(error)).toEqual(['heldOn']);
    expect(error.fields[0]!.message).toContain('2024-01-10');
  });

  it('names the nested field of an afronding measurement in the future: final.measuredOn', () => {
    const error = validationError(() =>
      complete(inBegeleiding, openTask('AFRONDING'), {
        final: { measuredOn: '2025-07-01', scores: { finances: 3, housing: 3 }, scoredBy: 'together' },
        decision: 'close',
      }),
    );
    expect(fieldsOf(error)).toEqual(['final.measuredOn']);
  });

  it('reports every bad field at once: a future date and a handover without consent', () => {
    const error = validationError(() =>
      complete(inBegeleiding, openTask('AFRONDING'), {
        final: { measuredOn: '2026-01-01', scores: { finances: 2 }, scoredBy: 'together' },
        decision: 'handover',
      }),
    );
    expect(fieldsOf(error).sort()).toEqual(['consent', 'final.measuredOn']);
  });

  it('rejects a future POP date and a future contact date too', () => {
    const pop = trajectory({ phase: 'pop', kennismakingOn: '2024-07-12' });
    expect(
      fieldsOf(validationError(() => complete(pop, openTask('POP'), { agreedOn: '2025-12-01', location: 'home', goals: [], baseline: { scores: { finances: 3 }, scoredBy: 'client' } }))),
    ).toEqual(['agreedOn']);
    expect(fieldsOf(validationError(() => complete(inBegeleiding, openTask('CONTACT'), { heldOn: '2025-12-01', location: 'home' })))).toEqual(['heldOn']);
  });
});

describe('parseCompletion: every bad field is named by its path', () => {
  const fieldsFor = (type: Task['type'], body: unknown) => fieldsOf(validationError(() => parseCompletion(type, body)));

  it('accepts a valid body and returns it typed by the task type', () => {
    expect(parseCompletion('CONTACT', { heldOn: '2025-04-11', location: 'home' })).toEqual({
      type: 'CONTACT',
      body: { heldOn: '2025-04-11', location: 'home' },
    });
  });

  it('rejects unknown fields, naming each', () => {
    const error = validationError(() => parseCompletion('CONTACT', { heldOn: '2025-04-11', location: 'home', note: 'talked about the family' }));
    expect(error.fields).toHaveLength(1);
    expect(fieldsOf(error)).toEqual(['note']);
    expect(error.fields[0]!.message).toContain('note');
  });

  it('rejects an unknown location, naming location', () => {
    expect(fieldsFor('CONTACT', { heldOn: '2025-04-11', location: 'cafe' })).toEqual(['location']);
  });

  it('rejects an impossible date, naming it', () => {
    expect(fieldsFor('KENNISMAKING', { heldOn: '2025-02-30', location: 'home' })).toEqual(['heldOn']);
  });

  it('rejects scores outside 1–5 and non-integers, naming baseline.scores.<domain>', () => {
    expect(
      fieldsFor('POP', {
        agreedOn: '2024-08-15',
        location: 'home',
        goals: [],
        baseline: { scores: { finances: 0, housing: 6, socialNetwork: 2.5 }, scoredBy: 'client' },
      }).sort(),
    ).toEqual(['baseline.scores.finances', 'baseline.scores.housing', 'baseline.scores.socialNetwork']);
  });

  it('rejects an unknown domain key in the scores, naming zrm.scores and the key', () => {
    const error = validationError(() =>
      parseCompletion('CONTACT', { heldOn: '2025-04-11', location: 'home', zrm: { scores: { finances: 3, religion: 3 }, scoredBy: 'client' } }),
    );
    expect(fieldsOf(error)).toEqual(['zrm.scores.religion']);
    expect(error.fields.some((f) => f.message.includes('religion'))).toBe(true);
  });

  it('rejects empty scores, naming final.scores', () => {
    expect(fieldsFor('AFRONDING', { final: { measuredOn: '2025-05-30', scores: {}, scoredBy: 'together' }, decision: 'close' })).toEqual([
      'final.scores',
    ]);
  });

  it('names each bad field of one body, missing ones included', () => {
    expect(fieldsFor('AFRONDING', { final: { measuredOn: '2025-05-30', scores: { finances: 3 }, scoredBy: 'nobody' }, decision: 'maybe' }).sort()).toEqual([
      'decision',
      'final.scoredBy',
    ]);
    expect(fieldsFor('KENNISMAKING', {}).sort()).toEqual(['heldOn', 'location']);
    expect(fieldsFor('POP', { goals: [], baseline: { scores: { finances: 3 } } }).sort()).toEqual(['agreedOn', 'location']);
  });

  it('accepts a measurement without scoredBy (only the scores are mandatory), in every completion that carries one', () => {
    expect(parseCompletion('POP', { agreedOn: '2024-08-15', location: 'home', goals: [], baseline: { scores: { finances: 3 } } }).body).toEqual({
      agreedOn: '2024-08-15',
      location: 'home',
      goals: [],
      baseline: { scores: { finances: 3 } },
    });
    expect(parseCompletion('CONTACT', { heldOn: '2025-04-11', location: 'home', zrm: { scores: { finances: 3 } } }).body).toMatchObject({
      zrm: { scores: { finances: 3 } },
    });
    expect(parseCompletion('AFRONDING', { final: { measuredOn: '2025-05-30', scores: { finances: 3 } }, decision: 'close' }).body).toMatchObject({
      final: { measuredOn: '2025-05-30', scores: { finances: 3 } },
    });
  });

  it('rejects missing scores even when scoredBy is given', () => {
    expect(fieldsFor('CONTACT', { heldOn: '2025-04-11', location: 'home', zrm: { scoredBy: 'client' } })).toEqual(['zrm.scores']);
  });

  it('a body that is not an object is named (body)', () => {
    expect(fieldsFor('CONTACT', 'hello')).toEqual(['(body)']);
  });
});

describe('closeTask', () => {
  it('keeps the task\'s history with the given fields, drops its token, and leaves the task it was given alone', () => {
    const task = openTask('CONTACT');
    const closed = closeTask(task, { status: 'cancelled', escalatedAt: NOW.toISOString() });
    expect(closed).not.toHaveProperty('token');
    expect(closed).toMatchObject({ taskId: 'TRJ1-1', type: 'CONTACT', dueAt: '2025-05-20', escalateOn: '2025-06-03', status: 'cancelled', escalatedAt: NOW.toISOString() });
    expect(task.token).toBe('secret-task-token');
    expect(task.status).toBe('open');
  });
});
