/**
 * Mail on this machine: through an SMTP server when SMTP_URL is set, else written as .eml files
 * (RFC 5322, as the mail would have left) in DATA_DIR/outbox, with a log line naming the file.
 * Both are composed by nodemailer, as on AWS (adapters/mail/ses.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger, Mail, Mailer } from '../../core/ports';

export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    send: async (mail) => {
      await transport.sendMail(message(mail, from));
    },
  };
}

export function emlMailer(dir: string, from: string, logger: Logger): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    send: async (mail) => {
      const info = await transport.sendMail(message(mail, from));
      await mkdir(dir, { recursive: true });
      const file = join(dir, `${mail.messageId.replace(/[^A-Za-z0-9._-]/g, '_')}.eml`);
      await writeFile(file, info.message as Buffer);
      logger.info('mail written to the outbox folder', { file });
    },
  };
}

function message(mail: Mail, from: string) {
  return { from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, messageId: `<${mail.messageId}@trajectregie>` };
}
