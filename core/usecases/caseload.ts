/**
 * Changes to the plan between the workflow's tasks (issue 9): a missed contact, an extra contact,
 * a rescheduled task, a reassigned trajectory. Each is a transition of the aggregate run through
 * changeTrajectory: it re-plans the open wait without restarting the workflow, and is audited.
 */
import type * as z from 'zod';
import type { Deps } from '../ports';
import type { Actor, ExtraContactInput, MissedContactInput, RescheduleInput, Task, Trajectory } from '../schemas';
import * as trajectory from '../trajectory/aggregate';
import { assertCanSeeTrajectory, findTask, requireRole } from './access';
import { changeTrajectory } from './change';
import { notifyNow } from './notify';
import { changeInterval } from './trajectories';
import { requireActiveRegisseur } from './users';

export interface MissedContactAnswer {
  trajectory: Trajectory;
  task: Task;
  missedInARow: number;
}

/**
 * The open contact did not take place: recorded, and due again after the deployment's retry days.
 * From the third miss in a row on, every active beheerder is told (recorded after the save, for
 * the tick to send; a repeat of the same miss records nothing twice).
 */
export async function recordMissedContact(deps: Deps, actor: Actor, taskId: string, input: z.infer<typeof MissedContactInput>): Promise<MissedContactAnswer> {
  requireRole(actor, 'regisseur');
  const found = await findTask(deps, actor, taskId);
  const { trajectory: saved, answer } = await changeTrajectory(
    deps,
    found.trajectory.trajectoryId,
    (t) =>
      trajectory.recordMissedContact(t, {
        taskId,
        on: input.on,
        reason: input.reason,
        ...(input.note ? { note: input.note } : {}),
        retryDays: deps.settings.missedContactRetryDays,
        actor,
        now: deps.clock.now(),
      }),
    { first: found.trajectory },
  );
  if (answer.missedInARow >= trajectory.MISSED_IN_A_ROW_ALERT) {
    await notifyNow(deps, { kind: 'missed_contacts', occurrence: answer.missedInARow, trajectory: saved, task: answer.task, to: 'beheerder' });
  }
  return { trajectory: saved, task: answer.task, missedInARow: answer.missedInARow };
}

/** A contact held between the planned ones: the last contact now, and the open contact planned from it. */
export async function recordExtraContact(
  deps: Deps,
  actor: Actor,
  trajectoryId: string,
  input: z.infer<typeof ExtraContactInput>,
): Promise<{ trajectory: Trajectory; contactId: string }> {
  requireRole(actor, 'regisseur');
  const first = assertCanSeeTrajectory(actor, await deps.store.getTrajectory(trajectoryId), trajectoryId);
  const { trajectory: saved, answer } = await changeTrajectory(
    deps,
    trajectoryId,
    (t) =>
      trajectory.recordExtraContact(t, {
        heldOn: input.heldOn,
        location: input.location,
        ...(input.zrm ? { zrm: input.zrm } : {}),
        actor,
        now: deps.clock.now(),
        newId: () => deps.ids.next(),
      }),
    { first },
  );
  return { trajectory: saved, contactId: answer.contactId };
}

/** The regisseur moves their open task to another due date, with a reason. */
export async function rescheduleTask(deps: Deps, actor: Actor, taskId: string, input: z.infer<typeof RescheduleInput>): Promise<Task> {
  requireRole(actor, 'regisseur');
  const found = await findTask(deps, actor, taskId);
  const { answer } = await changeTrajectory(
    deps,
    found.trajectory.trajectoryId,
    (t) => trajectory.rescheduleTask(t, { taskId, dueAt: input.dueAt, reason: input.reason, actor, now: deps.clock.now() }),
    { first: found.trajectory },
  );
  return answer;
}

export interface TrajectoryChange {
  intervalMonths?: number | null;
  regisseurId?: string;
}

/**
 * PATCH /trajectories/{id}: the contact interval (its regisseur or a beheerder) and/or the
 * regisseur (a beheerder, to an active regisseur of the directory), in one write.
 */
export async function changeTrajectorySettings(deps: Deps, actor: Actor, trajectoryId: string, change: TrajectoryChange): Promise<Trajectory> {
  const { regisseurId, intervalMonths } = change;
  if (regisseurId === undefined) return changeInterval(deps, actor, trajectoryId, intervalMonths ?? null);
  requireRole(actor, 'beheerder');
  const first = assertCanSeeTrajectory(actor, await deps.store.getTrajectory(trajectoryId), trajectoryId);
  await requireActiveRegisseur(deps, regisseurId);
  const { trajectory: saved } = await changeTrajectory(
    deps,
    trajectoryId,
    (t) => {
      const now = deps.clock.now();
      const reassigned = trajectory.reassign(t, { regisseurId, actor, now });
      if (intervalMonths === undefined) return reassigned;
      const interval = trajectory.changeInterval(reassigned.next, { intervalMonths, actor, now });
      return { next: interval.next, effects: [...reassigned.effects, ...interval.effects], answer: undefined };
    },
    { first },
  );
  return saved;
}
