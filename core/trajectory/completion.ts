/**
 * Completing a human task, purely: the records it adds (contact, ZRM round, POP version, the
 * decision) and how the trajectory moves on. Every bad field is named at once.
 */
import { ConflictError, ValidationError, type FieldProblem } from '../errors';
import { today } from '../rules/dates';
import { afrondingProposal, improvedDomains, isSuccessful, latestScores } from '../rules/outcome';
import {
  COMPLETION_SCHEMAS,
  fieldProblems,
  type Actor,
  type Completion,
  type Contact,
  type Decision,
  type DomainKey,
  type Measurement,
  type MeasurementKind,
  type Outcome,
  type Scores,
  type Task,
  type Trajectory,
} from '../schemas';
import type { TaskResult } from '../workflow/contract';
import { phaseAfter } from './phases';
import { heldRounds } from './schedule';

/** Parses a completion body by the task's type; every bad field is named. */
export function parseCompletion(type: Task['type'], body: unknown): Completion {
  if (type === 'ACKNOWLEDGE') {
    throw new ConflictError('A handover is acknowledged through POST /handovers/{id}/acknowledge');
  }
  const parsed = COMPLETION_SCHEMAS[type].safeParse(body);
  if (!parsed.success) {
    throw new ValidationError(`The body does not fit a ${type} completion`, fieldProblems(parsed.error, '(body)'));
  }
  return { type, body: parsed.data } as Completion;
}

/** What the system proposes at the afronding, and how the trajectory stands, from the scores so far. */
export interface AfrondingAdvice {
  proposal: Decision;
  improvedDomains: DomainKey[];
  successful: boolean;
}

/**
 * The proposal shown before the decision: hand over when any latest score (the final one, once
 * given) is 1 or 2, else close; and the outcome so far against the first scores.
 */
export function afrondingAdvice(measurements: Measurement[], final?: { measuredOn: string; scores: Scores }): AfrondingAdvice {
  // A domain the final measurement leaves out keeps its latest earlier score for the proposal.
  const latest = latestScores(final ? [...measurements, final] : measurements);
  const improved = improvedDomains(measurements, final?.scores ?? latest);
  return { proposal: afrondingProposal(latest), improvedDomains: improved, successful: isSuccessful(improved) };
}

export interface CompletionAnswer extends TaskResult {
  proposal?: Decision;
  outcome?: Outcome;
  /** The task the completion opened (up to the afronding): what comes next, at once. */
  nextTask?: { taskId: string; type: Task['type']; dueAt: string };
}

interface CompletionContext {
  trajectory: Trajectory;
  task: Task;
  completion: Completion;
  actor: Actor;
  now: Date;
  newId: () => string;
}

