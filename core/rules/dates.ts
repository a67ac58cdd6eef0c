/**
 * Calendar arithmetic on ISO dates (YYYY-MM-DD), in UTC, without a clock.
 */
const DAY_MS = 86_400_000;

export function toDate(iso: string): Date {
  return new Date(`${iso.slice(0, 10)}T00:00:00.000Z`);
}

export function toIsoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Adds calendar months; a day that does not exist in the target month becomes its last day. */
export function addMonths(iso: string, months: number): string {
  const d = toDate(iso);
  const day = d.getUTCDate();
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return toIsoDate(target);
}

export function addDays(iso: string, days: number): string {
  return toIsoDate(new Date(toDate(iso).getTime() + days * DAY_MS));
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((toDate(to).getTime() - toDate(from).getTime()) / DAY_MS);
}

export function isValidIsoDate(iso: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return false;
  const d = toDate(iso);
  return !Number.isNaN(d.getTime()) && toIsoDate(d) === iso;
}

/** One deployment serves one Dutch municipality: its calendar day is the one in the Netherlands. */
export const TIME_ZONE = 'Europe/Amsterdam';
const dayInTimeZone = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar date (YYYY-MM-DD) in the Netherlands at an instant. */
export function today(now: Date): string {
  return dayInTimeZone.format(now);
}
