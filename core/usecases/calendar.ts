/**
 * A user's calendar: the secret key of their feed (made, rotated), the feed itself (RFC 5545)
 * and the same agenda as JSON. Both views come from one projection (core/trajectory/agenda.ts),
 * so they cannot disagree.
 *
 * The key is `<userId>.<32 random bytes, base64url>`: the feed finds its user with one read and
 * compares the sha256 of the key given with the one stored on the user, in constant time. Only
 * the hash is stored; the key is shown once, when made. Any key that does not open a feed
 * (missing, malformed, unknown, replaced, of an inactive or absent user) is the same "not
 * found": the URL is the credential, and which part was wrong is not told.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ConcurrentUpdateError, ForbiddenError, NotFoundError } from '../errors';
import type { Deps, Settings } from '../ports';
import { today } from '../rules/dates';
import type { Actor, Role, Trajectory, User } from '../schemas';
import { agendaUntil, buildAgenda, feedUntil, FORESEEING_PHASES, type AgendaItem } from '../trajectory/agenda';
import { startOfDutchDay } from '../trajectory/deadlines';
import { requireRole } from './access';

const KEY_BYTES = 32;
const MAX_KEY_LENGTH = 200;
const SAVE_ATTEMPTS = 5;

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** The message of every key that opens no feed: the same whatever was wrong. */
const noFeed = () => new NotFoundError('No calendar here');

/**
 * Makes a new key for the signed-in user's feed and stores its hash (a conditional save on the
 * user's version; a concurrent change of the record is loaded and applied again). Any earlier
 * key stops working. The answer is the only place the key ever appears.
 */
export async function rotateCalendarKey(deps: Deps, actor: Actor): Promise<{ key: string }> {
  const key = `${actor.userId}.${randomBytes(KEY_BYTES).toString('base64url')}`;
  const calendarKeyHash = sha256(key).toString('hex');
  for (let attempt = 1; ; attempt++) {
    const user = await deps.users.getUser(actor.userId);
    if (!user) throw new NotFoundError(`You (${actor.userId}) are not in the directory`);
    if (!user.active) throw new ForbiddenError('Your account is not active');
    const next: User = { ...user, calendarKeyHash, updatedAt: deps.clock.now().toISOString(), version: user.version + 1 };
    try {
      await deps.users.saveUser(next, user.version);
      return { key };
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError) || attempt >= SAVE_ATTEMPTS) throw error;
    }
  }
}

/** The active user whose key this is, or "not found". */
async function userOfKey(deps: Deps, key: string | undefined): Promise<User> {
  if (!key || key.length > MAX_KEY_LENGTH) throw noFeed();
  const dot = key.indexOf('.');
  const userId = key.slice(0, dot);
  if (dot < 1 || !/^[A-Za-z0-9_-]{1,64}$/.test(userId)) throw noFeed();
  const user = await deps.users.getUser(userId);
  const stored = user?.calendarKeyHash ? Buffer.from(user.calendarKeyHash, 'hex') : undefined;
  const given = sha256(key);
  const matches = stored !== undefined && stored.length === given.length && timingSafeEqual(stored, given);
  if (!user || !matches || !user.active) throw noFeed();
  return user;
}

/** The open tasks of a user are those assigned to them; the municipality's are the team's (as GET /tasks lists them). */
function assigneeOf(user: { userId: string; role: Role }): { role: Role; id: string } {
  return { role: user.role, id: user.role === 'gemeente' ? 'gemeente' : user.userId };
}

/**
 * The projection for one user up to `until`: their open tasks and, for a regisseur, the meetings
 * foreseen in their trajectories (each read in full, in parallel). A beheerder has no tasks of
 * their own. No client's data is read, so nothing is audited.
 */
async function agendaOf(deps: Deps, user: { userId: string; role: Role }, until: (day: string) => string): Promise<AgendaItem[]> {
  if (user.role === 'beheerder') return [];
  const day = today(deps.clock.now());
  const assignee = assigneeOf(user);
  const [tasks, summaries] = await Promise.all([
    deps.store.listOpenTasks({ assignee }),
    user.role === 'regisseur' ? deps.store.listTrajectories({ regisseurId: user.userId }) : Promise.resolve([]),
  ]);
  const foreseeing = summaries.filter((s) => s.status === 'active' && FORESEEING_PHASES.has(s.phase));
  const trajectories = (await Promise.all(foreseeing.map((s) => deps.store.getTrajectory(s.trajectoryId)))).filter(
    (t): t is Trajectory => t !== undefined && t.regisseurId === user.userId,
  );
  return buildAgenda({ assignee, tasks, trajectories, today: day, until: until(day) });
}

