/**
 * The mail adapters against the real thing where there is one: an SMTP server on loopback
 * (smtp-server), the .eml folder on disk, and SES through a fake client in place of the SDK's.
 * All three send the message composed once (adapters/mail/compose.ts): the same headers, the
 * same parts, the same Message-ID.
 */
import { SendEmailCommand, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeMail, InvalidMailError, MailSendError, messageIdHeader, messageIdLocalPart } from '../../adapters/mail/compose';
import { emlMailer, smtpMailer } from '../../adapters/mail/local';
import { sesMailer, type SesSdk } from '../../adapters/mail/ses';
import { clientInitials, renderNotification, trajectoryRef } from '../../core/notifications/templates';
import type { Logger, Mail } from '../../core/ports';

const FROM = 'Trajectregie <noreply@trajectregie.example.nl>';
const LINK = 'https://trajectregie.example.nl/tasks/01JTASK0000000000000000001';

function aMail(over: Partial<Mail> = {}): Mail {
  const content = renderNotification({
    kind: 'overdue',
    occurrence: 2,
    taskType: 'POP',
    dueAt: '2025-03-03',
    escalateOn: '2025-03-17',
    daysOverdue: 8,
    clientInitials: clientInitials('Amal', 'Haddad'),
    trajectoryRef: trajectoryRef('01JQ7ZK9XK2QF9'),
    link: LINK,
    recipientName: 'Rita Özdemir',
  });
  return { to: 'Rita Özdemir <rita@gemeente.example.nl>', ...content, messageId: '01JTASK.overdue.2.rita', ...over };
}

// ---------- A small MIME reader (headers, encoded words, multipart, quoted-printable, base64) ----------

interface Part {
  headers: Map<string, string>;
  body: string;
}

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_, _charset: string, enc: string, data: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
    );
}

function parsePart(raw: string): Part {
  const split = raw.indexOf('\r\n\r\n');
  expect(split).toBeGreaterThan(0);
  const headers = new Map<string, string>();
  for (const line of raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).trim().toLowerCase(), decodeWords(line.slice(colon + 1).trim()));
  }
  return { headers, body: raw.slice(split + 4) };
}

function decodeBody(part: Part): string {
  const encoding = (part.headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (encoding === 'base64') return Buffer.from(part.body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const bytes = part.body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return part.body;
}

interface Parsed {
  headers: Map<string, string>;
  text: string;
  html: string;
}

function parseMessage(raw: string): Parsed {
  expect(raw).not.toMatch(/[^\r]\n/); // CRLF line ends throughout
  const root = parsePart(raw);
  const type = root.headers.get('content-type') ?? '';
  expect(type).toMatch(/^multipart\/alternative;/);
  const boundary = /boundary="?([^";]+)"?/.exec(type)![1]!;
  const chunks = root.body.split(`--${boundary}`);
  expect(chunks.at(-1)!.startsWith('--')).toBe(true); // the closing delimiter
  const parts = chunks.slice(1, -1).map((c) => parsePart(c.replace(/^\r\n/, '').replace(/\r\n$/, '')));
  expect(parts.map((p) => p.headers.get('content-type'))).toEqual(['text/plain; charset=utf-8', 'text/html; charset=utf-8']);
  return { headers: root.headers, text: decodeBody(parts[0]!).replace(/\r\n/g, '\n'), html: decodeBody(parts[1]!).replace(/\r\n/g, '\n') };
}

/** What every adapter must deliver for aMail(). */
function expectTheMail(parsed: Parsed, mail: Mail) {
  expect(parsed.headers.get('message-id')).toBe('<01JTASK.overdue.2.rita@trajectregie>');
  expect(parsed.headers.get('x-trajectregie-message-id')).toBe('<01JTASK.overdue.2.rita@trajectregie>');
  expect(parsed.headers.get('from')).toBe(FROM);
  expect(parsed.headers.get('to')).toBe(mail.to);
  expect(parsed.headers.get('subject')).toBe(mail.subject);
  expect(parsed.headers.get('subject')).toBe('Te laat (8 dagen): POP-gesprek met A. H. (TR-XK2QF9)');
  expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
  expect(parsed.headers.get('mime-version')).toBe('1.0');
  expect(parsed.text).toBe(mail.text.replace(/\r\n/g, '\n'));
  expect(parsed.html).toBe(mail.html);
  expect(parsed.text).toContain('Beste Rita Özdemir,');
  expect(parsed.text).toContain('Het POP-gesprek met cliënt A. H. (traject TR-XK2QF9) had uiterlijk maandag 3 maart 2025 moeten gebeuren');
  expect(parsed.text).toContain(LINK);
  expect(parsed.html).toContain(`<a href="${LINK}"`);
  expect(parsed.html).toContain('cliënt A. H. (traject TR-XK2QF9)');
}

