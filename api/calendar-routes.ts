/**
 * A user's calendar feed (/me/calendar.ics, with its secret key) and the key's rotation, and
 * a regisseur's agenda (/me/agenda): the same projection (core/trajectory/agenda.ts) as
 * iCalendar and as JSON.
 *
 * The feed is public (calendar apps send no token): its key is the credential, so every key that
 * opens nothing answers the same 404. The key is in the query string; nothing here logs it (the
 * access logs on AWS record the route key, not the query).
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { TaskType } from '../core/schemas';
import { AGENDA_WEEKS } from '../core/trajectory/agenda';
import { agenda, calendarFeed, rotateCalendarKey } from '../core/usecases/calendar';
import type { AreaRoutes } from './app';
import { defineRoute, problems } from './route';


export const FEED_PATH = '/me/calendar.ics';

export const AgendaItemOut = z.object({
  kind: z.enum(['task', 'foreseen']).describe('task: open now; foreseen: what the plan opens next if every meeting before it is held on its due date'),
  type: TaskType,
  title: z.string().describe('The task type in Dutch and the trajectory reference; never a client name'),
  dueAt: z.string().meta({ format: 'date' }),
  zrmDue: z.boolean(),
  overdue: z.boolean(),
  trajectoryId: z.string(),
  reference: z.string().describe('TR- and the last six characters of the trajectory id'),
  taskId: z.string().optional().describe('The open task (kind task)'),
  eventId: z.string().describe('The same for the same meeting at every read; the calendar event’s UID'),
});

export const rotateCalendarKeyRoute = defineRoute({
  method: 'post',
  path: '/me/calendar-key',
  tags: ['calendar'],
  summary: 'Make a new secret key for your calendar feed (shown once); the old key stops working',
  responses: {
    201: {
      description: 'The feed’s address with its key; only its hash is stored, so keep it',
      schema: z.object({ url: z.url(), key: z.string() }),
    },
    ...problems(401, 403, 404, 409),
  },
});

export const calendarFeedRoute = defineRoute({
  method: 'get',
  path: FEED_PATH,
  tags: ['calendar'],
  summary:
    'Your calendar (text/calendar, RFC 5545): open tasks and, for a regisseur, the meetings foreseen in the next 3 months; all-day events without client names. No token: the key is the credential',
  public: true,
  query: z.strictObject({ key: z.string().optional().describe('The key from POST /me/calendar-key') }),
  responses: {
    200: { description: 'The feed (text/calendar; charset=utf-8), with a strong ETag' },
    304: { description: 'Not modified (If-None-Match named the current ETag)' },
    ...problems(400, 404),
  },
});

export const agendaRoute = defineRoute({
  method: 'get',
  path: '/me/agenda',
  tags: ['calendar'],
  summary: 'Your open tasks and the meetings the plan foresees in the next weeks (regisseur); the calendar feed as JSON',
  query: z.strictObject({
    weeks: z.coerce
      .number()
      .int()
      .min(AGENDA_WEEKS.min)
      .max(AGENDA_WEEKS.max)
      .default(AGENDA_WEEKS.default)
      .describe(`How far ahead to foresee meetings, in weeks (${AGENDA_WEEKS.min}–${AGENDA_WEEKS.max}, default ${AGENDA_WEEKS.default}); open tasks are shown whatever their date`),
  }),
  responses: { 200: { description: 'The agenda, by date', schema: z.object({ items: z.array(AgendaItemOut) }) }, ...problems(400, 401, 403) },
});

/** A strong validator of the body: the same bytes, the same ETag. */
const etagOf = (body: string) => `"${createHash('sha256').update(body, 'utf8').digest('base64url')}"`;

/** If-None-Match names this ETag (or any): weak comparison, as RFC 9110 asks for If-None-Match. */
function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}

/**
 * Calendar apps poll: the client may keep the feed but must ask again each time (no-cache, and
 * the ETag makes an unchanged feed a 304); `private` keeps it out of shared caches, as the URL
 * is a credential and the feed a regisseur's workload.
 */
const FEED_HEADERS = { 'cache-control': 'private, no-cache', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };

export function registerCalendarRoutes({ deps, handle, handlePublic }: AreaRoutes): void {
  handle(rotateCalendarKeyRoute, async (_, actor, c) => {
    const { key } = await rotateCalendarKey(deps, actor);
    const url = new URL(FEED_PATH, c.req.url);
    url.searchParams.set('key', key);
    return { status: 201, body: { url: url.href, key } };
  });

  handlePublic(calendarFeedRoute, async ({ query }, c) => {
    const body = await calendarFeed(deps, query.key);
    const etag = etagOf(body);
    if (notModified(c.req.header('if-none-match'), etag)) {
      return { raw: new Response(null, { status: 304, headers: { etag, ...FEED_HEADERS } }) };
    }
    return {
      raw: new Response(body, {
        status: 200,
        headers: {
          'content-type': 'text/calendar; charset=utf-8',
          'content-disposition': 'inline; filename="trajectregie.ics"',
          etag,
          ...FEED_HEADERS,
        },
      }),
    };
  });

  handle(agendaRoute, async ({ query }, actor) => ({ status: 200, body: { items: await agenda(deps, actor, query.weeks) } }));
}
