/**
 * Signals (§10, §7.4): barriers and success factors regisseurs meet in the integration chain,
 * personal or structural, with their advice, for the chain partners and the twice-yearly report.
 * A signal is about the chain, not about the client: it carries no personal data, and may name
 * the trajectory where it was met (only that trajectory's regisseur or a beheerder may).
 */
import { NotFoundError, ValidationError, type FieldProblem } from '../errors';
import type { Deps } from '../ports';
import { isValidBsn } from '../rules/bsn';
import { addDays } from '../rules/dates';
import type { Actor, NewSignal, Signal } from '../schemas';
import { startOfDutchDay } from '../trajectory/deadlines';
import { requireRole } from './access';

const FREE_TEXT = ['description', 'advice', 'partner'] as const;

/** A word of a name as a whole word, in any case (letters on either side make another word). */
function names(text: string, word: string): boolean {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}])${escaped}($|[^\\p{L}])`, 'iu').test(text);
}

/**
 * The free text must not hold the client's personal data: no BSN (any 8–9 digits that pass the
 * elfproef), and, for a signal on a trajectory, not the client's first or last name.
 */
function personalData(input: NewSignal, client: { firstName: string; lastName: string } | undefined): FieldProblem[] {
  const words = client ? `${client.firstName} ${client.lastName}`.split(/\s+/).filter((w) => w.length >= 2) : [];
  return FREE_TEXT.flatMap((field) => {
    const text = input[field];
    if ((text.match(/\d{8,9}/g) ?? []).some((digits) => isValidBsn(digits))) {
      return [{ field, message: 'must not hold a BSN: a signal carries no personal data' }];
    }
    if (words.some((w) => names(text, w))) return [{ field, message: "must not name the client: a signal carries no personal data" }];
    return [];
  });
}

export async function recordSignal(deps: Deps, actor: Actor, input: NewSignal): Promise<Signal> {
  requireRole(actor, 'regisseur', 'beheerder');
  let client: { firstName: string; lastName: string } | undefined;
  if (input.trajectoryId !== undefined) {
    const trajectory = await deps.store.getTrajectory(input.trajectoryId);
    // Another regisseur's trajectory answers like an unknown one: its existence is not revealed.
    if (!trajectory || (actor.role === 'regisseur' && trajectory.regisseurId !== actor.userId)) {
      throw new ValidationError('No such trajectory of yours', [{ field: 'trajectoryId', message: 'is not a trajectory you may attach a signal to' }]);
    }
    client = await deps.store.getClient(trajectory.clientId);
  }
  const problems = personalData(input, client);
  if (problems.length > 0) throw new ValidationError('A signal carries no personal data', problems);
  const signal: Signal = {
    ...input,
    signalId: deps.ids.next(),
    createdAt: deps.clock.now().toISOString(),
    createdBy: actor.userId,
    createdByRole: actor.role,
  };
  await deps.signals.put(signal);
  return signal;
}

export interface SignalFilter {
  theme?: Signal['theme'];
  nature?: Signal['nature'];
  /** Part of the partner's name, any case. */
  partner?: string;
  /** Recorded on or after / on or before these Dutch calendar days. */
  from?: string;
  to?: string;
  trajectoryId?: string;
  limit?: number;
  cursor?: string;
}

export const DEFAULT_SIGNAL_PAGE = 50;
export const MAX_SIGNAL_PAGE = 200;
const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)~([A-Za-z0-9_-]+)$/;

/** Newest first, a page at a time: a regisseur's own, or all for the beheerder. */
export async function listSignals(deps: Deps, actor: Actor, filter: SignalFilter = {}): Promise<{ signals: Signal[]; cursor?: string }> {
  requireRole(actor, 'regisseur', 'beheerder');
  const limit = filter.limit ?? DEFAULT_SIGNAL_PAGE;
  const cursor = filter.cursor !== undefined ? CURSOR.exec(filter.cursor) : undefined;
  const problems: FieldProblem[] = [
    ...(!Number.isInteger(limit) || limit < 1 || limit > MAX_SIGNAL_PAGE ? [{ field: 'limit', message: `must be a whole number from 1 to ${MAX_SIGNAL_PAGE}` }] : []),
    ...(filter.from !== undefined && filter.to !== undefined && filter.from > filter.to ? [{ field: 'from', message: `must not be after to (${filter.to})` }] : []),
    ...(cursor === null ? [{ field: 'cursor', message: 'is not a cursor this list gave out' }] : []),
  ];
  if (problems.length > 0) throw new ValidationError('The query has bad fields', problems);
  const page = await deps.signals.list({
    ...(actor.role === 'regisseur' ? { createdBy: actor.userId } : {}),
    ...(filter.theme !== undefined ? { theme: filter.theme } : {}),
    ...(filter.nature !== undefined ? { nature: filter.nature } : {}),
    ...(filter.partner !== undefined ? { partner: filter.partner } : {}),
    ...(filter.trajectoryId !== undefined ? { trajectoryId: filter.trajectoryId } : {}),
    ...(filter.from !== undefined ? { from: startOfDutchDay(filter.from).toISOString() } : {}),
    ...(filter.to !== undefined ? { to: startOfDutchDay(addDays(filter.to, 1)).toISOString() } : {}),
    limit,
    ...(cursor ? { after: `${cursor[1]}#${cursor[2]}` } : {}),
  });
  const last = page.items.at(-1);
  return { signals: page.items, ...(page.more && last ? { cursor: `${last.createdAt}~${last.signalId}` } : {}) };
}

/** One signal: a regisseur's own (another's answers 404), any for the beheerder. */
export async function getSignal(deps: Deps, actor: Actor, signalId: string): Promise<Signal> {
  requireRole(actor, 'regisseur', 'beheerder');
  const signal = await deps.signals.get(signalId);
  if (!signal || (actor.role === 'regisseur' && signal.createdBy !== actor.userId)) throw new NotFoundError(`No signal ${signalId}`);
  return signal;
}