// ---------- SMTP ----------

interface Received {
  mailFrom: string | undefined;
  rcptTo: string[];
  raw: string;
}

describe('smtpMailer against an SMTP server on loopback', () => {
  const received: Received[] = [];
  let server: SMTPServer;
  let url: string;

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith('nobody@')) {
          const error = Object.assign(new Error(`<${address.address}>: Recipient address rejected`), { responseCode: 550 });
          callback(error);
          return;
        }
        callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push({
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
            rcptTo: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('delivers the composed mail: envelope, headers, the Dutch text part and the HTML part', async () => {
    const mailer = smtpMailer(url, FROM);
    const mail = aMail();
    await mailer.send(mail);
    mailer.close();
    expect(received).toHaveLength(1);
    const got = received[0]!;
    expect(got.mailFrom).toBe('noreply@trajectregie.example.nl');
    expect(got.rcptTo).toEqual(['rita@gemeente.example.nl']);
    expectTheMail(parseMessage(got.raw), mail);
  });

  it('a refused recipient is a permanent failure that names no address', async () => {
    const mailer = smtpMailer(url, FROM);
    const error = await mailer.send(aMail({ to: 'nobody@gemeente.example.nl' })).catch((e: unknown) => e);
    mailer.close();
    expect(error).toBeInstanceOf(MailSendError);
    expect(error).toMatchObject({ channel: 'smtp', code: 'SMTP 550', permanent: true, messageId: '<01JTASK.overdue.2.rita@trajectregie>' });
    expect(String((error as Error).message)).not.toContain('nobody');
    expect(Object.keys(error as object)).not.toContain('cause');
  });

  it('a server that is not there is a failure worth retrying', async () => {
    const closed = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], logger: false });
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const mailer = smtpMailer(`smtp://127.0.0.1:${port}`, FROM, { timeoutMs: 2_000 });
    const error = await mailer.send(aMail()).catch((e: unknown) => e);
    mailer.close();
    expect(error).toBeInstanceOf(MailSendError);
    expect(error).toMatchObject({ channel: 'smtp', permanent: false });
  });
});

// ---------- .eml folder ----------

describe('emlMailer writes the mail to the outbox folder', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trajectregie-outbox-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('one parseable .eml per mail, named after its messageId; the log names the file and the id only', async () => {
    const lines: Array<{ message: string; fields?: Record<string, unknown> }> = [];
    const logger: Logger = {
      info: (message, fields) => lines.push({ message, fields }),
      warn: (message, fields) => lines.push({ message, fields }),
      error: (message, fields) => lines.push({ message, fields }),
    };
    const outbox = join(dir, 'outbox'); // not there yet: made on the first mail
    const mailer = emlMailer(outbox, FROM, logger);
    const mail = aMail();
    await mailer.send(mail);
    await mailer.send(mail); // the same mail again: the same file, replaced

    expect(await readdir(outbox)).toEqual(['01JTASK.overdue.2.rita.eml']);
    expectTheMail(parseMessage(await readFile(join(outbox, '01JTASK.overdue.2.rita.eml'), 'utf8')), mail);

    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual({
      message: 'mail written to the outbox folder',
      fields: { file: '01JTASK.overdue.2.rita.eml', messageId: '<01JTASK.overdue.2.rita@trajectregie>' },
    });
    const logged = JSON.stringify(lines);
    for (const secret of ['rita@gemeente', 'Özdemir', mail.subject, 'A. H.', 'TR-XK2QF9']) expect(logged).not.toContain(secret);
  });

  it('keeps odd characters of a messageId out of the file name, one-to-one', async () => {
    const logger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
    const mailer = emlMailer(join(dir, 'odd'), FROM, logger);
    await mailer.send(aMail({ messageId: '../a/b#c' }));
    await mailer.send(aMail({ messageId: '..=2Fa=2Fb=23c' }));
    expect((await readdir(join(dir, 'odd'))).sort()).toEqual(['=2E=2E=2Fa=2Fb=23c.eml', '=2E=2E=3D2Fa=3D2Fb=3D23c.eml']);
  });
});

// ---------- SES, with a fake client ----------

function fakeSes(behaviour: (input: SendEmailCommandInput) => unknown = () => ({ MessageId: 'ses-1' })) {
  const sent: SendEmailCommandInput[] = [];
  const clients: unknown[] = [];
  let loads = 0;
  const sdk: SesSdk = {
    SESv2Client: class {
      constructor(config: object) {
        clients.push(config);
      }
      async send(command: SendEmailCommand) {
        sent.push(command.input);
        const out = behaviour(command.input);
        if (out instanceof Error) throw out;
        return out as never;
      }
    },
    SendEmailCommand,
  };
  return {
    sent,
    clients,
    loads: () => loads,
    loadSdk: async () => {
      loads++;
      return sdk;
    },
  };
}

