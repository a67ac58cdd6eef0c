/**
 * The API's routes as OpenAPI definitions (zod): the document at /openapi.json is generated
 * from these, and requests are validated by them.
 */
import { createRoute } from '@hono/zod-openapi';
import * as z from 'zod';
import {
  CompleteAfronding,
  CompleteContact,
  CompleteKennismaking,
  CompletePop,
  Handover,
  Id,
  NewClient,
  Notification,
  Phase,
  Client,
} from '../core/schemas';
import { TaskOut, TrajectoryOut, TrajectorySummaryOut } from './views';

const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  detail: z.string(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});
const problems = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [code, { description: 'A problem (RFC 9457)', content: { 'application/problem+json': { schema: Problem } } }]),
  );
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const body = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });
const security = [{ Bearer: [] }];
const IdempotencyHeader = z.object({
  'idempotency-key': z.string().min(8).max(128).optional().describe('Repeating a request with the same key has one effect'),
});

export const registerClientRoute = createRoute({
  method: 'post',
  path: '/clients',
  tags: ['clients'],
  summary: 'Register a client (beheerder)',
  security,
  request: { headers: IdempotencyHeader, body: body(NewClient) },
  responses: { 201: json(z.object({ clientId: z.string() }), 'Registered'), ...problems(400, 401, 403, 409) },
});

export const listClientsRoute = createRoute({
  method: 'get',
  path: '/clients',
  tags: ['clients'],
  summary: 'All clients (beheerder); the read is audited',
  security,
  responses: { 200: json(z.object({ clients: z.array(Client) }), 'Clients'), ...problems(401, 403) },
});

export const getClientRoute = createRoute({
  method: 'get',
  path: '/clients/{clientId}',
  tags: ['clients'],
  summary: "A client's personal data (beheerder, or the client's regisseur); the read is audited",
  security,
  request: { params: z.object({ clientId: Id }) },
  responses: { 200: json(Client, 'The client'), ...problems(401, 403, 404) },
});

export const clientAuditRoute = createRoute({
  method: 'get',
  path: '/clients/{clientId}/audit',
  tags: ['clients'],
  summary: 'Who read or changed this client’s data, and when (beheerder)',
  security,
  request: { params: z.object({ clientId: Id }) },
  responses: {
    200: json(z.object({ entries: z.array(z.object({ at: z.string(), actorId: z.string(), actorRole: z.string(), action: z.string(), detail: z.string() })) }), 'Audit entries, oldest first'),
    ...problems(401, 403, 404),
  },
});

export const startTrajectoryRoute = createRoute({
  method: 'post',
  path: '/trajectories',
  tags: ['trajectories'],
  summary: 'Start a trajectory for a client (beheerder); starts its workflow',
  security,
  request: {
    headers: IdempotencyHeader,
    body: body(
      z.strictObject({
        clientId: Id,
        regisseurId: z.string().min(1).max(128),
        intervalMonths: z.number().int().min(1).max(12).optional().describe('Own contact interval, overriding 1 then 2 months'),
      }),
    ),
  },
  responses: { 201: json(z.object({ trajectoryId: z.string() }), 'Started'), ...problems(400, 401, 403, 409) },
});

export const listTrajectoriesRoute = createRoute({
  method: 'get',
  path: '/trajectories',
  tags: ['trajectories'],
  summary: 'Trajectories: a regisseur’s own, or all for the beheerder',
  security,
  request: { query: z.object({ phase: Phase.optional() }) },
  responses: { 200: json(z.object({ trajectories: z.array(TrajectorySummaryOut) }), 'Trajectories'), ...problems(400, 401, 403) },
});

export const getTrajectoryRoute = createRoute({
  method: 'get',
  path: '/trajectories/{trajectoryId}',
  tags: ['trajectories'],
  summary: 'One trajectory with its task, ZRM rounds, POP, contacts, outcome and workflow',
  security,
  request: { params: z.object({ trajectoryId: Id }) },
  responses: { 200: json(TrajectoryOut, 'The trajectory'), ...problems(401, 403, 404) },
});

