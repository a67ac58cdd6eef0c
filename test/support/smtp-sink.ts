/**
 * A real SMTP server on loopback (the `smtp-server` package) that keeps every mail it accepts,
 * raw, with the headers tests ask about. `onConnect` lets a test act the moment a sender connects
 * (before anything is accepted), e.g. to kill the sender between recording and sending.
 */
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  to: string[];
  raw: string;
  messageId: string;
  subject: string;
}

export interface SmtpSink {
  url: string;
  mails: ReceivedMail[];
  /** Called when a client connects; return false to refuse the connection. */
  onConnect?: () => boolean | void;
  close(): Promise<void>;
}

/** A header's value, unfolded. */
export function header(raw: string, name: string): string {
  const match = new RegExp(`^${name}:[ \\t]*((?:.*)(?:\\r?\\n[ \\t].*)*)`, 'im').exec(raw);
  return match?.[1]?.replace(/\r?\n[ \t]+/g, ' ').trim() ?? '';
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const sink: SmtpSink = { url: '', mails: [], close: async () => {} };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onConnect(_session, callback) {
      if (sink.onConnect?.() === false) return callback(new Error('not now'));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        sink.mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, messageId: header(raw, 'Message-ID'), subject: header(raw, 'Subject') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  sink.url = `smtp://127.0.0.1:${port}`;
  sink.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sink;
}