/** The records a completion adds and the trajectory after it (version not yet advanced). */
export function applyCompletion(ctx: CompletionContext): { next: Trajectory; answer: CompletionAnswer } {
  const { trajectory, task, completion, actor, now } = ctx;
  const day = today(now);
  const problems: FieldProblem[] = [];
  const checkDate = (field: string, date: string) => {
    if (date > day) problems.push({ field, message: `must not be after today (${day})` });
    if (date < trajectory.settledOn) problems.push({ field, message: `must not be before the settlement date (${trajectory.settledOn})` });
  };
  const { openTask: _open, ...rest } = trajectory;
  const next: Trajectory = { ...rest, contacts: [...trajectory.contacts], measurements: [...trajectory.measurements] };
  const measure = (kind: MeasurementKind, measuredOn: string, input: { scores: Scores; scoredBy?: Measurement['scoredBy'] }, round?: number) => {
    next.measurements.push({
      measurementId: ctx.newId(),
      trajectoryId: trajectory.trajectoryId,
      measuredOn,
      kind,
      scores: input.scores,
      ...(input.scoredBy ? { scoredBy: input.scoredBy } : {}),
      ...(round ? { round } : {}),
      taskId: task.taskId,
      recordedBy: actor.userId,
    });
    next.lastZrmOn = measuredOn;
  };
  const contact = (heldOn: string, location: Contact['location'], zrmSkipped?: Contact['zrmSkipped']) => {
    next.contacts.push({
      contactId: ctx.newId(),
      trajectoryId: trajectory.trajectoryId,
      heldOn,
      location,
      taskType: task.type,
      taskId: task.taskId,
      ...(zrmSkipped ? { zrmSkipped } : {}),
      recordedBy: actor.userId,
    });
    next.lastContactOn = heldOn;
  };
  const notBeforeLastContact = (field: string, date: string) => {
    if (trajectory.lastContactOn && date < trajectory.lastContactOn) {
      problems.push({ field, message: `must not be before the last contact (${trajectory.lastContactOn})` });
    }
  };
  let decision: Decision | undefined;
  let answer: Omit<CompletionAnswer, keyof TaskResult> = {};

  switch (completion.type) {
    case 'KENNISMAKING': {
      const b = completion.body;
      checkDate('heldOn', b.heldOn);
      contact(b.heldOn, b.location);
      next.kennismakingOn = b.heldOn;
      if (b.firstContactVia) next.firstContactVia = b.firstContactVia;
      break;
    }
    case 'POP': {
      const b = completion.body;
      checkDate('agreedOn', b.agreedOn);
      if (trajectory.kennismakingOn && b.agreedOn < trajectory.kennismakingOn) {
        problems.push({ field: 'agreedOn', message: `must not be before the kennismaking (${trajectory.kennismakingOn})` });
      }
      next.popAgreedOn = b.agreedOn;
      next.popVersions = [
        ...trajectory.popVersions,
        {
          trajectoryId: trajectory.trajectoryId,
          version: trajectory.popVersions.length + 1,
          agreedOn: b.agreedOn,
          goals: b.goals,
          ...(b.ideas ? { ideas: b.ideas } : {}),
          recordedBy: actor.userId,
          recordedAt: now.toISOString(),
        },
      ];
      measure('baseline', b.agreedOn, b.baseline);
      contact(b.agreedOn, b.location);
      break;
    }
    case 'CONTACT': {
      const b = completion.body;
      checkDate('heldOn', b.heldOn);
      notBeforeLastContact('heldOn', b.heldOn);
      if (b.zrm && b.zrmSkipped) problems.push({ field: 'zrmSkipped', message: 'give either zrm or zrmSkipped, not both' });
      if (task.zrmDue && !b.zrm && !b.zrmSkipped) {
        problems.push({ field: 'zrm', message: 'a ZRM round is due in this contact: give zrm, or zrmSkipped with a reason' });
      }
      contact(b.heldOn, b.location, b.zrmSkipped);
      // A round asked for counts on the grid; scores given unasked are an extra measurement.
      if (b.zrm) measure('interim', b.heldOn, b.zrm, task.zrmDue ? heldRounds(trajectory) + 1 : undefined);
      break;
    }
    case 'AFRONDING': {
      const b = completion.body;
      checkDate('final.measuredOn', b.final.measuredOn);
      const lastRound = trajectory.measurements.reduce<string | undefined>((d, m) => (d && d > m.measuredOn ? d : m.measuredOn), undefined);
      if (lastRound && b.final.measuredOn < lastRound) {
        problems.push({ field: 'final.measuredOn', message: `must not be before the last ZRM round (${lastRound})` });
      }
      if (b.decision === 'handover' && b.consent !== true) {
        problems.push({ field: 'consent', message: "a handover needs the client's consent (consent: true)" });
      }
      const advice = afrondingAdvice(trajectory.measurements, b.final);
      if (b.decision !== advice.proposal && !b.reason) {
        problems.push({ field: 'reason', message: `the system proposes "${advice.proposal}": a decision against it needs a short reason` });
      }
      measure('final', b.final.measuredOn, b.final);
      decision = b.decision;
      next.decision = b.decision;
      next.proposal = advice.proposal;
      if (b.reason && b.decision !== advice.proposal) next.decisionReason = b.reason;
      next.outcome = {
        successful: advice.successful,
        improvedDomains: advice.improvedDomains,
        handedOver: false,
        reason: 'completed',
        closedOn: b.final.measuredOn,
      };
      answer = { proposal: advice.proposal, outcome: next.outcome };
      break;
    }
  }
  if (problems.length > 0) throw new ValidationError(`The ${task.type} completion has bad fields`, problems);

  const result: TaskResult = { taskId: task.taskId, type: task.type, ...(decision ? { decision } : {}) };
  next.phase = phaseAfter(task.type, decision);
  if (next.phase === 'closed') next.status = 'closed';
  next.closedTasks = [
    ...trajectory.closedTasks,
    closeTask(task, { status: 'completed', completedAt: now.toISOString(), completedBy: actor.userId, result }),
  ];
  return { next, answer: { ...result, ...answer } };
}

/** A task leaves the trajectory's open slot: it keeps its history, not its token or the execution that waited. */
export function closeTask(task: Task, fields: Partial<Task> & { status: 'completed' | 'cancelled' }): ClosedTask {
  const { token: _token, executionName: _execution, ...rest } = { ...task, ...fields };
  return rest;
}

export type ClosedTask = Trajectory['closedTasks'][number];