export const requestAfrondingRoute = createRoute({
  method: 'post',
  path: '/trajectories/{trajectoryId}/afronding',
  tags: ['trajectories'],
  summary: 'Ask for the afronding now (the client is self-sufficient, or the programme ends early)',
  security,
  request: { params: z.object({ trajectoryId: Id }) },
  responses: { 202: json(z.object({ trajectoryId: z.string() }), 'The afronding task follows'), ...problems(401, 403, 404, 409) },
});

export const recoverTrajectoryRoute = createRoute({
  method: 'post',
  path: '/trajectories/{trajectoryId}/recover',
  tags: ['trajectories'],
  summary: 'Restart a failed or stopped workflow in the phase the trajectory is in (beheerder)',
  security,
  request: { params: z.object({ trajectoryId: Id }) },
  responses: { 202: json(z.object({ executionName: z.string() }), 'A successor execution started'), ...problems(401, 403, 404, 409) },
});

export const listTasksRoute = createRoute({
  method: 'get',
  path: '/tasks',
  tags: ['tasks'],
  summary: 'Open tasks sorted by due date: a regisseur’s own, or all for the beheerder',
  security,
  responses: { 200: json(z.object({ tasks: z.array(TaskOut) }), 'Open tasks'), ...problems(401, 403) },
});

export const getTaskRoute = createRoute({
  method: 'get',
  path: '/tasks/{taskId}',
  tags: ['tasks'],
  summary: 'One task',
  security,
  request: { params: z.object({ taskId: z.string().min(1).max(80) }) },
  responses: { 200: json(TaskOut, 'The task'), ...problems(401, 403, 404) },
});

export const CompletionBody = z
  .union([CompleteKennismaking, CompletePop, CompleteContact, CompleteAfronding])
  .describe('By the task type: KENNISMAKING, POP, CONTACT or AFRONDING');

export const completeTaskRoute = createRoute({
  method: 'post',
  path: '/tasks/{taskId}/complete',
  tags: ['tasks'],
  summary: 'Complete a task (its regisseur); the workflow moves on',
  security,
  request: {
    params: z.object({ taskId: z.string().min(1).max(80) }),
    headers: IdempotencyHeader,
    body: body(z.looseObject({}).describe(CompletionBody.description ?? '')),
  },
  responses: {
    200: json(z.object({ taskId: z.string(), type: z.string(), decision: z.string().optional() }), 'Completed'),
    ...problems(400, 401, 403, 404, 409),
  },
});

export const listHandoversRoute = createRoute({
  method: 'get',
  path: '/handovers',
  tags: ['handovers'],
  summary: "The municipality's inbox of handovers (given with consent)",
  security,
  responses: { 200: json(z.object({ handovers: z.array(Handover) }), 'Handovers'), ...problems(401, 403) },
});

export const getHandoverRoute = createRoute({
  method: 'get',
  path: '/handovers/{handoverId}',
  tags: ['handovers'],
  summary: 'One handover dossier',
  security,
  request: { params: z.object({ handoverId: Id }) },
  responses: { 200: json(Handover, 'The handover'), ...problems(401, 403, 404) },
});

export const acknowledgeHandoverRoute = createRoute({
  method: 'post',
  path: '/handovers/{handoverId}/acknowledge',
  tags: ['handovers'],
  summary: 'The municipality has taken the client over; the trajectory closes as handed over',
  security,
  request: { params: z.object({ handoverId: Id }) },
  responses: { 200: json(Handover, 'Acknowledged'), ...problems(401, 403, 404, 409) },
});

export const listNotificationsRoute = createRoute({
  method: 'get',
  path: '/notifications',
  tags: ['beheer'],
  summary: 'Escalations of overdue tasks (beheerder)',
  security,
  responses: { 200: json(z.object({ notifications: z.array(Notification) }), 'Notifications'), ...problems(401, 403) },
});

export const advanceClockRoute = createRoute({
  method: 'post',
  path: '/local/clock',
  tags: ['local'],
  summary: 'Local runtime only: move the virtual clock (beheerder); answers once the workflows have caught up',
  security,
  request: { body: body(z.strictObject({ advanceDays: z.number().int().min(0).max(3650) })) },
  responses: { 200: json(z.object({ now: z.string() }), 'The virtual time'), ...problems(400, 401, 403, 409) },
});
