/**
 * What a notification mail says: the one place for its Dutch texts (pure, no I/O).
 *
 * A mail leaves our system, so it carries only what NotificationFacts holds: the kind of
 * reminder, the task type, its dates, the client's initials (clientInitials), the trajectory's
 * short reference (trajectoryRef), the link and the recipient's own name. Never a full name, a
 * BSN or a ZRM score: the facts have no field for them, and the renderer refuses initials or a
 * reference that do not look like one (they become "?"), and masks a run of nine or more digits
 * in the recipient's name. Every value is escaped in the HTML part; the plain-text part says the
 * same, line by line.
 */
import { isValidIsoDate, TIME_ZONE } from '../rules/dates';
import type { NotificationKind, TaskType } from '../schemas';

export interface NotificationFacts {
  kind: NotificationKind;
  /** 1, or the n-th overdue reminder. */
  occurrence: number;
  /** Absent for a legal deadline (then `deadline` says which). */
  taskType?: TaskType;
  /** A legal deadline: what it is (the kind's Dutch name, or its own label). */
  deadline?: { kind: string; label?: string };
  /** YYYY-MM-DD */
  dueAt: string;
  /** YYYY-MM-DD: the day the task goes to the beheerders if still open. */
  escalateOn?: string;
  /** Whole days past dueAt (0 when not late). */
  daysOverdue: number;
  /** From clientInitials: "A. H." */
  clientInitials: string;
  /** From trajectoryRef: "TR-9XK2QF" */
  trajectoryRef: string;
  /** Where the task is opened (https://…/tasks/{taskId}). */
  link: string;
  /** The recipient's display name, for the greeting. */
  recipientName: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

// ---------- References to the client ----------

/** Dutch tussenvoegsels (and a few from neighbouring languages) left out of the surname's initial. */
const TUSSENVOEGSELS = new Set([
  'van', 'de', 'der', 'den', 'het', "'t", 't', 'te', 'ter', 'ten', 'in', "'s", 'op', 'onder', 'over', 'aan', 'bij', 'uit', 'voor',
  'von', 'zu', 'zum', 'zur', 'du', 'da', 'di', 'la', 'le', 'les', "d'", "l'",
]);

const graphemes = new Intl.Segmenter('nl', { granularity: 'grapheme' });

/** The first letter of a word, upper-cased (the Dutch "IJ" as one letter); undefined when it has none. */
function initialOf(word: string): string | undefined {
  const rest = word.normalize('NFC').replace(/^[^\p{L}]+/u, '');
  if (rest.startsWith('IJ')) return 'IJ';
  // One letter as the reader sees it (a base letter and its marks), at most three code points.
  for (const { segment } of graphemes.segment(rest)) return [...segment].slice(0, 3).join('').toLocaleUpperCase('nl');
  return undefined;
}

const wordsOf = (name: string): string[] => name.split(/\s+/u).filter((w) => /\p{L}/u.test(w));

/**
 * The client as two initials, "A. H.": the first letter of the first given name and of the
 * surname. Decisions: only the first given name counts ("Amal Noor" → "A."), and a surname's
 * leading tussenvoegsels are left out, as in a Dutch alphabetical list ("van der Berg" → "B.",
 * "'t Hart" → "H."), unless nothing else is left ("De" → "D."). Letters only: digits and
 * punctuation are skipped ("O'Brien" → "O.", "al-Hassan" → "A."); a written "IJ" stays one letter
 * ("IJsbrand" → "IJ."). With no letters at all the answer is "?". So it never holds more than two
 * letters of the name, never a digit, never the name itself (for names longer than a letter).
 */
export function clientInitials(firstName: string, lastName: string): string {
  const given = wordsOf(firstName)[0];
  const surnameWords = wordsOf(lastName);
  let main = 0;
  while (main < surnameWords.length - 1 && TUSSENVOEGSELS.has(surnameWords[main]!.toLowerCase().replace(/[’‘]/g, "'"))) main++;
  const surname = surnameWords[main];
  const letters = [given && initialOf(given), surname && initialOf(surname)].filter((l): l is string => !!l);
  return letters.length > 0 ? letters.map((l) => `${l}.`).join(' ') : '?';
}

export { trajectoryRef } from '../rules/task-id';

// A value that does not look like what the facts promise is not written (see the module comment).
const INITIALS = /^(?:[^\s\d.]{1,4}\. ?){1,3}$|^\?$/u;
const REFERENCE = /^TR-[A-Z0-9_-]{1,6}$/;
const safeInitials = (s: string) => (INITIALS.test(s.trim()) ? s.trim() : '?');
const safeRef = (s: string) => (REFERENCE.test(s) ? s : 'TR-?');
/** On one line, without control characters. */
const oneLine = (s: string) => s.replace(/[\p{Cc}\p{Zl}\p{Zp}\s]+/gu, ' ').trim();
const safeName = (s: string) => oneLine(s).replace(/\d{9,}/g, '…') || 'collega';
const isWebLink = (s: string) => /^https?:\/\/[^\s<>"']+$/i.test(s);

// ---------- Dutch words ----------

interface TaskWords {
  /** In a sentence and in the facts: "POP-gesprek (persoonlijk ontwikkelplan)". */
  name: string;
  /** In a subject or a list: "POP-gesprek". */
  short: string;
  /** With its article: "het POP-gesprek". */
  the: string;
  /** How the client is joined: "het contactmoment met cliënt …", "het bevestigen van de overdracht van cliënt …". */
  prep: 'met' | 'van';
  /** Whose task it is, for a beheerder. */
  owner: string;
  /** What to do. */
  todo: string;
}

const TASKS: Record<TaskType, TaskWords> = {
  KENNISMAKING: {
    name: 'kennismakingsgesprek',
    short: 'kennismakingsgesprek',
    the: 'het kennismakingsgesprek',
    prep: 'met',
    owner: 'de regisseur van dit traject',
    todo: 'Maak een afspraak met de cliënt voor het kennismakingsgesprek en leg het gesprek vast in trajectregie zodra het is gehouden.',
  },
  POP: {
    name: 'POP-gesprek (persoonlijk ontwikkelplan)',
    short: 'POP-gesprek',
    the: 'het POP-gesprek',
    prep: 'met',
    owner: 'de regisseur van dit traject',
    todo: 'Stel samen met de cliënt het persoonlijk ontwikkelplan op, met de doelen en de nulmeting van de zelfredzaamheid (ZRM), en leg het vast in trajectregie.',
  },
  CONTACT: {
    name: 'contactmoment',
    short: 'contactmoment',
    the: 'het contactmoment',
    prep: 'met',
    owner: 'de regisseur van dit traject',
    todo: 'Neem contact op met de cliënt en leg het contactmoment vast in trajectregie. Vraagt de taak om een ZRM-meting, neem die dan mee.',
  },
  AFRONDING: {
    name: 'afronding (eindgesprek met ZRM)',
    short: 'afronding',
    the: 'de afronding',
    prep: 'met',
    owner: 'de regisseur van dit traject',
    todo: 'Houd het eindgesprek met de cliënt, doe de laatste ZRM-meting en kies in trajectregie: het traject afsluiten of overdragen aan de gemeente.',
  },
  ACKNOWLEDGE: {
    name: 'overdracht bevestigen',
    short: 'overdracht bevestigen',
    the: 'het bevestigen van de overdracht',
    prep: 'van',
    owner: 'de gemeente (Klantregie)',
    todo: 'Bekijk het overdrachtsdossier in trajectregie en bevestig daar dat de gemeente de overdracht heeft ontvangen.',
  },
};

/** The Dutch name of a task type, as the mails write it. */
export function taskTypeName(type: TaskType): string {
  return TASKS[type].name;
}

const longDate = new Intl.DateTimeFormat('nl-NL', { timeZone: TIME_ZONE, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const dayMonth = new Intl.DateTimeFormat('nl-NL', { timeZone: TIME_ZONE, weekday: 'long', day: 'numeric', month: 'long' });

function calendarDay(iso: string): Date {
  if (!isValidIsoDate(iso)) throw new Error(`Not a calendar date (YYYY-MM-DD): ${iso}`);
  // Noon UTC is the same calendar day in Amsterdam, summer or winter.
  return new Date(`${iso}T12:00:00.000Z`);
}

/** A date the Dutch way: "maandag 3 maart 2025". */
export function dutchDate(iso: string): string {
  return longDate.format(calendarDay(iso));
}

/** Without the year, for a subject: "maandag 3 maart". */
const dutchDayMonth = (iso: string): string => dayMonth.format(calendarDay(iso));

const days = (n: number) => (n === 1 ? '1 dag' : `${n} dagen`);
const capitalise = (s: string) => s.charAt(0).toLocaleUpperCase('nl') + s.slice(1);

// ---------- One mail ----------

/** A mail's content once, written as plain text and as HTML from the same parts. */
interface Body {
  title: string;
  greeting: string;
  paragraphs: string[];
  rows: Array<[label: string, value: string]>;
  todo?: string;
  sections: Section[];
  link?: { label: string; url: string };
}

interface Section {
  heading: string;
  items: Array<{ line: string; link: string }>;
}

const FOOTER =
  'Deze e-mail is automatisch verstuurd door trajectregie; je kunt er niet op antwoorden. Er staan bewust geen namen of andere persoonsgegevens in: die zie je na het inloggen.';

/** The notification's mail: what is due, for whom (initials and reference), when, what to do, the link. */
export function renderNotification(f: NotificationFacts): RenderedMail {
  if (f.kind === 'legal_deadline' || !f.taskType) return renderDeadline(f);
  // The handover reminder is about the municipality's task, whatever type the facts name.
  const task = TASKS[f.kind === 'handover_unacknowledged' ? 'ACKNOWLEDGE' : f.taskType];
  const initials = safeInitials(f.clientInitials);
  const ref = safeRef(f.trajectoryRef);
  const who = `cliënt ${initials} (traject ${ref})`;
  const forWhom = `${task.prep} ${initials} (${ref})`;
  const due = dutchDate(f.dueAt);
  const escalate = f.escalateOn ? dutchDate(f.escalateOn) : undefined;
  const late = Math.max(0, Math.floor(f.daysOverdue));
  const escalationNote = escalate ? `Staat de taak op ${escalate} nog open, dan krijgen de beheerders een melding.` : undefined;

  let subject: string;
  let paragraphs: string[];
  let todo = task.todo;
  switch (f.kind) {
    case 'reminder':
      subject = `Herinnering: ${task.short} ${forWhom}, uiterlijk ${dutchDayMonth(f.dueAt)}`;
      paragraphs = [`Een herinnering vooraf: ${task.the} ${task.prep} ${who} moet uiterlijk ${due} gebeuren.`];
      break;
    case 'due':
      subject = `Vandaag: ${task.short} ${forWhom}`;
      paragraphs = [`Vandaag, ${due}, is de uiterste datum voor ${task.the} ${task.prep} ${who}.`];
      if (escalationNote) paragraphs.push(escalationNote);
      break;
    case 'overdue':
      subject = `Te laat (${days(late)}): ${task.short} ${forWhom}`;
      paragraphs = [
        `${capitalise(task.the)} ${task.prep} ${who} had uiterlijk ${due} moeten gebeuren en staat nog open: ${days(late)} over de uiterste datum. ` +
          `Dit is de ${Math.max(1, Math.floor(f.occurrence))}e herinnering sinds die datum.`,
      ];
      if (escalationNote) paragraphs.push(escalationNote);
      break;
    case 'escalation':
      subject = `Escalatie: ${task.short} ${forWhom} is ${days(late)} te laat`;
      paragraphs = [
        `${capitalise(task.the)} ${task.prep} ${who} staat ${days(late)} na de uiterste datum (${due}) nog open. Daarom krijg je als beheerder deze melding.`,
      ];
      todo = `Neem contact op met ${task.owner} en spreek af wie ${task.the} oppakt en wanneer. De melding verdwijnt uit de escalaties zodra de taak is afgerond.`;
      break;
    case 'missed_contacts':
      subject = `${Math.max(1, Math.floor(f.occurrence))} keer gemist: ${task.short} ${forWhom}`;
      paragraphs = [
        `${capitalise(task.the)} ${task.prep} ${who} is ${Math.max(1, Math.floor(f.occurrence))} keer achter elkaar niet doorgegaan. Daarom krijg je als beheerder deze melding.`,
      ];
      todo = `Overleg met ${task.owner} hoe het contact met deze cliënt weer op gang komt.`;
      break;
    case 'handover_unacknowledged':
      subject = `Overdracht nog niet bevestigd: ${initials} (${ref})`;
      paragraphs = [`De overdracht van ${who} aan de gemeente staat klaar in trajectregie, maar is nog niet bevestigd.`];
      break;
  }

  const rows: Body['rows'] = [
    ['Taak', capitalise(task.name)],
    ['Cliënt', initials],
    ['Traject', ref],
    ['Uiterste datum', due],
  ];
  if (late > 0 && (f.kind === 'overdue' || f.kind === 'escalation')) rows.push(['Te laat', days(late)]);
  if (escalate && f.kind !== 'handover_unacknowledged') rows.push([f.kind === 'escalation' ? 'Geëscaleerd op' : 'Escalatie op', escalate]);

  return write({
    title: oneLine(subject),
    greeting: `Beste ${safeName(f.recipientName)},`,
    paragraphs,
    rows,
    todo,
    sections: [],
    link: { label: 'Open de taak in trajectregie', url: oneLine(f.link) },
  });
}

const DEADLINE_NAMES: Record<string, string> = {
  residence_permit_expiry: 'de verblijfsvergunning verloopt',
  inburgering_term_end: 'de inburgeringstermijn eindigt',
  exemption_window: 'de termijn voor ontheffing',
};

/** A legal deadline in words: its kind's Dutch name, or the label it was given (one line, no digits runs). */
function deadlineName(d: NotificationFacts['deadline']): string {
  if (!d) return 'een wettelijke termijn';
  return DEADLINE_NAMES[d.kind] ?? (d.label ? safeName(d.label) : 'een wettelijke termijn');
}

/** A legal deadline's reminder, 3 months or 1 month before the date: to the client's regisseur. */
function renderDeadline(f: NotificationFacts): RenderedMail {
  const initials = safeInitials(f.clientInitials);
  const ref = safeRef(f.trajectoryRef);
  const what = deadlineName(f.deadline);
  const when = dutchDate(f.dueAt);
  const ahead = Math.max(1, Math.floor(f.occurrence)) === 1 ? 'over drie maanden' : 'over een maand';
  return write({
    title: oneLine(`Termijn ${ahead}: ${what}, ${initials} (${ref})`),
    greeting: `Beste ${safeName(f.recipientName)},`,
    paragraphs: [`Voor cliënt ${initials} (traject ${ref}) loopt ${ahead} een wettelijke termijn af: ${what}, op ${when}.`],
    rows: [
      ['Termijn', capitalise(what)],
      ['Cliënt', initials],
      ['Traject', ref],
      ['Datum', when],
    ],
    todo: 'Bespreek met de cliënt wat er vóór die datum moet gebeuren, en zet de termijn op afgehandeld zodra het geregeld is.',
    sections: [],
    link: { label: 'Open het traject in trajectregie', url: oneLine(f.link) },
  });
}

// ---------- The daily digest ----------

/** The digest's groups, most urgent first; an item goes in the first group whose kind it has. */
const GROUPS: Array<{ kind: NotificationKind; heading: string; count: (n: number) => string }> = [
  { kind: 'escalation', heading: 'Geëscaleerd naar de beheerders', count: (n) => `${n} ${n === 1 ? 'escalatie' : 'escalaties'}` },
  { kind: 'missed_contacts', heading: 'Contact steeds gemist', count: (n) => `${n} keer contact gemist` },
  { kind: 'legal_deadline', heading: 'Wettelijke termijnen', count: (n) => `${n} ${n === 1 ? 'termijn' : 'termijnen'}` },
  { kind: 'overdue', heading: 'Te laat', count: (n) => `${n} te laat` },
  { kind: 'handover_unacknowledged', heading: 'Overdracht nog niet bevestigd', count: (n) => `${n} overdracht${n === 1 ? '' : 'en'} niet bevestigd` },
  { kind: 'due', heading: 'Vandaag de uiterste datum', count: (n) => `${n} vandaag` },
  { kind: 'reminder', heading: 'Binnenkort', count: (n) => `${n} binnenkort` },
];

/** Most days late first, then the earliest due date, then the reference (so the order is stable). */
function byUrgency(a: NotificationFacts, b: NotificationFacts): number {
  return b.daysOverdue - a.daysOverdue || a.dueAt.localeCompare(b.dueAt) || a.trajectoryRef.localeCompare(b.trajectoryRef) || (a.taskType ?? '').localeCompare(b.taskType ?? '');
}

/**
 * One mail a day with everything for one recipient, grouped: escalations, too late, handovers not
 * acknowledged, due today, coming up. Each item: the task, the initials and reference, the due
 * date (and how late), its link.
 */
export function renderDigest(recipientName: string, day: string, items: NotificationFacts[]): RenderedMail {
  const sections: Section[] = [];
  const counts: string[] = [];
  for (const group of GROUPS) {
    const mine = items.filter((i) => i.kind === group.kind).sort(byUrgency);
    if (mine.length === 0) continue;
    counts.push(group.count(mine.length));
    sections.push({
      heading: `${group.heading} (${mine.length})`,
      items: mine.map((i) => {
        const late = Math.max(0, Math.floor(i.daysOverdue));
        const lateText = late > 0 && (i.kind === 'overdue' || i.kind === 'escalation') ? `, ${days(late)} te laat` : '';
        return {
          line: i.taskType
            ? `${capitalise(TASKS[i.taskType].name)}: ${safeInitials(i.clientInitials)} (${safeRef(i.trajectoryRef)}), uiterlijk ${dutchDate(i.dueAt)}${lateText}`
            : `${capitalise(deadlineName(i.deadline))}: ${safeInitials(i.clientInitials)} (${safeRef(i.trajectoryRef)}), op ${dutchDate(i.dueAt)}`,
          link: oneLine(i.link),
        };
      }),
    });
  }
  const date = dutchDate(day);
  const subject = `Je overzicht van ${date}: ${counts.length > 0 ? counts.join(', ') : 'niets open'}`;
  const paragraphs =
    items.length === 0
      ? ['Er staat vandaag niets voor je open in trajectregie.']
      : [`Dit staat er op ${date} voor je open in trajectregie, het dringendste eerst.`];
  return write({
    title: subject,
    greeting: `Beste ${safeName(recipientName)},`,
    paragraphs,
    rows: [],
    ...(items.length > 0 ? { todo: 'Open elke taak via de link en leg vast wat er is gebeurd. Een taak die is afgerond, verdwijnt uit dit overzicht.' } : {}),
    sections,
  });
}

// ---------- Writing it out ----------

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const P = 'margin:0 0 16px 0;';
const LINK = 'color:#0b57d0;';

function write(body: Body): RenderedMail {
  return { subject: body.title, text: writeText(body), html: writeHtml(body) };
}

function writeText(body: Body): string {
  const lines: string[] = [body.greeting, ''];
  for (const p of body.paragraphs) lines.push(p, '');
  if (body.rows.length > 0) {
    const width = Math.max(...body.rows.map(([label]) => label.length)) + 2;
    for (const [label, value] of body.rows) lines.push(`${`${label}:`.padEnd(width)}${value}`);
    lines.push('');
  }
  for (const section of body.sections) {
    lines.push(section.heading, '-'.repeat(section.heading.length));
    for (const item of section.items) lines.push(`- ${item.line}`, `  ${item.link}`);
    lines.push('');
  }
  if (body.todo) lines.push('Wat moet je doen?', body.todo, '');
  if (body.link) lines.push(`${body.link.label}:`, body.link.url, '');
  lines.push('Met vriendelijke groet,', 'Trajectregie', '', '-- ', FOOTER, '');
  return lines.join('\n');
}

/** A link only to a web address; anything else is shown as text, never put in an href. */
function anchor(label: string, url: string): string {
  return isWebLink(url) ? `<a href="${escapeHtml(url)}" style="${LINK}">${escapeHtml(label)}</a>` : escapeHtml(label);
}

function writeHtml(body: Body): string {
  const out: string[] = [
    '<!DOCTYPE html>',
    '<html lang="nl">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>' + escapeHtml(body.title) + '</title></head>',
    '<body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a;background:#ffffff;">',
    '<div style="max-width:600px;">',
    `<p style="${P}">${escapeHtml(body.greeting)}</p>`,
  ];
  for (const p of body.paragraphs) out.push(`<p style="${P}">${escapeHtml(p)}</p>`);
  if (body.rows.length > 0) {
    out.push(`<table role="presentation" style="border-collapse:collapse;${P}">`);
    for (const [label, value] of body.rows) {
      out.push(
        `<tr><th scope="row" style="text-align:left;vertical-align:top;font-weight:normal;color:#555555;padding:2px 16px 2px 0;">${escapeHtml(label)}:</th>` +
          `<td style="padding:2px 0;"><strong>${escapeHtml(value)}</strong></td></tr>`,
      );
    }
    out.push('</table>');
  }
  for (const section of body.sections) {
    out.push(`<h2 style="font-size:18px;margin:24px 0 8px 0;">${escapeHtml(section.heading)}</h2>`, `<ul style="margin:0 0 16px 0;padding-left:20px;">`);
    for (const item of section.items) {
      out.push(`<li style="margin:0 0 8px 0;">${escapeHtml(item.line)}<br>${anchor('Open de taak', item.link)} <span style="color:#555555;font-size:13px;">${escapeHtml(item.link)}</span></li>`);
    }
    out.push('</ul>');
  }
  if (body.todo) out.push(`<p style="${P}"><strong>Wat moet je doen?</strong><br>${escapeHtml(body.todo)}</p>`);
  if (body.link) {
    out.push(
      `<p style="${P}">${anchor(body.link.label, body.link.url)}<br><span style="color:#555555;font-size:13px;">${escapeHtml(body.link.url)}</span></p>`,
    );
  }
  out.push(
    `<p style="${P}">Met vriendelijke groet,<br>Trajectregie</p>`,
    `<p style="margin:24px 0 0 0;font-size:13px;color:#555555;">${escapeHtml(FOOTER)}</p>`,
    '</div>',
    '</body>',
    '</html>',
    '',
  );
  return out.join('\n');
}
