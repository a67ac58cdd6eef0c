/**
 * Mail on this machine: through an SMTP server when SMTP_URL is set (smtpMailer), else written as
 * .eml files (RFC 5322, byte for byte the message that would have left) in DATA_DIR/outbox
 * (emlMailer), one per mail, named after its messageId, with a log line naming the file.
 * Both send what adapters/mail/compose.ts composed, as SES does on AWS (adapters/mail/ses.ts).
 *
 * Logs carry the file name and the Message-ID only: never an address, a subject or a text.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger, Mail, Mailer } from '../../core/ports';
import { composeMail, MailSendError } from './compose';

/** A Mailer that can also let go of what it holds (an SMTP connection). */
export interface ClosableMailer extends Mailer {
  close(): void;
}

/**
 * Through the SMTP server at `url` (smtp://user:pass@host:port, or smtps://). The message is the
 * composed one, handed over as is with its envelope (the server is not asked to rebuild it).
 * A server that refuses the recipient fails the send.
 */
export function smtpMailer(url: string, from: string, options: { timeoutMs?: number } = {}): ClosableMailer {
  const timeout = options.timeoutMs ?? 30_000;
  const transport = nodemailer.createTransport({ url, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout });
  return {
    send: async (mail) => {
      const composed = await composeMail(mail, from);
      let info: { accepted: unknown[]; rejected: unknown[] };
      try {
        info = await transport.sendMail({ envelope: composed.envelope, raw: composed.raw });
      } catch (error) {
        throw smtpError(error, composed.messageId);
      }
      if (info.rejected.length > 0 || info.accepted.length === 0) throw new MailSendError(composed.messageId, 'smtp', 'RecipientRejected', true);
    },
    close: () => transport.close(),
  };
}

/**
 * The server's answer without its text (which may quote the address): its reply code, or the
 * connection's error code. Permanent: a 5xx reply but 503 (nodemailer's own `permanent` when set).
 */
function smtpError(error: unknown, messageId: string): MailSendError {
  const e = (error ?? {}) as { code?: unknown; responseCode?: unknown; permanent?: unknown; name?: unknown };
  const reply = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const code = reply !== undefined ? `SMTP ${reply}` : typeof e.code === 'string' ? e.code : typeof e.name === 'string' ? e.name : 'UnknownError';
  const permanent = typeof e.permanent === 'boolean' ? e.permanent : reply !== undefined && reply >= 500 && reply !== 503;
  return new MailSendError(messageId, 'smtp', code, permanent);
}

/**
 * Into the folder `dir` (created on the first mail): `<Message-ID local part>.eml`. The same mail
 * sent again replaces its file (written beside it and renamed, so a reader never sees half a mail).
 */
export function emlMailer(dir: string, from: string, logger: Logger): Mailer {
  return {
    send: async (mail: Mail) => {
      const composed = await composeMail(mail, from);
      await mkdir(dir, { recursive: true });
      const fileName = `${composed.fileName}.eml`;
      const file = join(dir, fileName);
      const partial = `${file}.${process.pid}.tmp`;
      await writeFile(partial, composed.raw);
      await rename(partial, file);
      logger.info('mail written to the outbox folder', { file: fileName, messageId: composed.messageId });
    },
  };
}
