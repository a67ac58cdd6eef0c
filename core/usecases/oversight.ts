/**
 * What the beheerder watches: the state of every trajectory and workflow, what is overdue or
 * failed, and the programme's outcomes against its target.
 */
import type { Deps } from '../ports';
import { today } from '../rules/dates';
import { isOverdue, isPastEscalation } from '../trajectory/deadlines';
import { Phase, type Actor, type AuditEntry } from '../schemas';
import { requireRole } from './access';
import { notifyTick, type NotifyResult } from './notify';

/** The programme's target: 80% of trajectories successful after three years (docs/domain.md). */
export const SUCCESS_TARGET = 0.8;

/**
 * Open tasks past their escalation moment (the deadlines rule: escalateOn has come), as keys from
 * the escalation index: the cost grows with what is due, not with what exists.
 */
export async function countLongOverdue(deps: Deps): Promise<number> {
  return (await deps.store.listEscalationDue(today(deps.clock.now()))).length;
}

/**
 * The scheduler tick: publishes the overdue gauge that the alarm watches, records the
 * notifications that fell due and sends the outbox (core/usecases/notify.ts); mails that failed
 * for good are counted for their alarm.
 */
export async function tick(deps: Deps): Promise<{ overdueTasks: number; notifications: NotifyResult }> {
  const overdueTasks = await countLongOverdue(deps);
  await deps.metrics.gauge('OverdueTasks', overdueTasks);
  const notifications = await notifyTick(deps);
  if (notifications.failed > 0) await deps.metrics.gauge('NotificationsFailed', notifications.failed);
  return { overdueTasks, notifications };
}

export interface Overview {
  trajectories: { total: number; byPhase: Record<Phase, number>; workflowsFailed: number };
  tasks: { open: number; overdue: number; pastEscalation: number };
  outcomes: { closed: number; successful: number; handedOver: number; withdrawn: number; successRate: number | null; target: number };
}

/** No personal data: counts only, so no audit entry is needed. */
export async function overview(deps: Deps, actor: Actor): Promise<Overview> {
  requireRole(actor, 'beheerder');
  const now = deps.clock.now();
  // One read of the summaries: each carries its open task.
  const trajectories = await deps.store.listTrajectories({});
  const open = trajectories.flatMap((t) => (t.openTask ? [t.openTask] : []));
  const byPhase = Object.fromEntries(Phase.options.map((p) => [p, 0])) as Record<Phase, number>;
  for (const t of trajectories) byPhase[t.phase]++;
  const closed = trajectories.filter((t) => t.phase === 'closed' && t.outcome);
  const completed = closed.filter((t) => t.outcome?.reason === 'completed');
  const successful = completed.filter((t) => t.outcome?.successful).length;
  return {
    trajectories: {
      total: trajectories.length,
      byPhase,
      workflowsFailed: trajectories.filter((t) => t.workflow.status === 'failed').length,
    },
    tasks: {
      open: open.length,
      overdue: open.filter((t) => isOverdue(t, now)).length,
      pastEscalation: open.filter((t) => isPastEscalation(t, now)).length,
    },
    outcomes: {
      closed: closed.length,
      successful,
      handedOver: closed.filter((t) => t.outcome?.handedOver).length,
      withdrawn: closed.length - completed.length,
      successRate: completed.length > 0 ? successful / completed.length : null,
      target: SUCCESS_TARGET,
    },
  };
}

/** Who read or changed a client's data, oldest first: for the beheerder only. */
export async function auditLog(deps: Deps, actor: Actor, clientId: string): Promise<AuditEntry[]> {
  requireRole(actor, 'beheerder');
  return deps.store.listAudit(clientId);
}
