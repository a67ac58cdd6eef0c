/**
 * The Mailer on Amazon SES (API v2): the message composed by adapters/mail/compose.ts, the same
 * bytes as SMTP and the .eml folder locally, sent as `Content.Raw`.
 *
 * The SDK package is imported, and its client built, on the first send: a static import would be
 * evaluated at every cold start of every function whose bundle holds this module (see
 * adapters/workflow/step-functions.ts). SES replaces the Message-ID and the Date headers with
 * its own; `X-Trajectregie-Message-ID` keeps ours (compose.ts).
 *
 * IAM: SendEmail with raw content is authorised as `ses:SendRawEmail` (grant `ses:SendEmail` too)
 * on the sender's identity, and on the configuration set when one is named.
 */
import type * as Ses from '@aws-sdk/client-sesv2';
import type { Mail, Mailer } from '../../core/ports';
import type { ClientInstrument } from '../dynamodb/client';
import { composeMail, MailSendError } from './compose';

/** What the mailer needs of the SDK module: a client that sends, and the command. */
export interface SesSdk {
  SESv2Client: new (config: Ses.SESv2ClientConfig) => { send(command: Ses.SendEmailCommand): Promise<Ses.SendEmailCommandOutput> };
  SendEmailCommand: new (input: Ses.SendEmailCommandInput) => Ses.SendEmailCommand;
}

export interface SesMailerOptions {
  /** The SES configuration set (event destinations for bounces and complaints), if any. */
  configurationSetName?: string;
  /** Where the SDK comes from: the package itself, unless a test hands in a fake. */
  loadSdk?: () => Promise<SesSdk>;
}

const loadSesSdk = async (): Promise<SesSdk> => import('@aws-sdk/client-sesv2');

/**
 * Errors about this mail itself, after which the same mail will be refused again. Everything else
 * (a paused or sandboxed account, a missing grant or configuration set, throttling, an outage)
 * is about the deployment and passes once it is mended: those are retried with backoff, so the
 * mails of that window are not lost for good.
 */
const PERMANENT_ERRORS = new Set(['MessageRejected', 'MailFromDomainNotVerifiedException', 'BadRequestException']);

/**
 * Sends from `from` ("Name <address>"; the address must be a verified SES identity). `instrument`
 * decorates the client (X-Ray) when it is built on the first send.
 */
export function sesMailer(from: string, instrument: ClientInstrument = (client) => client, options: SesMailerOptions = {}): Mailer {
  const loadSdk = options.loadSdk ?? loadSesSdk;
  let ready: Promise<{ sdk: SesSdk; client: InstanceType<SesSdk['SESv2Client']> }> | undefined;
  const connect = () => {
    if (!ready) {
      const attempt = loadSdk().then((sdk) => ({ sdk, client: instrument(new sdk.SESv2Client({})) }));
      ready = attempt;
      attempt.catch(() => {
        if (ready === attempt) ready = undefined; // a failed import is tried again on the next send
      });
    }
    return ready;
  };
  return {
    send: async (mail: Mail) => {
      const composed = await composeMail(mail, from);
      const { sdk, client } = await connect();
      try {
        await client.send(
          new sdk.SendEmailCommand({
            FromEmailAddress: composed.envelope.from,
            Destination: { ToAddresses: composed.envelope.to },
            Content: { Raw: { Data: composed.raw } },
            ...(options.configurationSetName ? { ConfigurationSetName: options.configurationSetName } : {}),
          }),
        );
      } catch (error) {
        throw sendError(error, composed.messageId);
      }
    },
  };
}

function sendError(error: unknown, messageId: string): MailSendError {
  const name = error instanceof Error ? error.name : 'UnknownError';
  const permanent = PERMANENT_ERRORS.has(name);
  return new MailSendError(messageId, 'ses', name, permanent);
}
