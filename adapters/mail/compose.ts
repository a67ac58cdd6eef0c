/**
 * The one composition of an outgoing mail (RFC 5322 / MIME, multipart/alternative with a text and
 * an HTML part), shared by every Mailer: SMTP and the .eml folder (adapters/mail/local.ts) and SES
 * (adapters/mail/ses.ts) send the bytes composed here, so the same Mail has the same headers,
 * parts and Message-ID (`<messageId@trajectregie>`) whichever way it leaves.
 *
 * SES replaces the Message-ID (and the Date) with its own on sending; the
 * `X-Trajectregie-Message-ID` header carries ours through, so a resent mail stays recognisable
 * (and SES's event notifications can include it).
 */
import addressparser from 'nodemailer/lib/addressparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Mail } from '../../core/ports';

export const MESSAGE_ID_DOMAIN = 'trajectregie';
export const MESSAGE_ID_HEADER = 'X-Trajectregie-Message-ID';

export interface ComposedMail {
  /** The whole message, CRLF line ends, ready for SMTP's DATA, an .eml file or SES's Content.Raw. */
  raw: Buffer;
  /** The Message-ID header's value, `<…@trajectregie>`. */
  messageId: string;
  /** A name for the message in a file system or a log: the Message-ID's local part. */
  fileName: string;
  /** Bare addresses for the SMTP envelope (the raw message is not parsed again). */
  envelope: { from: string; to: string[] };
}

/**
 * The Message-ID's local part: letters, digits, `_`, `-` and single inner dots kept (a dot-atom,
 * RFC 5322), every other byte (a `=`, a leading, trailing or doubled dot too) written as `=XX`:
 * the mapping is one-to-one, so two messageIds never share one, and it is a safe file name.
 */
export function messageIdLocalPart(messageId: string): string {
  if (messageId.length === 0) throw new InvalidMailError('A mail needs a messageId');
  const bytes = Buffer.from(messageId, 'utf8');
  let out = '';
  bytes.forEach((byte, i) => {
    const ch = String.fromCharCode(byte);
    const innerDot = ch === '.' && i > 0 && i < bytes.length - 1 && bytes[i - 1] !== 0x2e && bytes[i + 1] !== 0x2e;
    out += /[A-Za-z0-9_-]/.test(ch) || innerDot ? ch : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  });
  return out;
}

/** The Message-ID header of a mail: `<messageId@trajectregie>`, the same in every adapter. */
export function messageIdHeader(messageId: string): string {
  return `<${messageIdLocalPart(messageId)}@${MESSAGE_ID_DOMAIN}>`;
}

/** One bare address from an address field ("Name <a@b>" or "a@b"); anything else is refused. */
export function singleAddress(field: string, what: string): string {
  const parsed = addressparser(field, { flatten: true });
  const first = parsed[0];
  if (parsed.length !== 1 || !first || !first.address || !/^[^\s@]+@[^\s@]+$/.test(first.address)) {
    // The address itself stays out of the message: errors end up in logs and stored deliveries.
    throw new InvalidMailError(`Invalid mail ${what}: one e-mail address expected`);
  }
  return first.address;
}

/**
 * Composes the mail once: From, To, Subject, Date, Message-ID, our own id header, the language, headers that
 * stop auto-replies (RFC 3834), and a multipart/alternative body with the plain-text part first
 * and the HTML part second (both UTF-8, quoted-printable or base64 as nodemailer chooses).
 */
export async function composeMail(mail: Mail, from: string, options: { date?: Date } = {}): Promise<ComposedMail> {
  const envelope = { from: singleAddress(from, 'sender'), to: [singleAddress(mail.to, 'recipient')] };
  const messageId = messageIdHeader(mail.messageId);
  const node = new MailComposer({
    from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId,
    ...(options.date ? { date: options.date } : {}),
    headers: {
      [MESSAGE_ID_HEADER]: messageId,
      'Auto-Submitted': 'auto-generated',
      'Content-Language': 'nl',
      'X-Auto-Response-Suppress': 'All',
    },
    newline: 'win',
    disableFileAccess: true,
    disableUrlAccess: true,
  }).compile();
  return { raw: await node.build(), messageId, fileName: messageIdLocalPart(mail.messageId), envelope };
}

/**
 * A mail that did not leave, said without personal data: servers' answers often quote the
 * address ("550 <rita@…>: unknown user"), and the error may be logged or stored with the
 * delivery, so only the Message-ID, a code and whether a retry can help are kept.
 * `permanent`: the same mail will be refused again (a 5xx reply, SES's MessageRejected); else a
 * later attempt may go through (a connection failure, a 4xx reply, throttling).
 */
export class MailSendError extends Error {
  override name = 'MailSendError';
  constructor(
    readonly messageId: string,
    readonly channel: 'smtp' | 'ses',
    readonly code: string,
    readonly permanent: boolean,
  ) {
    super(`${channel} did not take mail ${messageId}: ${code}${permanent ? ' (permanent)' : ''}`);
  }
}

/** A mail that cannot be composed (no messageId, not one address): sending it again will not help. */
export class InvalidMailError extends Error {
  override name = 'InvalidMailError';
  readonly permanent = true;
}
