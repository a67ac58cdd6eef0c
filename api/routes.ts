/**
 * The API's routes, declared once: requests are validated by these zod schemas and the
 * document at /openapi.json is generated from them.
 */
import * as z from 'zod';
import { defineRoute, problems, json } from './route';
import {
  CompleteAfronding,
  CompleteContact,
  CompleteKennismaking,
  CompletePop,
  Handover,
  Id,
  NewClient,
  Phase,
  Client,
  AfrondingRequest,
  Decision,
  Outcome,
  Withdrawal,
  IsoDate,
  TaskType,
} from '../core/schemas';
import { TaskOut, TrajectoryOut, TrajectorySummaryOut } from './views';


export const registerClientRoute = defineRoute({
  method: 'post',
  path: '/clients',
  tags: ['clients'],
  summary: 'Register a client (beheerder)',
  idempotent: true,
  body: NewClient,
  responses: { 201: json(z.object({ clientId: z.string() }), 'Registered'), ...problems(400, 401, 403, 409) },
});

export const listClientsRoute = defineRoute({
  method: 'get',
  path: '/clients',
  tags: ['clients'],
  summary: 'All clients (beheerder); the read is audited',
  responses: { 200: json(z.object({ clients: z.array(Client) }), 'Clients'), ...problems(401, 403) },
});

export const getClientRoute = defineRoute({
  method: 'get',
  path: '/clients/{clientId}',
  tags: ['clients'],
  summary: "A client's personal data (beheerder, or the client's regisseur); the read is audited",
  params: z.object({ clientId: Id }),
  responses: { 200: json(Client, 'The client'), ...problems(401, 403, 404) },
});

export const clientAuditRoute = defineRoute({
  method: 'get',
  path: '/clients/{clientId}/audit',
  tags: ['clients'],
  summary: 'Who read or changed this client’s data, and when (beheerder)',
  params: z.object({ clientId: Id }),
  responses: {
    200: json(z.object({ entries: z.array(z.object({ at: z.string(), actorId: z.string(), actorRole: z.string(), action: z.string(), detail: z.string() })) }), 'Audit entries, oldest first'),
    ...problems(401, 403, 404),
  },
});

export const startTrajectoryRoute = defineRoute({
  method: 'post',
  path: '/trajectories',
  tags: ['trajectories'],
  summary: 'Start a trajectory for a client (beheerder); starts its workflow',
  idempotent: true,
  body: z.strictObject({
    clientId: Id,
    regisseurId: z.string().min(1).max(128),
    intervalMonths: z.number().int().min(1).max(12).optional().describe('Own contact interval, overriding 1 then 2 months'),
  }),
  responses: { 201: json(z.object({ trajectoryId: z.string() }), 'Started'), ...problems(400, 401, 403, 409) },
});

export const listTrajectoriesRoute = defineRoute({
  method: 'get',
  path: '/trajectories',
  tags: ['trajectories'],
  summary: 'Trajectories: a regisseur’s own, or all for the beheerder',
  query: z.strictObject({ phase: Phase.optional() }),
  responses: { 200: json(z.object({ trajectories: z.array(TrajectorySummaryOut) }), 'Trajectories'), ...problems(400, 401, 403) },
});

export const getTrajectoryRoute = defineRoute({
  method: 'get',
  path: '/trajectories/{trajectoryId}',
  tags: ['trajectories'],
  summary: 'One trajectory with its task, ZRM rounds, POP, contacts, outcome and workflow',
  params: z.object({ trajectoryId: Id }),
  responses: { 200: json(TrajectoryOut, 'The trajectory'), ...problems(401, 403, 404) },
});

export const changeTrajectoryRoute = defineRoute({
  method: 'patch',
  path: '/trajectories/{trajectoryId}',
  tags: ['trajectories'],
  summary:
    "Set the trajectory's own contact interval in months (null: monthly, then every two months; its regisseur or a beheerder) and/or give it to another active regisseur (beheerder)",
  params: z.object({ trajectoryId: Id }),
  body: z
    .strictObject({
      intervalMonths: z.number().int().min(1).max(12).nullable().optional(),
      regisseurId: z
        .string()
        .min(1)
        .max(128)
        .optional()
        .describe('The active regisseur who takes the trajectory over (beheerder): the open task and its notifications follow'),
    })
    .refine((c) => c.intervalMonths !== undefined || c.regisseurId !== undefined, { message: 'give intervalMonths, regisseurId or both' }),
  responses: { 200: json(TrajectorySummaryOut, 'The trajectory'), ...problems(400, 401, 403, 404, 409) },
});

export const requestAfrondingRoute = defineRoute({
  method: 'post',
  path: '/trajectories/{trajectoryId}/afronding',
  tags: ['trajectories'],
  summary: 'Ask for the afronding now, from the POP phase on (the client is self-sufficient, or the programme ends early)',
  params: z.object({ trajectoryId: Id }),
  body: AfrondingRequest,
  responses: { 202: json(z.object({ trajectoryId: z.string() }), 'The afronding task follows'), ...problems(400, 401, 403, 404, 409) },
});

export const withdrawTrajectoryRoute = defineRoute({
  method: 'post',
  path: '/trajectories/{trajectoryId}/withdraw',
  tags: ['trajectories'],
  summary: 'Withdraw the trajectory from any phase (its regisseur or a beheerder): it closes, its task is cancelled, its workflow ends',
  idempotent: true,
  params: z.object({ trajectoryId: Id }),
  body: Withdrawal,
  responses: { 200: json(TrajectorySummaryOut, 'Withdrawn'), ...problems(400, 401, 403, 404, 409) },
});

