/**
 * What the API shows of the domain: tokens never leave, personal data only where a route needs it.
 */
import * as z from 'zod';
import { Decision, Measurement, Outcome, Phase, PopVersion, Contact, TaskType } from '../core/schemas';
import type { Task, Trajectory } from '../core/schemas';
import type { StoredTask } from '../core/usecases/access';
import type { TrajectoryView } from '../core/usecases/trajectories';
import type { ExecutionSummary } from '../core/ports';

export const TaskOut = z.object({
  taskId: z.string(),
  trajectoryId: z.string(),
  clientId: z.string(),
  clientName: z.string().optional(),
  type: TaskType,
  dueAt: z.string(),
  status: z.enum(['open', 'completed', 'cancelled']),
  overdue: z.boolean(),
  zrmDue: z.boolean(),
  assignee: z.object({ role: z.string(), id: z.string() }),
  openedAt: z.string(),
  completedAt: z.string().optional(),
  escalatedAt: z.string().optional(),
  handoverId: z.string().optional(),
});

export function taskOut(task: StoredTask | Task, today: string, clientName?: string): z.infer<typeof TaskOut> {
  return {
    taskId: task.taskId,
    trajectoryId: task.trajectoryId,
    clientId: task.clientId,
    ...(clientName !== undefined ? { clientName } : {}),
    type: task.type,
    dueAt: task.dueAt,
    status: task.status,
    overdue: task.status === 'open' && task.dueAt < today,
    zrmDue: task.zrmDue,
    assignee: { role: task.assigneeRole, id: task.assigneeId },
    openedAt: task.openedAt,
    ...(task.completedAt ? { completedAt: task.completedAt } : {}),
    ...(task.escalatedAt ? { escalatedAt: task.escalatedAt } : {}),
    ...(task.handoverId ? { handoverId: task.handoverId } : {}),
  };
}

export const TrajectorySummaryOut = z.object({
  trajectoryId: z.string(),
  clientId: z.string(),
  regisseurId: z.string(),
  phase: Phase,
  status: z.enum(['active', 'closed']),
  workflowStatus: z.enum(['running', 'failed', 'done']),
  currentTask: TaskOut.optional(),
  createdAt: z.string(),
});

export function trajectorySummary(t: Trajectory, today: string): z.infer<typeof TrajectorySummaryOut> {
  return {
    trajectoryId: t.trajectoryId,
    clientId: t.clientId,
    regisseurId: t.regisseurId,
    phase: t.phase,
    status: t.status,
    workflowStatus: t.workflow.status,
    ...(t.openTask ? { currentTask: taskOut(t.openTask, today) } : {}),
    createdAt: t.createdAt,
  };
}

export const ExecutionOut = z.object({
  name: z.string(),
  segment: z.number(),
  status: z.string(),
  startedAt: z.string(),
  stoppedAt: z.string().optional(),
  resumeAt: z.string().optional(),
});

export const TrajectoryOut = TrajectorySummaryOut.extend({
  clientName: z.string(),
  settledOn: z.string(),
  kennismakingOn: z.string().optional(),
  firstContactVia: z.string().optional(),
  popAgreedOn: z.string().optional(),
  afrondingDueOn: z.string().optional(),
  intervalMonths: z.number().optional(),
  zrmRounds: z.array(Measurement.omit({ recordedBy: true })),
  pop: PopVersion.omit({ recordedBy: true }).extend({ versions: z.number() }).optional(),
  contacts: z.array(Contact.omit({ recordedBy: true })),
  tasks: z.array(TaskOut),
  proposal: Decision.optional(),
  decision: Decision.optional(),
  outcome: Outcome.optional(),
  workflow: z.object({
    status: z.enum(['running', 'failed', 'done']),
    executionName: z.string(),
    segment: z.number(),
    error: z.string().optional(),
    executions: z.array(ExecutionOut),
  }),
});

function strip<T extends { recordedBy: string }>(record: T): Omit<T, 'recordedBy'> {
  const { recordedBy: _by, ...rest } = record;
  return rest;
}

export function trajectoryOut(view: TrajectoryView, today: string): z.infer<typeof TrajectoryOut> {
  const t = view.trajectory;
  const pop = t.popVersions.at(-1);
  return {
    ...trajectorySummary(t, today),
    clientName: view.clientName,
    settledOn: t.settledOn,
    ...(t.kennismakingOn ? { kennismakingOn: t.kennismakingOn } : {}),
    ...(t.firstContactVia ? { firstContactVia: t.firstContactVia } : {}),
    ...(t.popAgreedOn ? { popAgreedOn: t.popAgreedOn } : {}),
    ...(view.afrondingDueOn ? { afrondingDueOn: view.afrondingDueOn } : {}),
    ...(t.intervalMonths ? { intervalMonths: t.intervalMonths } : {}),
    zrmRounds: t.measurements.map(strip),
    ...(pop ? { pop: { ...strip(pop), versions: t.popVersions.length } } : {}),
    contacts: t.contacts.map(strip),
    tasks: [...t.closedTasks, ...(t.openTask ? [t.openTask] : [])].map((task) => taskOut(task, today)),
    ...(t.proposal ? { proposal: t.proposal } : {}),
    ...(t.decision ? { decision: t.decision } : {}),
    ...(t.phase === 'closed' && t.outcome ? { outcome: t.outcome } : {}),
    workflow: {
      status: t.workflow.status,
      executionName: t.workflow.executionName,
      segment: t.workflow.segment,
      ...(t.workflow.error ? { error: t.workflow.error } : {}),
      executions: view.executions.map((e: ExecutionSummary) => ({ ...e })),
    },
  };
}