/** GET /me/agenda: a regisseur's open tasks and the meetings foreseen in the next `weeks` weeks. */
export async function agenda(deps: Deps, actor: Actor, weeks: number): Promise<AgendaItem[]> {
  requireRole(actor, 'regisseur');
  return agendaOf(deps, actor, (day) => agendaUntil(day, weeks));
}

/** GET /me/calendar.ics: the feed of the key's user (tasks, and the next three months foreseen), as iCalendar text. */
export async function calendarFeed(deps: Deps, key: string | undefined): Promise<string> {
  const user = await userOfKey(deps, key);
  const items = await agendaOf(deps, user, feedUntil);
  return renderCalendar(items, { settings: deps.settings, today: today(deps.clock.now()) });
}

const ZRM_TEXT: Partial<Record<AgendaItem['type'], string>> = {
  POP: 'ZRM: de beginmeting hoort bij dit gesprek.',
  CONTACT: 'ZRM: een tussenmeting valt in dit contactmoment.',
  AFRONDING: 'ZRM: de eindmeting, dan het besluit (afsluiten of overdragen).',
};

const dutchDate = (iso: string) => `${iso.slice(8, 10)}-${iso.slice(5, 7)}-${iso.slice(0, 4)}`;

function description(item: AgendaItem, settings: Settings): string {
  const lines =
    item.kind === 'task'
      ? [item.overdue ? `Open taak, te laat: was uiterlijk ${dutchDate(item.dueAt)}.` : `Open taak, uiterlijk ${dutchDate(item.dueAt)}.`]
      : ['Verwacht volgens het plan (nog geen taak), als de gesprekken ervoor op hun datum plaatsvinden.'];
  const zrm = item.zrmDue ? ZRM_TEXT[item.type] : undefined;
  if (zrm) lines.push(zrm);
  lines.push(`Traject ${item.reference}.`);
  if (item.taskId) lines.push(`Taak: ${taskUrl(item.taskId, settings)}`);
  return lines.join('\n');
}

const taskUrl = (taskId: string, settings: Settings) => `${settings.appBaseUrl}/tasks/${encodeURIComponent(taskId)}`;

/**
 * The agenda as an iCalendar feed: one all-day event per item on its due date (DTEND the day
 * after), titled with the task type in Dutch and the trajectory's reference, its UID the item's
 * event id, so a poll that finds the same meeting finds the same event. The text depends only on
 * the items and the day (DTSTAMP is 00:00 Amsterdam time today), so an unchanged agenda gives
 * the same bytes and the same ETag. ical-generator is loaded on the first feed only.
 */
export async function renderCalendar(items: AgendaItem[], ctx: { settings: Settings; today: string }): Promise<string> {
  const { default: ical, ICalEventStatus, ICalEventTransparency } = await import('ical-generator');
  const stamp = startOfDutchDay(ctx.today);
  const calendar = ical({
    name: 'Trajectregie',
    description: 'Open taken en de gesprekken die het plan verwacht',
    prodId: { company: 'trajectregie', product: 'agenda', language: 'NL' },
    ttl: 60 * 60,
  });
  for (const item of items) {
    calendar.createEvent({
      id: `${item.eventId}@trajectregie`,
      allDay: true,
      start: new Date(`${item.dueAt}T00:00:00.000Z`),
      end: new Date(Date.parse(`${item.dueAt}T00:00:00.000Z`) + 86_400_000),
      stamp,
      summary: item.title,
      description: description(item, ctx.settings),
      status: item.kind === 'task' ? ICalEventStatus.CONFIRMED : ICalEventStatus.TENTATIVE,
      transparency: ICalEventTransparency.TRANSPARENT,
      ...(item.taskId ? { url: taskUrl(item.taskId, ctx.settings) } : {}),
    });
  }
  return calendar.toString();
}
