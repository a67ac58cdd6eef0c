/**
 * A regisseur's tasks: the worklist, one task (an AFRONDING task with the system's proposal), and
 * completing it through the trajectory aggregate.
 */
import type { Deps } from '../ports';
import { afrondingAdvice, parseCompletion, type AfrondingAdvice, type CompletionAnswer } from '../trajectory/completion';
import * as trajectory from '../trajectory/aggregate';
import type { Actor, Client } from '../schemas';
import type { TaskSummary } from '../trajectory/summary';
import { audit, findTask, requireRole, type StoredTask } from './access';
import { changeTrajectory } from './change';

export interface TaskView {
  task: TaskSummary;
  clientName: string;
}

/** Open tasks sorted by due date: a regisseur's own (the municipality's for gemeente), or all for the beheerder. */
export async function listTasks(deps: Deps, actor: Actor): Promise<TaskView[]> {
  const assignee = actor.role === 'beheerder' ? undefined : { role: actor.role, id: actor.role === 'gemeente' ? 'gemeente' : actor.userId };
  const tasks = await deps.store.listOpenTasks(assignee ? { assignee } : {});
  const clientIds = [...new Set(tasks.map((t) => t.clientId))];
  const clients = new Map<string, Client>((await deps.store.getClients(clientIds)).map((c) => [c.clientId, c]));
  const now = deps.clock.now();
  await deps.store.appendAudit(clientIds.map((id) => audit(actor, id, 'read', 'list open tasks', now)));
  return tasks.map((task) => {
    const client = clients.get(task.clientId);
    return { task, clientName: client ? `${client.firstName} ${client.lastName}` : '' };
  });
}

export interface TaskDetail {
  task: StoredTask;
  /** An open AFRONDING task: what the system proposes and the outcome so far, before the decision. */
  advice?: AfrondingAdvice;
}

export async function getTask(deps: Deps, actor: Actor, taskId: string): Promise<TaskDetail> {
  const { task, trajectory } = await findTask(deps, actor, taskId);
  if (task.type !== 'AFRONDING' || task.status !== 'open') return { task };
  return { task, advice: afrondingAdvice(trajectory.measurements) };
}

/**
 * Completes a human task: its records and the trajectory's new facts are written in one
 * conditional write of the trajectory, so a task is completed once; then the waiting workflow
 * is told.
 */
export async function completeTask(deps: Deps, actor: Actor, taskId: string, body: unknown): Promise<CompletionAnswer> {
  requireRole(actor, 'regisseur');
  const found = await findTask(deps, actor, taskId);
  const completion = parseCompletion(found.task.type, body);
  const { answer } = await changeTrajectory(
    deps,
    found.trajectory.trajectoryId,
    (t) => trajectory.completeTask(t, { taskId, completion, actor, now: deps.clock.now(), newId: () => deps.ids.next() }),
    { first: found.trajectory },
  );
  return answer;
}
