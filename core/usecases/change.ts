/**
 * How a use case changes a trajectory, written once: load → apply a transition of the aggregate
 * → save conditionally on the version (a lost race loads and applies again) → carry out the
 * effects. A task opened or moved marks its trajectory for the notification tick, and
 * escalations are recorded, before the save (idempotent by id, so a crash in between
 * repeats the record and never loses it); everything else runs after it, and a failure to tell
 * the workflow or to audit never turns a stored change into an error the user would retry.
 */
import { ConcurrentUpdateError, NotFoundError } from '../errors';
import type { Deps } from '../ports';
import type { Trajectory } from '../schemas';
import type { Effect, Transition } from '../trajectory/aggregate';
import { activeTrajectoryClaim, releaseClaim } from './claims';
import { scheduleFor } from './notify';

const ATTEMPTS = 5;

export interface Changed<A> {
  trajectory: Trajectory;
  answer: A;
}

export async function changeTrajectory<A>(
  deps: Deps,
  trajectoryId: string,
  transition: (current: Trajectory) => Transition<A>,
  options: { missing?: () => Error; first?: Trajectory } = {},
): Promise<Changed<A>> {
  let loaded = options.first;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const current = loaded ?? (await deps.store.getTrajectory(trajectoryId));
    loaded = undefined;
    if (!current) throw options.missing?.() ?? new NotFoundError(`No trajectory ${trajectoryId}`);
    const { next, effects, answer } = transition(current);
    await runEffects(deps, current, effects.filter((e) => e.type === 'recordEscalation'));
    if (next === current) {
      await runEffects(deps, current, effects.filter((e) => e.type !== 'recordEscalation'));
      return { trajectory: current, answer };
    }
    const saved = { ...next, version: current.version + 1 };
    // Before the save, so a crash in between cannot lose a task's reminders (core/usecases/notify.ts).
    const settleMark = await scheduleFor(deps, current, saved);
    try {
      await deps.store.saveTrajectory(saved, current.version);
    } catch (error) {
      if (error instanceof ConcurrentUpdateError) continue;
      throw error;
    }
    if (settleMark) await afterCommit(deps, 'notification mark not moved on', { trajectoryId }, settleMark);
    await runEffects(deps, saved, effects.filter((e) => e.type !== 'recordEscalation'));
    return { trajectory: saved, answer };
  }
  throw new ConcurrentUpdateError('The trajectory kept changing; try again');
}

async function runEffects(deps: Deps, trajectory: Trajectory, effects: Effect[]): Promise<void> {
  for (const effect of effects) {
    switch (effect.type) {
      case 'resolveWait':
        await tellWorkflow(deps, effect.result.taskId, () => deps.engine.sendTaskSuccess(effect.token, effect.result));
        break;
      case 'redirectWait':
        await tellWorkflow(deps, trajectory.trajectoryId, () => deps.engine.sendTaskFailure(effect.token, effect.signal, 'the trajectory changed'));
        break;
      case 'recordEscalation':
        await deps.store.putEscalation(effect.escalation);
        deps.logger.info('escalation recorded', { kind: effect.escalation.kind, taskId: effect.escalation.taskId });
        break;
      case 'resolveEscalation':
        await afterCommit(deps, 'escalation not resolved', { escalationId: effect.escalationId }, () =>
          deps.store.resolveEscalation(effect.escalationId, effect.at),
        );
        break;
      case 'releaseActiveClaim':
        await releaseClaim(deps, activeTrajectoryClaim(trajectory.clientId), trajectory.trajectoryId);
        break;
      case 'voidHandover': {
        const handover = await deps.store.getHandover(effect.handoverId);
        if (handover && !handover.acknowledgedAt && !handover.withdrawnAt) {
          await deps.store.putHandover({ ...handover, withdrawnAt: effect.at }, false);
        }
        break;
      }
      case 'audit':
        await afterCommit(deps, 'audit entry not written', { clientId: effect.entry.clientId, action: effect.entry.action }, () =>
          deps.store.appendAudit([effect.entry]),
        );
        break;
    }
  }
}

/**
 * Tells the workflow. The change is already stored, so this never fails the request: a token
 * that no longer works is fine (the re-opened task carries a new one), and if the engine cannot
 * be reached the wait ends at its timeout and the successor execution plans from the stored facts.
 */
async function tellWorkflow(deps: Deps, id: string, send: () => Promise<boolean>): Promise<void> {
  try {
    if (!(await send())) deps.logger.warn('task token no longer valid; the workflow picks the change up on re-entry', { id });
  } catch (error) {
    deps.logger.error('could not tell the workflow; it resumes at the wait timeout', { id, error: errorName(error) });
  }
}

/** A write after the commit point: a failure is logged (IDs only), not thrown. */
async function afterCommit(deps: Deps, message: string, fields: Record<string, unknown>, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    deps.logger.error(message, { ...fields, error: errorName(error) });
  }
}

const errorName = (error: unknown) => (error instanceof Error ? error.name : 'unknown');
