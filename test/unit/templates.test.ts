import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clientInitials,
  dutchDate,
  renderDigest,
  renderNotification,
  taskTypeName,
  trajectoryRef,
  type NotificationFacts,
} from '../../core/notifications/templates';
import { NotificationKind, TaskType } from '../../core/schemas';

/** The kinds about a task (a legal deadline's reminder has its own test below). */
const KINDS = NotificationKind.options.filter((k) => k !== 'legal_deadline');
const TYPES = TaskType.options;

const LINK = 'https://trajectregie.example.nl/tasks/01JTASKAAAAAAAAAAAAAAAAAAA';

const facts = (over: Partial<NotificationFacts> = {}): NotificationFacts => ({
  kind: 'reminder',
  occurrence: 1,
  taskType: 'KENNISMAKING',
  dueAt: '2025-03-03',
  escalateOn: '2025-03-17',
  daysOverdue: 0,
  clientInitials: 'A. H.',
  trajectoryRef: 'TR-9XK2QF',
  link: LINK,
  recipientName: 'Rita',
  ...over,
});

const lateFor = (kind: NotificationFacts['kind']) => (kind === 'overdue' ? 7 : kind === 'escalation' ? 14 : 0);

/** The HTML as a reader sees it: tags out, entities decoded, whitespace collapsed. */
function visibleText(html: string): string {
  return html
    .replace(/<title>[\s\S]*?<\/title>/, ' ')
    .replace(/<br>/g, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('a legal deadline', () => {
  it('names the deadline, the date and how far ahead, with initials and reference only', () => {
    for (const [occurrence, ahead] of [[1, 'over drie maanden'], [2, 'over een maand']] as const) {
      const mail = renderNotification(facts({ kind: 'legal_deadline', occurrence, dueAt: '2025-08-20', deadline: { kind: 'residence_permit_expiry' } }));
      expect(mail.subject).toContain(ahead);
      expect(mail.subject).toContain('verblijfsvergunning');
      for (const part of [mail.text, mail.html]) {
        expect(part).toContain('A. H.');
        expect(part).toContain('TR-9XK2QF');
        expect(part).toContain(LINK);
        expect(part).toMatch(/20 augustus 2025/);
      }
    }
    const own = renderNotification(facts({ kind: 'legal_deadline', occurrence: 1, deadline: { kind: 'other', label: 'Huurcontract <b>' } }));
    expect(own.subject).toContain('Huurcontract');
    expect(own.html).not.toContain('<b>');
  });
});

describe('renderNotification: every kind for every task type', () => {
  for (const kind of KINDS) {
    for (const taskType of TYPES) {
      it(`${kind} × ${taskType}`, () => {
        const mail = renderNotification(facts({ kind, taskType, daysOverdue: lateFor(kind), occurrence: kind === 'overdue' ? 2 : 1 }));
        // The subject: one line, the initials and the reference, no link.
        expect(mail.subject).not.toMatch(/[\r\n]/);
        expect(mail.subject).toContain('A. H.');
        expect(mail.subject).toContain('TR-9XK2QF');
        for (const part of [mail.text, mail.html]) {
          expect(part).toContain(LINK);
          expect(part).toContain('A. H.');
          expect(part).toContain('TR-9XK2QF');
          expect(part).toContain('maandag 3 maart 2025');
          expect(part).toContain('Beste Rita,');
          expect(part).toContain('Wat moet je doen?');
          expect(part).toContain('Met vriendelijke groet');
        }
        const taskName = taskTypeName(kind === 'handover_unacknowledged' ? 'ACKNOWLEDGE' : taskType);
        expect(mail.text.toLowerCase()).toContain(taskName.toLowerCase());
        expect(mail.html).toContain(`href="${LINK}"`);
        expect(mail.html).toMatch(/^<!DOCTYPE html>\n<html lang="nl">/);
      });
    }
  }

  it('says what each kind is about, in Dutch', () => {
    const of = (kind: NotificationFacts['kind'], over: Partial<NotificationFacts> = {}) => renderNotification(facts({ kind, daysOverdue: lateFor(kind), ...over }));
    expect(of('reminder').subject).toBe('Herinnering: kennismakingsgesprek met A. H. (TR-9XK2QF), uiterlijk maandag 3 maart');
    expect(of('due').subject).toBe('Vandaag: kennismakingsgesprek met A. H. (TR-9XK2QF)');
    expect(of('overdue', { occurrence: 3, daysOverdue: 21 }).subject).toBe('Te laat (21 dagen): kennismakingsgesprek met A. H. (TR-9XK2QF)');
    expect(of('overdue', { occurrence: 3, daysOverdue: 21 }).text).toContain('Dit is de 3e herinnering sinds die datum.');
    expect(of('overdue', { daysOverdue: 1 }).subject).toBe('Te laat (1 dag): kennismakingsgesprek met A. H. (TR-9XK2QF)');
    expect(of('escalation').subject).toBe('Escalatie: kennismakingsgesprek met A. H. (TR-9XK2QF) is 14 dagen te laat');
    expect(of('escalation').text).toContain('Neem contact op met de regisseur van dit traject');
    expect(of('escalation', { taskType: 'ACKNOWLEDGE' }).text).toContain('Neem contact op met de gemeente (Klantregie)');
    expect(of('handover_unacknowledged', { taskType: 'ACKNOWLEDGE' }).subject).toBe('Overdracht nog niet bevestigd: A. H. (TR-9XK2QF)');
    expect(of('handover_unacknowledged', { taskType: 'ACKNOWLEDGE' }).text).toContain('bevestig daar dat de gemeente de overdracht heeft ontvangen');
    expect(of('due').text).toContain('Staat de taak op maandag 17 maart 2025 nog open, dan krijgen de beheerders een melding.');
    expect(of('due', { escalateOn: undefined }).text).not.toContain('beheerders een melding');
  });

  it('names the task types the Dutch way', () => {
    expect(TYPES.map(taskTypeName)).toEqual([
      'kennismakingsgesprek',
      'POP-gesprek (persoonlijk ontwikkelplan)',
      'contactmoment',
      'afronding (eindgesprek met ZRM)',
      'overdracht bevestigen',
    ]);
  });

  it('says the same in the HTML part as in the plain-text part', () => {
    const mails = [
      ...KINDS.map((kind) => renderNotification(facts({ kind, taskType: 'POP', daysOverdue: lateFor(kind) }))),
      renderDigest('Rita', '2025-03-10', KINDS.map((kind) => facts({ kind, daysOverdue: lateFor(kind) }))),
    ];
    for (const mail of mails) {
      const seen = collapse(visibleText(mail.html));
      // Every line of the text part but the signature separator and the headings' underlines.
      const lines = mail.text.split('\n').filter((l) => l.trim() !== '' && l.trim() !== '--' && !/^-+$/.test(l));
      for (const line of lines) {
        // A facts row is "Label:   value" in text and two cells in HTML; a list item starts with "- ".
        const [label, value] = line.includes(':  ') ? line.split(/:\s{2,}/) : [line.replace(/^- /, '').replace(/:$/, ''), undefined];
        expect(seen).toContain(collapse(value === undefined ? label! : `${label}: ${value}`));
      }
      expect(mail.html).toContain(`<title>${mail.subject}</title>`);
    }
  });
});

describe('dates the Dutch way (Europe/Amsterdam)', () => {
  it('writes weekday, day, month and year', () => {
    expect(dutchDate('2025-03-03')).toBe('maandag 3 maart 2025');
    expect(dutchDate('2025-12-31')).toBe('woensdag 31 december 2025');
    expect(dutchDate('2024-02-29')).toBe('donderdag 29 februari 2024');
  });

  it('keeps the calendar day across the clock changes', () => {
    expect(dutchDate('2025-03-30')).toBe('zondag 30 maart 2025');
    expect(dutchDate('2025-10-26')).toBe('zondag 26 oktober 2025');
    expect(dutchDate('2026-01-01')).toBe('donderdag 1 januari 2026');
  });

  it('refuses what is not a calendar date', () => {
    expect(() => dutchDate('2025-02-30')).toThrow(/calendar date/);
    expect(() => renderNotification(facts({ dueAt: '3 maart' }))).toThrow(/calendar date/);
  });
});

describe('clientInitials', () => {
  it('takes the first given name and the surname, without tussenvoegsels', () => {
    expect(clientInitials('Amal', 'Haddad')).toBe('A. H.');
    expect(clientInitials('Amal Noor', 'Haddad')).toBe('A. H.');
    expect(clientInitials('Jan', 'van der Berg')).toBe('J. B.');
    expect(clientInitials('Jan', 'Van den Broek')).toBe('J. B.');
    expect(clientInitials('Kees', "'t Hart")).toBe('K. H.');
    expect(clientInitials('Kees', '’t Hart')).toBe('K. H.');
    expect(clientInitials('Anna', 'de')).toBe('A. D.'); // nothing else left: the word itself
    expect(clientInitials('IJsbrand', 'IJzerman')).toBe('IJ. IJ.');
    expect(clientInitials('Ijeoma', 'Okafor')).toBe('I. O.');
    expect(clientInitials('şükrü', 'öztürk')).toBe('Ş. Ö.');
    expect(clientInitials('Yonas', 'Al-Hassan')).toBe('Y. A.');
    expect(clientInitials("Siobhán", "O'Brien")).toBe('S. O.');
    expect(clientInitials('محمد', 'حداد')).toBe('م. ح.');
    expect(clientInitials('Анна', 'Петрова')).toBe('А. П.');
  });

  it('keeps digits and punctuation out, and says "?" when there is no letter', () => {
    expect(clientInitials('123456782', '')).toBe('?');
    expect(clientInitials('', '')).toBe('?');
    expect(clientInitials('  ', '12 34')).toBe('?');
    expect(clientInitials('123456782 Amal', 'Haddad')).toBe('A. H.');
    expect(clientInitials('Amal', '')).toBe('A.');
  });

  const letters = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzäëïöüéèçñß'.split('')), minLength: 1, maxLength: 11 });
  const name = fc.oneof(
    fc.tuple(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZÅÖŞ'.split('')), letters).map(([a, b]) => a + b),
    fc.constantFrom('Amal', 'Mohammed', 'Yonas', 'Tesfaye', 'Zoë', 'Şükrü', 'Анна', 'محمد', 'IJsbrand', 'Haddad', 'Gebremedhin'),
  );
  const surname = fc.oneof(name, fc.tuple(fc.constantFrom('van', 'van der', 'de', "'t", 'ter', 'von'), name).map(([p, n]) => `${p} ${n}`));

  it('never returns the name, a digit, or more than two initials (property)', () => {
    fc.assert(
      fc.property(name, surname, (first, last) => {
        const initials = clientInitials(first, last);
        expect(initials).not.toContain(first);
        expect(initials).not.toContain(last);
        expect(initials).not.toContain(`${first} ${last}`);
        expect(initials).not.toMatch(/\d/);
        expect(initials).toMatch(/^(?:IJ|[^\s.]{1,3})\. (?:IJ|[^\s.]{1,3})\.$/u);
        // The renderer takes it as initials (it does not fall back to "?").
        expect(renderNotification(facts({ clientInitials: initials })).text).toContain(`cliënt ${initials} (traject`);
      }),
      { numRuns: 300 },
    );
  });

  it('returns initials for any text (property): no digit, at most two, each one letter', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 30 }), (first, last) => {
        const initials = clientInitials(first, last);
        expect(initials).not.toMatch(/\d/);
        expect(initials.split(' ').length).toBeLessThanOrEqual(2);
        if (initials !== '?') expect(renderNotification(facts({ clientInitials: initials })).text).toContain(`cliënt ${initials} (traject`);
      }),
      { numRuns: 300 },
    );
  });
});

