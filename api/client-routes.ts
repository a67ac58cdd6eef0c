/**
 * The client beyond registration: contact details and a BSN added later, households, legal deadlines; and the POP's revisions and reviews.
 */
import * as z from 'zod';
import { Client, ClientChange, Deadline, HouseholdChange, Id, NewDeadline, PopReview, PopReviewInput, PopRevision, PopVersion } from '../core/schemas';
import { updateClient } from '../core/usecases/clients';
import { addDeadline, listDeadlines, resolveDeadline } from '../core/usecases/deadlines';
import { setHousehold } from '../core/usecases/households';
import { popHistory, reviewPop, revisePop } from '../core/usecases/pop';
import type { AreaRoutes } from './app';
import { defineRoute, problems, json } from './route';
import { DeadlineOut, deadlineOut } from './views';


const clientParams = z.object({ clientId: Id });
const trajectoryParams = z.object({ trajectoryId: Id });

/** What the API shows of a POP version or review: who recorded it stays in the audit log. */
const PopVersionOut = PopVersion.omit({ recordedBy: true });
const PopReviewOut = PopReview.omit({ recordedBy: true });
const popVersionOut = ({ recordedBy: _by, ...v }: PopVersion): z.infer<typeof PopVersionOut> => v;
const popReviewOut = ({ recordedBy: _by, ...r }: PopReview): z.infer<typeof PopReviewOut> => r;

export const changeClientRoute = defineRoute({
  method: 'patch',
  path: '/clients/{clientId}',
  tags: ['clients'],
  summary:
    "Change a client's contact details, preferred language, interpreter, or add a BSN (beheerder, or the client's regisseur); correcting a recorded BSN is the beheerder's. Audited.",
  params: clientParams,
  body: ClientChange,
  responses: { 200: json(Client, 'The client as changed'), ...problems(400, 401, 403, 404, 409) },
});

export const setHouseholdRoute = defineRoute({
  method: 'put',
  path: '/clients/{clientId}/household',
  tags: ['clients'],
  summary: "Put the client in a household (another member's householdId, or a new one), or in none with null (beheerder)",
  params: clientParams,
  body: HouseholdChange,
  responses: { 200: json(z.object({ clientId: z.string(), householdId: z.string().optional() }), 'The client’s household'), ...problems(400, 401, 403, 404, 409) },
});

export const addDeadlineRoute = defineRoute({
  method: 'post',
  path: '/clients/{clientId}/deadlines',
  tags: ['clients'],
  summary: "Record a legal deadline of the client: residence permit expiry, end of the inburgering term, an exemption window, or another with a label (beheerder, or the client's regisseur)",
  idempotent: true,
  params: clientParams,
  body: NewDeadline,
  responses: { 201: json(DeadlineOut, 'Recorded'), ...problems(400, 401, 403, 404, 409) },
});

export const listDeadlinesRoute = defineRoute({
  method: 'get',
  path: '/clients/{clientId}/deadlines',
  tags: ['clients'],
  summary: "The client's legal deadlines, open and resolved, by date (beheerder, or the client's regisseur); the read is audited",
  params: clientParams,
  responses: { 200: json(z.object({ deadlines: z.array(DeadlineOut) }), 'Deadlines'), ...problems(401, 403, 404) },
});

export const resolveDeadlineRoute = defineRoute({
  method: 'post',
  path: '/clients/{clientId}/deadlines/{deadlineId}/resolve',
  tags: ['clients'],
  summary: 'Mark a deadline dealt with or no longer relevant: it leaves the trajectory view and gets no reminders (once; a repeat answers it as it is)',
  params: z.object({ clientId: Id, deadlineId: Id }),
  responses: { 200: json(DeadlineOut, 'The deadline, resolved'), ...problems(401, 403, 404, 409) },
});

export const revisePopRoute = defineRoute({
  method: 'put',
  path: '/trajectories/{trajectoryId}/pop',
  tags: ['trajectories'],
  summary:
    'A new version of the POP (the trajectory’s regisseur, from the begeleiding on): goals per domain and for inburgering, ideas not yet concrete. Earlier versions stay readable; the same content again changes nothing.',
  params: trajectoryParams,
  body: PopRevision,
  responses: { 200: json(PopVersionOut, 'The POP version in force'), ...problems(400, 401, 403, 404, 409) },
});

export const reviewPopRoute = defineRoute({
  method: 'post',
  path: '/trajectories/{trajectoryId}/pop/reviews',
  tags: ['trajectories'],
  summary: 'Record a follow-up of the POP: when, where, what was achieved, what changes; new goals make a new POP version (the trajectory’s regisseur)',
  idempotent: true,
  params: trajectoryParams,
  body: PopReviewInput,
  responses: {
    201: json(z.object({ review: PopReviewOut, popVersion: PopVersionOut.optional() }), 'Recorded, with the new POP version if it added goals'),
    ...problems(400, 401, 403, 404, 409),
  },
});

export const popHistoryRoute = defineRoute({
  method: 'get',
  path: '/trajectories/{trajectoryId}/pop',
  tags: ['trajectories'],
  summary: 'Every version of the POP and every review, oldest first (its regisseur, or a beheerder); the read is audited',
  params: trajectoryParams,
  responses: {
    200: json(
      z.object({ trajectoryId: z.string(), current: z.number().optional(), versions: z.array(PopVersionOut), reviews: z.array(PopReviewOut) }),
      'The POP’s history',
    ),
    ...problems(401, 403, 404),
  },
});

export function registerClientRoutes({ deps, handle }: AreaRoutes): void {
  handle(changeClientRoute, async ({ params, body }, actor) => ({ status: 200, body: await updateClient(deps, actor, params.clientId, body) }));
  handle(setHouseholdRoute, async ({ params, body }, actor) => {
    const client = await setHousehold(deps, actor, params.clientId, body.householdId);
    return { status: 200, body: { clientId: client.clientId, ...(client.householdId ? { householdId: client.householdId } : {}) } };
  });
  handle(addDeadlineRoute, async ({ params, body }, actor) => ({
    status: 201,
    body: deadlineOut(await addDeadline(deps, actor, params.clientId, body)),
  }));
  handle(listDeadlinesRoute, async ({ params }, actor) => ({
    status: 200,
    body: { deadlines: (await listDeadlines(deps, actor, params.clientId)).map((d: Deadline) => deadlineOut(d)) },
  }));
  handle(resolveDeadlineRoute, async ({ params }, actor) => ({
    status: 200,
    body: deadlineOut(await resolveDeadline(deps, actor, params.clientId, params.deadlineId)),
  }));
  handle(revisePopRoute, async ({ params, body }, actor) => ({ status: 200, body: popVersionOut(await revisePop(deps, actor, params.trajectoryId, body)) }));
  handle(reviewPopRoute, async ({ params, body }, actor) => {
    const { review, popVersion } = await reviewPop(deps, actor, params.trajectoryId, body);
    return { status: 201, body: { review: popReviewOut(review), ...(popVersion ? { popVersion: popVersionOut(popVersion) } : {}) } };
  });
  handle(popHistoryRoute, async ({ params }, actor) => {
    const history = await popHistory(deps, actor, params.trajectoryId);
    return {
      status: 200,
      body: {
        trajectoryId: history.trajectoryId,
        ...(history.current !== undefined ? { current: history.current } : {}),
        versions: history.versions.map(popVersionOut),
        reviews: history.reviews.map(popReviewOut),
      },
    };
  });
}
