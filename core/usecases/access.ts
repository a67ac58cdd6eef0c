/**
 * Who may see and do what. A regisseur sees only their own trajectories and tasks: anything else
 * answers "not found", so the API does not reveal that it exists.
 */
import { ForbiddenError, NotFoundError } from '../errors';
import type { Deps } from '../ports';
import { trajectoryIdOfTask } from '../rules/task-id';
import type { Actor, Role, Task, Trajectory } from '../schemas';

export function requireRole(actor: Actor, ...roles: Role[]): void {
  if (!roles.includes(actor.role)) {
    throw new ForbiddenError(`This action is for ${roles.join(' or ')}; you are signed in as ${actor.role}`);
  }
}

export function assertCanSeeTrajectory(actor: Actor, trajectory: Trajectory | undefined, id: string): Trajectory {
  const visible =
    trajectory !== undefined &&
    (actor.role === 'beheerder' || (actor.role === 'regisseur' && trajectory.regisseurId === actor.userId));
  if (!visible) throw new NotFoundError(`No trajectory ${id}`);
  return trajectory;
}

/** A task as found: the open one (with its token), or a closed one. */
export type StoredTask = Task | Trajectory['closedTasks'][number];

/** Finds a task (open or closed) with its trajectory, if the actor may see it. */
export async function findTask(
  deps: Deps,
  actor: Actor,
  taskId: string,
): Promise<{ task: StoredTask; trajectory: Trajectory }> {
  const trajectoryId = trajectoryIdOfTask(taskId);
  const trajectory = trajectoryId ? await deps.store.getTrajectory(trajectoryId) : undefined;
  const task: StoredTask | undefined =
    trajectory?.openTask?.taskId === taskId ? trajectory.openTask : trajectory?.closedTasks.find((t) => t.taskId === taskId);
  const visible =
    task !== undefined &&
    (actor.role === 'beheerder' ||
      (actor.role === task.assigneeRole && (task.assigneeRole === 'gemeente' || task.assigneeId === actor.userId)));
  if (!visible || !trajectory) throw new NotFoundError(`No task ${taskId}`);
  return { task, trajectory };
}

export { audit } from '../rules/audit';