describe('trajectoryRef', () => {
  it('is TR- and the last six characters, upper case', () => {
    expect(trajectoryRef('01jq7zk9xk2qf9')).toBe('TR-XK2QF9');
    expect(trajectoryRef('01JQ7ZK9XK2QF9')).toBe('TR-XK2QF9');
    expect(trajectoryRef('abc')).toBe('TR-ABC');
  });
});

describe('no full name, no BSN in a mail (property)', () => {
  const bsn = fc.integer({ min: 100_000_000, max: 999_999_999 }).map(String);
  const word = fc.tuple(fc.constantFrom(...'ABCDEFGHKLMNPRSTVWZ'.split('')), fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'.split('')), minLength: 3, maxLength: 10 })).map(([a, b]) => a + b);
  const insertAt = (s: string, what: string, at: number) => s.slice(0, at % (s.length + 1)) + what + s.slice(at % (s.length + 1));
  const ulid = fc.string({ unit: fc.constantFrom(...'0123456789ABCDEFGHJKMNPQRSTVWXYZ'.split('')), minLength: 26, maxLength: 26 });

  it('renders only initials and the reference, whatever the names and ids hold', () => {
    fc.assert(
      fc.property(
        word,
        word,
        fc.constantFrom('', 'van der ', 'de ', "'t "),
        bsn,
        ulid,
        fc.record({ inFirst: fc.nat(), inLast: fc.nat(), inId: fc.nat(), where: fc.constantFrom('first', 'last', 'id', 'all') }),
        fc.constantFrom(...KINDS),
        fc.constantFrom(...TYPES),
        (first, lastMain, prefix, number, id, place, kind, taskType) => {
          const firstName = place.where === 'first' || place.where === 'all' ? insertAt(first, number, place.inFirst) : first;
          const lastName = prefix + (place.where === 'last' || place.where === 'all' ? insertAt(lastMain, number, place.inLast) : lastMain);
          const trajectoryId = place.where === 'id' || place.where === 'all' ? insertAt(id, number, place.inId) : id;
          const f = facts({ kind, taskType, daysOverdue: lateFor(kind), clientInitials: clientInitials(firstName, lastName), trajectoryRef: trajectoryRef(trajectoryId) });
          const mail = renderNotification(f);
          const digest = renderDigest('Rita', '2025-03-10', [f, facts({ kind: 'reminder' })]);
          // What the same mail says with no initials at all: a name found only with them came from them.
          const control = renderNotification({ ...f, clientInitials: '?' });
          for (const out of [mail.subject, mail.text, mail.html, digest.subject, digest.text, digest.html]) {
            expect(out).not.toContain(number);
            expect(out).not.toContain(`${firstName} ${lastName}`);
            expect(out).not.toContain(`${first} ${lastMain}`);
            expect(out).not.toMatch(/\d{9}/);
            for (const part of [first, lastMain]) {
              if (out.includes(part)) expect(control.text + control.html + control.subject).toContain(part);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a full name or a number where initials or a reference belong, and masks a BSN in a greeting', () => {
    const mail = renderNotification(facts({ clientInitials: 'Amal Haddad', trajectoryRef: '123456782', recipientName: 'Rita 123456782' }));
    for (const out of [mail.subject, mail.text, mail.html]) {
      expect(out).not.toContain('Amal');
      expect(out).not.toContain('Haddad');
      expect(out).not.toContain('123456782');
    }
    expect(mail.text).toContain('cliënt ? (traject TR-?)');
    expect(mail.text).toContain('Beste Rita …,');
  });
});

describe('HTML escaping', () => {
  it('escapes every value and links only to a web address', () => {
    const evil = facts({
      recipientName: '<script>alert("x")</script> & \'Ö\'',
      link: 'https://example.nl/tasks/a"><img src=x onerror=alert(1)>',
      clientInitials: '<.',
    });
    const mail = renderNotification(evil);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<img');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Ö&#39;');
    expect(mail.html).toContain('&lt;.'); // the initials cell
    expect(mail.html).not.toMatch(/href="[^"]*"><img/);
    // Not a web address (it has a quote and angle brackets): shown as text, not linked.
    expect(mail.html).not.toContain('<a href="https://example.nl/tasks/a');
    // The text part is plain: nothing escaped there.
    expect(mail.text).toContain('<script>alert("x")</script> & \'Ö\'');

    const js = renderNotification(facts({ link: 'javascript:alert(1)' }));
    expect(js.html).not.toContain('href="javascript:');
    expect(js.html).toContain('Open de taak in trajectregie');
  });

  it('keeps a name on one line in the subject and the greeting', () => {
    const mail = renderNotification(facts({ recipientName: 'Rita\r\nBcc: x@y.z' }));
    expect(mail.text).toContain('Beste Rita Bcc: x@y.z,');
    expect(mail.subject).not.toMatch(/[\r\n]/);
  });
});

describe('renderDigest', () => {
  const items: NotificationFacts[] = [
    facts({ kind: 'reminder', dueAt: '2025-03-17', trajectoryRef: 'TR-AAAAA1', link: `${LINK}1` }),
    facts({ kind: 'due', dueAt: '2025-03-10', trajectoryRef: 'TR-AAAAA2', link: `${LINK}2` }),
    facts({ kind: 'overdue', dueAt: '2025-03-03', daysOverdue: 7, trajectoryRef: 'TR-AAAAA3', link: `${LINK}3`, taskType: 'CONTACT' }),
    facts({ kind: 'overdue', dueAt: '2025-02-17', daysOverdue: 21, trajectoryRef: 'TR-AAAAA4', link: `${LINK}4`, taskType: 'POP' }),
    facts({ kind: 'escalation', dueAt: '2025-02-24', daysOverdue: 14, trajectoryRef: 'TR-AAAAA5', link: `${LINK}5`, taskType: 'AFRONDING' }),
    facts({ kind: 'handover_unacknowledged', taskType: 'ACKNOWLEDGE', dueAt: '2025-03-20', trajectoryRef: 'TR-AAAAA6', link: `${LINK}6` }),
  ];

  it('lists everything, most urgent first, with counts in the subject', () => {
    const mail = renderDigest('Rita', '2025-03-10', items);
    expect(mail.subject).toBe('Je overzicht van maandag 10 maart 2025: 1 escalatie, 2 te laat, 1 overdracht niet bevestigd, 1 vandaag, 1 binnenkort');
    for (const part of [mail.text, mail.html]) {
      const order = ['TR-AAAAA5', 'TR-AAAAA4', 'TR-AAAAA3', 'TR-AAAAA6', 'TR-AAAAA2', 'TR-AAAAA1'].map((ref) => part.indexOf(ref));
      expect(order.every((at) => at >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      for (let i = 1; i <= 6; i++) expect(part).toContain(`${LINK}${i}`);
      expect(part).toContain('Beste Rita,');
    }
    const headings = ['Geëscaleerd naar de beheerders (1)', 'Te laat (2)', 'Overdracht nog niet bevestigd (1)', 'Vandaag de uiterste datum (1)', 'Binnenkort (1)'];
    const at = headings.map((h) => mail.text.indexOf(h));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(mail.text).toContain('- Pop-gesprek (persoonlijk ontwikkelplan): A. H. (TR-AAAAA4), uiterlijk maandag 17 februari 2025, 21 dagen te laat'.replace('Pop', 'POP'));
    expect(collapse(visibleText(mail.html))).toContain('Afronding (eindgesprek met ZRM): A. H. (TR-AAAAA5), uiterlijk maandag 24 februari 2025, 14 dagen te laat');
  });

  it('says so when nothing is open', () => {
    const mail = renderDigest('Rita', '2025-03-10', []);
    expect(mail.subject).toBe('Je overzicht van maandag 10 maart 2025: niets open');
    expect(mail.text).toContain('Er staat vandaag niets voor je open in trajectregie.');
  });
});
