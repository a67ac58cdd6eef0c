/**
 * What the API shows of the domain: tokens never leave, personal data only where a route needs it.
 */
import * as z from 'zod';
import { Deadline, Decision, DomainKey, Measurement, Outcome, Phase, PopVersion, Contact, TaskType } from '../core/schemas';
import { daysOverdue, escalationMoment, isOverdue } from '../core/trajectory/deadlines';
import type { AfrondingAdvice } from '../core/trajectory/completion';
import type { TaskSummary, TrajectorySummary } from '../core/trajectory/summary';
import type { Trajectory } from '../core/schemas';
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
  daysOverdue: z.number().int().min(0),
  escalateOn: z.string().describe('The Dutch calendar date on which an open task is escalated to the beheerder'),
  escalatesAt: z.string().describe('The escalation moment: 00:00 Amsterdam time on escalateOn'),
  zrmDue: z.boolean(),
  assignee: z.object({ role: z.string(), id: z.string() }),
  openedAt: z.string(),
  completedAt: z.string().optional(),
  escalatedAt: z.string().optional(),
  handoverId: z.string().optional(),
  lastContact: z
    .object({ on: z.string(), location: z.string() })
    .optional()
    .describe('In the worklist: the last contact held with the client (the kennismaking and the POP meeting count), its date and place'),
  advice: z
    .object({ proposal: Decision, improvedDomains: z.array(DomainKey), successful: z.boolean() })
    .optional()
    .describe("An open AFRONDING task: the system's proposal from the latest scores, and the outcome so far"),
});