describe('sesMailer', () => {
  it('sends the composed MIME as Content.Raw, with the same Message-ID and parts as locally', async () => {
    const ses = fakeSes();
    const instrumented: unknown[] = [];
    const mailer = sesMailer(
      FROM,
      (client) => {
        instrumented.push(client);
        return client;
      },
      { loadSdk: ses.loadSdk, configurationSetName: 'trajectregie' },
    );
    expect(ses.loads()).toBe(0); // nothing is imported before the first send
    const mail = aMail();
    await mailer.send(mail);
    await mailer.send(mail);

    expect(ses.loads()).toBe(1);
    expect(ses.clients).toHaveLength(1);
    expect(instrumented).toHaveLength(1);
    expect(ses.sent).toHaveLength(2);
    const input = ses.sent[0]!;
    expect(input.FromEmailAddress).toBe('noreply@trajectregie.example.nl');
    expect(input.Destination).toEqual({ ToAddresses: ['rita@gemeente.example.nl'] });
    expect(input.ConfigurationSetName).toBe('trajectregie');
    expect(input.Content?.Simple).toBeUndefined();
    const raw = Buffer.from(input.Content!.Raw!.Data!).toString('utf8');
    const parsed = parseMessage(raw);
    expectTheMail(parsed, mail);

    // The same Mail composed for SMTP and the .eml folder: the same Message-ID, headers and parts.
    const local = parseMessage((await composeMail(mail, FROM)).raw.toString('utf8'));
    expect(local.headers.get('message-id')).toBe(parsed.headers.get('message-id'));
    for (const header of ['from', 'to', 'subject', 'x-trajectregie-message-id', 'auto-submitted']) expect(local.headers.get(header)).toBe(parsed.headers.get(header));
    expect(local.text).toBe(parsed.text);
    expect(local.html).toBe(parsed.html);
  });

  it("turns SES's errors into MailSendError without the address, permanent or not", async () => {
    const rejected = Object.assign(new Error('Email address is not verified: rita@gemeente.example.nl'), { name: 'MessageRejected', $metadata: { httpStatusCode: 400 } });
    const throttled = Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } });
    const unavailable = Object.assign(new Error('Service unavailable'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } });
    // About the deployment, not the mail: retried, so a fixed grant or a lifted pause sends it after all.
    const denied = Object.assign(new Error('not authorized to perform ses:SendRawEmail'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
    const paused = Object.assign(new Error('Sending paused'), { name: 'SendingPausedException', $metadata: { httpStatusCode: 400 } });
    for (const [error, permanent] of [[rejected, true], [throttled, false], [unavailable, false], [denied, false], [paused, false]] as const) {
      const ses = fakeSes(() => error);
      const failure = await sesMailer(FROM, undefined, { loadSdk: ses.loadSdk }).send(aMail()).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(MailSendError);
      expect(failure).toMatchObject({ channel: 'ses', code: error.name, permanent });
      expect((failure as Error).message).not.toContain('rita@gemeente');
    }
  });

  it('tries the SDK import again after it failed', async () => {
    const ses = fakeSes();
    let first = true;
    const mailer = sesMailer(FROM, undefined, {
      loadSdk: async () => {
        if (first) {
          first = false;
          throw new Error('import failed');
        }
        return ses.loadSdk();
      },
    });
    await expect(mailer.send(aMail())).rejects.toThrow('import failed');
    await mailer.send(aMail());
    expect(ses.sent).toHaveLength(1);
  });

  it('refuses a mail it cannot address, before loading anything', async () => {
    const ses = fakeSes();
    const mailer = sesMailer(FROM, undefined, { loadSdk: ses.loadSdk });
    await expect(mailer.send(aMail({ to: 'a@example.nl, b@example.nl' }))).rejects.toBeInstanceOf(InvalidMailError);
    await expect(mailer.send(aMail({ to: 'not an address' }))).rejects.toBeInstanceOf(InvalidMailError);
    await expect(mailer.send(aMail({ messageId: '' }))).rejects.toBeInstanceOf(InvalidMailError);
    expect(ses.loads()).toBe(0);
  });
});

describe('the Message-ID', () => {
  it('is <messageId@trajectregie>, odd characters written one-to-one', () => {
    expect(messageIdHeader('01JTASK.reminder.1.rita')).toBe('<01JTASK.reminder.1.rita@trajectregie>');
    expect(messageIdLocalPart('a b')).toBe('a=20b');
    expect(messageIdLocalPart('.a..b.')).toBe('=2Ea=2E=2Eb=2E');
    expect(messageIdLocalPart('a=b')).toBe('a=3Db');
    expect(messageIdLocalPart('ë')).toBe('=C3=AB');
  });
});
