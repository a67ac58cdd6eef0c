/**
 * Signals: barriers and success factors regisseurs meet, personal or structural, for the chain partners.
 */
import * as z from 'zod';
import { Id, IsoDate, NewSignal, Signal, SignalNature, SignalTheme } from '../core/schemas';
import { getSignal, listSignals, recordSignal } from '../core/usecases/signals';
import type { AreaRoutes } from './app';
import { defineRoute, problems, json } from './route';


export const createSignalRoute = defineRoute({
  method: 'post',
  path: '/signals',
  tags: ['signals'],
  summary: 'Record a signal (regisseur or beheerder); on a trajectory only its regisseur or a beheerder; the text must not name the client',
  idempotent: true,
  body: NewSignal,
  responses: { 201: json(Signal, 'Recorded'), ...problems(400, 401, 403) },
});

export const listSignalsRoute = defineRoute({
  method: 'get',
  path: '/signals',
  tags: ['signals'],
  summary: 'Signals, newest first, a page at a time: a regisseur’s own, or all for the beheerder',
  query: z.strictObject({
    theme: SignalTheme.optional(),
    nature: SignalNature.optional(),
    partner: z.string().trim().min(1).max(120).optional().describe('Part of the partner’s name, any case'),
    from: IsoDate.optional().describe('Recorded on or after this Dutch calendar day'),
    to: IsoDate.optional().describe('Recorded on or before this Dutch calendar day'),
    trajectoryId: Id.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().min(1).max(200).optional().describe('From the previous page'),
  }),
  responses: {
    200: json(z.object({ signals: z.array(Signal), cursor: z.string().optional().describe('Present while more signals follow') }), 'Signals'),
    ...problems(400, 401, 403),
  },
});

export const getSignalRoute = defineRoute({
  method: 'get',
  path: '/signals/{signalId}',
  tags: ['signals'],
  summary: 'One signal: a regisseur’s own, or any for the beheerder',
  params: z.object({ signalId: Id }),
  responses: { 200: json(Signal, 'The signal'), ...problems(401, 403, 404) },
});

export function registerSignalRoutes({ deps, handle }: AreaRoutes): void {
  handle(createSignalRoute, async ({ body }, actor) => ({ status: 201, body: await recordSignal(deps, actor, body) }));
  handle(listSignalsRoute, async ({ query }, actor) => ({ status: 200, body: await listSignals(deps, actor, query) }));
  handle(getSignalRoute, async ({ params }, actor) => ({ status: 200, body: await getSignal(deps, actor, params.signalId) }));
}
