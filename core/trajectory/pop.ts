/**
 * The plan itself, after the POP task: revisions (a new version of the whole POP) and reviews
 * (a follow-up: what was achieved, what changes; new goals make a new version). Pure
 * transitions of the trajectory aggregate, run through `changeTrajectory` like the others
 * (core/trajectory/aggregate.ts): every version stays in `popVersions`, every review in
 * `popReviews`. A revision does not move the three years: they run from the first POP
 * (`popAgreedOn`), as the schedule and the ZRM grid do.
 */
import { ConflictError, NotFoundError, ValidationError, type FieldProblem } from '../errors';
import { audit } from '../rules/audit';
import { today } from '../rules/dates';
import type { Actor, PopReview, PopReviewInput, PopRevision, PopVersion, Trajectory } from '../schemas';
import { isWithdrawn, type Effect, type Transition } from './aggregate';

/** The phases in which the plan is revised: after the first POP, until the afronding's decision. */
const REVISABLE: ReadonlySet<Trajectory['phase']> = new Set(['begeleiding', 'afronding']);

/** At most this many goals in one version (a review adds to the current ones). */
export const MAX_GOALS = 40;

/** The POP in force: its last version. */
export function currentPop(t: Trajectory): PopVersion | undefined {
  return t.popVersions.at(-1);
}

/** The current version, if the plan may change now: only by the trajectory's own regisseur, from the begeleiding on. */
function revisable(t: Trajectory, actor: Actor): PopVersion {
  if (actor.role !== 'regisseur' || t.regisseurId !== actor.userId) throw new NotFoundError(`No trajectory ${t.trajectoryId}`);
  if (t.status === 'closed') throw new ConflictError(isWithdrawn(t) ? 'This trajectory was withdrawn' : 'This trajectory is closed');
  const current = currentPop(t);
  if (!current) throw new ConflictError('The first POP is agreed through the POP task; it is revised from the begeleiding on');
  if (!REVISABLE.has(t.phase)) throw new ConflictError(`The POP is no longer revised (phase ${t.phase})`);
  return current;
}

function checkDate(problems: FieldProblem[], field: string, date: string, now: Date, notBefore: { date: string; what: string }): void {
  const day = today(now);
  if (date > day) problems.push({ field, message: `must not be after today (${day})` });
  if (date < notBefore.date) problems.push({ field, message: `must not be before ${notBefore.what} (${notBefore.date})` });
}

function fail(message: string, problems: FieldProblem[]): void {
  if (problems.length > 0) throw new ValidationError(message, problems);
}

const auditEffect = (actor: Actor, t: Trajectory, detail: string, now: Date): Effect => ({
  type: 'audit',
  entry: audit(actor, t.clientId, 'update', detail, now),
});

const sameContent = (v: PopVersion, r: PopRevision) =>
  v.agreedOn === r.agreedOn && (v.ideas ?? null) === (r.ideas ?? null) && JSON.stringify(v.goals) === JSON.stringify(r.goals);

/**
 * A new version of the whole POP. Dated not after today and not before the version it replaces.
 * The same content as the current version again (a repeated request) changes nothing; with
 * `basedOnVersion` the revision applies only to that version (else a conflict).
 */
export function revisePop(t: Trajectory, cmd: { revision: PopRevision; actor: Actor; now: Date }): Transition<PopVersion> {
  const current = revisable(t, cmd.actor);
  const r = cmd.revision;
  if (sameContent(current, r)) return { next: t, effects: [], answer: current };
  if (r.basedOnVersion !== undefined && r.basedOnVersion !== current.version) {
    throw new ConflictError(`The POP is at version ${current.version} now, not ${r.basedOnVersion}; read it again`);
  }
  const problems: FieldProblem[] = [];
  checkDate(problems, 'agreedOn', r.agreedOn, cmd.now, { date: current.agreedOn, what: `the current version ${current.version}` });
  fail('The revision has bad fields', problems);
  const version: PopVersion = {
    trajectoryId: t.trajectoryId,
    version: current.version + 1,
    agreedOn: r.agreedOn,
    goals: r.goals,
    ...(r.ideas ? { ideas: r.ideas } : {}),
    recordedBy: cmd.actor.userId,
    recordedAt: cmd.now.toISOString(),
    origin: 'revision',
  };
  return {
    next: { ...t, popVersions: [...t.popVersions, version] },
    effects: [auditEffect(cmd.actor, t, `revise POP: version ${version.version}`, cmd.now)],
    answer: version,
  };
}

/**
 * A follow-up of the POP: when and where, what was achieved, what changes. New goals are added
 * to the current version's in a new version, agreed on the day of the review (so the review is
 * then not dated before the current version); a review without them leaves the plan as it is
 * (dated not before the first POP).
 */
export function reviewPop(
  t: Trajectory,
  cmd: { review: PopReviewInput; reviewId: string; actor: Actor; now: Date },
): Transition<{ review: PopReview; popVersion?: PopVersion }> {
  const current = revisable(t, cmd.actor);
  const r = cmd.review;
  const newGoals = r.newGoals ?? [];
  const problems: FieldProblem[] = [];
  const first = t.popVersions[0]!;
  checkDate(
    problems,
    'heldOn',
    r.heldOn,
    cmd.now,
    newGoals.length > 0 ? { date: current.agreedOn, what: `the current POP version ${current.version}` } : { date: first.agreedOn, what: 'the POP' },
  );
  if (current.goals.length + newGoals.length > MAX_GOALS) {
    problems.push({ field: 'newGoals', message: `the plan would have more than ${MAX_GOALS} goals; revise it instead (PUT /trajectories/{id}/pop)` });
  }
  fail('The review has bad fields', problems);
  const popVersion: PopVersion | undefined =
    newGoals.length > 0
      ? {
          trajectoryId: t.trajectoryId,
          version: current.version + 1,
          agreedOn: r.heldOn,
          goals: [...current.goals, ...newGoals],
          ...(current.ideas ? { ideas: current.ideas } : {}),
          recordedBy: cmd.actor.userId,
          recordedAt: cmd.now.toISOString(),
          origin: 'review',
          reviewId: cmd.reviewId,
        }
      : undefined;
  const review: PopReview = {
    reviewId: cmd.reviewId,
    heldOn: r.heldOn,
    location: r.location,
    ...(r.achieved ? { achieved: r.achieved } : {}),
    ...(r.changes ? { changes: r.changes } : {}),
    ...(newGoals.length > 0 ? { newGoals } : {}),
    popVersion: popVersion?.version ?? current.version,
    recordedBy: cmd.actor.userId,
    recordedAt: cmd.now.toISOString(),
  };
  return {
    next: {
      ...t,
      popReviews: [...(t.popReviews ?? []), review],
      ...(popVersion ? { popVersions: [...t.popVersions, popVersion] } : {}),
    },
    effects: [auditEffect(cmd.actor, t, `review POP ${review.reviewId}${popVersion ? `: version ${popVersion.version}` : ''}`, cmd.now)],
    answer: { review, ...(popVersion ? { popVersion } : {}) },
  };
}