export function taskOut(
  task: TaskSummary | StoredTask,
  now: Date,
  extra: { clientName?: string; advice?: AfrondingAdvice; lastContact?: { on: string; location: string } } = {},
): z.infer<typeof TaskOut> {
  const open = task.status === 'open';
  return {
    taskId: task.taskId,
    trajectoryId: task.trajectoryId,
    clientId: task.clientId,
    ...(extra.clientName !== undefined ? { clientName: extra.clientName } : {}),
    type: task.type,
    dueAt: task.dueAt,
    status: task.status,
    overdue: open && isOverdue(task, now),
    daysOverdue: open ? daysOverdue(task, now) : 0,
    escalateOn: task.escalateOn,
    escalatesAt: escalationMoment(task).toISOString(),
    zrmDue: task.zrmDue,
    assignee: { role: task.assigneeRole, id: task.assigneeId },
    openedAt: task.openedAt,
    ...(task.completedAt ? { completedAt: task.completedAt } : {}),
    ...(task.escalatedAt ? { escalatedAt: task.escalatedAt } : {}),
    ...(task.handoverId ? { handoverId: task.handoverId } : {}),
    ...(extra.lastContact ? { lastContact: extra.lastContact } : {}),
    ...(extra.advice ? { advice: extra.advice } : {}),
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

export function trajectorySummary(t: TrajectorySummary | Trajectory, now: Date): z.infer<typeof TrajectorySummaryOut> {
  return {
    trajectoryId: t.trajectoryId,
    clientId: t.clientId,
    regisseurId: t.regisseurId,
    phase: t.phase,
    status: t.status,
    workflowStatus: t.workflow.status,
    ...(t.openTask ? { currentTask: taskOut(t.openTask, now) } : {}),
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

/** Another household member's trajectory: the name only for whoever may see that client. */
export const HouseholdOut = z.object({
  householdId: z.string(),
  trajectories: z.array(
    z.object({
      trajectoryId: z.string(),
      phase: Phase,
      status: z.enum(['active', 'closed']),
      regisseurId: z.string(),
      client: z.object({ clientId: z.string(), name: z.string() }).optional(),
    }),
  ),
});

export const DeadlineOut = Deadline.omit({ version: true });

export function deadlineOut(d: z.infer<typeof Deadline>): z.infer<typeof DeadlineOut> {
  const { version: _v, ...shown } = d;
  return shown;
}

export const TrajectoryOut = TrajectorySummaryOut.extend({
  clientName: z.string(),
  settledOn: z.string(),
  startedOn: z.string(),
  kennismakingOn: z.string().optional(),
  firstContactVia: z.string().optional(),
  popAgreedOn: z.string().optional(),
  afrondingDueOn: z.string().optional(),
  afrondingRequestedOn: z.string().optional(),
  afrondingReason: z.string().optional(),
  intervalMonths: z.number().optional(),
  zrmRounds: z.array(Measurement.omit({ recordedBy: true })),
  pop: PopVersion.omit({ recordedBy: true }).extend({ versions: z.number() }).optional(),
  contacts: z.array(Contact.omit({ recordedBy: true })),
  missedContacts: z
    .array(z.object({ on: z.string(), reason: z.string(), note: z.string().optional(), taskId: z.string(), recordedAt: z.string() }))
    .describe('Planned contacts that did not take place, oldest first'),
  tasks: z.array(TaskOut),
  proposal: Decision.optional(),
  decision: Decision.optional(),
  decisionReason: z.string().optional(),
  outcome: Outcome.optional(),
  workflow: z.object({
    status: z.enum(['running', 'failed', 'done']),
    executionName: z.string(),
    segment: z.number(),
    error: z.string().optional(),
    executions: z.array(ExecutionOut),
  }),
  household: HouseholdOut.optional().describe("The client's household: the other members' active trajectories"),
  deadlines: z.array(DeadlineOut).describe("The client's open legal deadlines, by date"),
});

function strip<T extends { recordedBy: string }>(record: T): Omit<T, 'recordedBy'> {
  const { recordedBy: _by, ...rest } = record;
  return rest;
}

export function trajectoryOut(view: TrajectoryView, now: Date): z.infer<typeof TrajectoryOut> {
  const t = view.trajectory;
  const pop = t.popVersions.at(-1);
  return {
    ...trajectorySummary(t, now),
    clientName: view.clientName,
    settledOn: t.settledOn,
    startedOn: t.startedOn,
    ...(t.kennismakingOn ? { kennismakingOn: t.kennismakingOn } : {}),
    ...(t.firstContactVia ? { firstContactVia: t.firstContactVia } : {}),
    ...(t.popAgreedOn ? { popAgreedOn: t.popAgreedOn } : {}),
    ...(view.afrondingDueOn ? { afrondingDueOn: view.afrondingDueOn } : {}),
    ...(t.afrondingRequestedOn ? { afrondingRequestedOn: t.afrondingRequestedOn } : {}),
    ...(t.afrondingReason ? { afrondingReason: t.afrondingReason } : {}),
    ...(t.intervalMonths ? { intervalMonths: t.intervalMonths } : {}),
    zrmRounds: t.measurements.map(strip),
    ...(pop ? { pop: { ...strip(pop), versions: t.popVersions.length } } : {}),
    contacts: t.contacts.map(strip),
    missedContacts: (t.missedContacts ?? []).map(strip),
    tasks: [...t.closedTasks, ...(t.openTask ? [t.openTask] : [])].map((task) => taskOut(task, now)),
    ...(t.proposal ? { proposal: t.proposal } : {}),
    ...(t.decision ? { decision: t.decision } : {}),
    ...(t.decisionReason ? { decisionReason: t.decisionReason } : {}),
    ...(t.phase === 'closed' && t.outcome ? { outcome: t.outcome } : {}),
    workflow: {
      status: t.workflow.status,
      executionName: t.workflow.executionName,
      segment: t.workflow.segment,
      ...(t.workflow.error ? { error: t.workflow.error } : {}),
      executions: view.executions.map((e: ExecutionSummary) => ({ ...e })),
    },
    ...(view.household ? { household: view.household } : {}),
    deadlines: view.deadlines.map(deadlineOut),
  };
}


