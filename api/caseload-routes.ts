/**
 * Changes a regisseur makes to the plan between the workflow's tasks: a missed contact, an extra
 * contact, a rescheduled task (the reassignment is PATCH /trajectories/{id}, in routes.ts). Each
 * re-plans the open wait through the aggregate (core/usecases/caseload.ts) and is audited.
 */
import * as z from 'zod';
import { ExtraContactInput, Id, MissedContactInput, RescheduleInput } from '../core/schemas';
import { recordExtraContact, recordMissedContact, rescheduleTask } from '../core/usecases/caseload';
import type { AreaRoutes } from './app';
import { defineRoute, problems, json } from './route';
import { TaskOut, TrajectorySummaryOut, taskOut, trajectorySummary } from './views';


const taskParams = z.object({ taskId: z.string().min(1).max(80) });

export const missedContactRoute = defineRoute({
  method: 'post',
  path: '/tasks/{taskId}/missed',
  tags: ['tasks'],
  summary:
    'The open contact did not take place (its regisseur): recorded, and the same task is due again two weeks after `on` (a deployment setting); three in a row alert the beheerders',
  idempotent: true,
  params: taskParams,
  body: MissedContactInput,
  responses: {
    200: json(
      z.object({
        missedInARow: z.number().int().min(1).describe('Contacts missed since the last contact held'),
        task: TaskOut.describe('The task as it stands: due again, or cancelled when the afronding comes first'),
        trajectory: TrajectorySummaryOut,
      }),
      'Recorded',
    ),
    ...problems(400, 401, 403, 404, 409),
  },
});

export const extraContactRoute = defineRoute({
  method: 'post',
  path: '/trajectories/{trajectoryId}/contacts',
  tags: ['trajectories'],
  summary:
    'Record a contact the plan did not ask for (its regisseur, from the begeleiding on): it counts as the last contact and the open contact is planned from it',
  idempotent: true,
  params: z.object({ trajectoryId: Id }),
  body: ExtraContactInput,
  responses: {
    201: json(z.object({ contactId: z.string(), trajectory: TrajectorySummaryOut }), 'Recorded; the open contact re-planned'),
    ...problems(400, 401, 403, 404, 409),
  },
});

export const rescheduleTaskRoute = defineRoute({
  method: 'patch',
  path: '/tasks/{taskId}',
  tags: ['tasks'],
  summary: 'Move an open task to another due date, with a reason (its regisseur): not before today, a contact before the afronding; the escalation follows',
  params: taskParams,
  body: RescheduleInput,
  responses: { 200: json(TaskOut, 'The task with its new due and escalation dates'), ...problems(400, 401, 403, 404, 409) },
});

export function registerCaseloadRoutes({ deps, handle }: AreaRoutes): void {
  const now = () => deps.clock.now();
  handle(missedContactRoute, async ({ params, body }, actor) => {
    const missed = await recordMissedContact(deps, actor, params.taskId, body);
    return {
      status: 200,
      body: { missedInARow: missed.missedInARow, task: taskOut(missed.task, now()), trajectory: trajectorySummary(missed.trajectory, now()) },
    };
  });
  handle(extraContactRoute, async ({ params, body }, actor) => {
    const extra = await recordExtraContact(deps, actor, params.trajectoryId, body);
    return { status: 201, body: { contactId: extra.contactId, trajectory: trajectorySummary(extra.trajectory, now()) } };
  });
  handle(rescheduleTaskRoute, async ({ params, body }, actor) => ({
    status: 200,
    body: taskOut(await rescheduleTask(deps, actor, params.taskId, body), now()),
  }));
}