export const recoverTrajectoryRoute = defineRoute({
  method: 'post',
  path: '/trajectories/{trajectoryId}/recover',
  tags: ['trajectories'],
  summary: 'Restart a failed or stopped workflow in the phase the trajectory is in (beheerder)',
  params: z.object({ trajectoryId: Id }),
  responses: { 202: json(z.object({ executionName: z.string() }), 'A successor execution started'), ...problems(401, 403, 404, 409) },
});

export const listTasksRoute = defineRoute({
  method: 'get',
  path: '/tasks',
  tags: ['tasks'],
  summary: 'Open tasks sorted by due date, a page at a time: a regisseur’s own, or all for the beheerder; the read is audited once, naming the clients shown',
  query: z.strictObject({
    due: z
      .enum(['overdue', 'today', 'week', 'month'])
      .optional()
      .describe('Dutch calendar days: overdue = due before today; today; week = today up to 6 days on; month = today up to the day before the same date next month'),
    from: IsoDate.optional().describe('Due on or after this date'),
    to: IsoDate.optional().describe('Due on or before this date'),
    type: TaskType.optional(),
    zrmDue: z.enum(['true', 'false']).transform((v) => v === 'true').optional().describe('Only tasks that do (true) or do not (false) ask for a ZRM round'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().min(1).max(200).optional().describe('From the previous page'),
  }),
  responses: {
    200: json(z.object({ tasks: z.array(TaskOut), cursor: z.string().optional().describe('Present while more tasks follow') }), 'Open tasks'),
    ...problems(400, 401, 403),
  },
});

export const getTaskRoute = defineRoute({
  method: 'get',
  path: '/tasks/{taskId}',
  tags: ['tasks'],
  summary: 'One task',
  params: z.object({ taskId: z.string().min(1).max(80) }),
  responses: { 200: json(TaskOut, "The task; an open AFRONDING task carries the system's proposal"), ...problems(401, 403, 404) },
});

export const CompletionBody = z
  .union([CompleteKennismaking, CompletePop, CompleteContact, CompleteAfronding])
  .describe('By the task type: KENNISMAKING, POP, CONTACT or AFRONDING');

export const completeTaskRoute = defineRoute({
  method: 'post',
  path: '/tasks/{taskId}/complete',
  tags: ['tasks'],
  summary: 'Complete a task (its regisseur); the workflow moves on',
  idempotent: true,
  params: z.object({ taskId: z.string().min(1).max(80) }),
  // Parsed by the task's type in the use case, so each bad field is named for that type.
  body: z.record(z.string(), z.unknown()),
  documentedBody: CompletionBody,
  responses: {
    200: json(
      z.object({
        taskId: z.string(),
        type: z.string(),
        decision: Decision.optional(),
        proposal: Decision.optional(),
        outcome: Outcome.optional(),
        nextTask: z.object({ taskId: z.string(), type: z.string(), dueAt: z.string() }).optional().describe('The task this completion opened, up to the afronding'),
      }),
      'Completed; the answer names the next task it opened, or for an afronding the proposal and the outcome',
    ),
    ...problems(400, 401, 403, 404, 409),
  },
});

export const listHandoversRoute = defineRoute({
  method: 'get',
  path: '/handovers',
  tags: ['handovers'],
  summary: "The municipality's inbox of handovers (given with consent)",
  responses: { 200: json(z.object({ handovers: z.array(Handover) }), 'Handovers'), ...problems(401, 403) },
});

export const getHandoverRoute = defineRoute({
  method: 'get',
  path: '/handovers/{handoverId}',
  tags: ['handovers'],
  summary: 'One handover dossier',
  params: z.object({ handoverId: Id }),
  responses: { 200: json(Handover, 'The handover'), ...problems(401, 403, 404) },
});

export const acknowledgeHandoverRoute = defineRoute({
  method: 'post',
  path: '/handovers/{handoverId}/acknowledge',
  tags: ['handovers'],
  summary: 'The municipality has taken the client over; the trajectory closes as handed over',
  params: z.object({ handoverId: Id }),
  responses: { 200: json(Handover, 'Acknowledged'), ...problems(401, 403, 404, 409) },
});

export const overviewRoute = defineRoute({
  method: 'get',
  path: '/overview',
  tags: ['beheer'],
  summary: 'The programme at a glance (beheerder): trajectories by phase, failed workflows, overdue tasks, outcomes against the 80% target',
  responses: { 200: { description: 'Counts only; no personal data' }, ...problems(401, 403) },
});

export const advanceClockRoute = defineRoute({
  method: 'post',
  path: '/local/clock',
  tags: ['local'],
  summary: 'Local runtime only: move the virtual clock (beheerder); answers once the workflows have caught up',
  body: z.strictObject({ advanceDays: z.number().int().min(0).max(3650) }),
  responses: { 200: json(z.object({ now: z.string() }), 'The virtual time'), ...problems(400, 401, 403, 409) },
});

export const openApiRoute = defineRoute({
  method: 'get',
  path: '/openapi.json',
  tags: ['meta'],
  summary: 'This document (OpenAPI 3.1)',
  public: true,
  responses: { 200: { description: 'The OpenAPI document' } },
});
