/**
 * The adapters on AWS, built once per Lambda container from the configuration (parsed once).
 *
 * A cold start pays for every module the bundle evaluates, so the Lambda entry points import this
 * module on their first invocation (functions/step-event.ts, functions/api.ts), and each function
 * loads only the AWS SDK clients it uses. esbuild keeps a static import of an external package
 * (the runtime's AWS SDK) at the top of the bundle, evaluated at start wherever it is written,
 * even when nothing uses it; so the SDK is imported with import(), where it is needed:
 * - DynamoDB: every function (the store).
 * - Step Functions: only the functions that pass `stepFunctions` (api, open-task: the ones
 *   granted Step Functions in infra); this module imports neither the SDK client nor the engine,
 *   so no other bundle contains them. The SDK is imported on the first engine call
 *   (adapters/workflow/step-functions.ts). Elsewhere `deps.engine` refuses every call, as the
 *   missing IAM grant would.
 * - Cognito: only the API, which passes `identity` (granted the user pool's admin actions in
 *   infra); the SDK is imported on the first directory change (adapters/identity/cognito.ts).
 *   Elsewhere `deps.identity` refuses every call.
 * - Secrets Manager: imported on the first secret read (adapters/secrets.ts), i.e. by
 *   deliver-handover delivering to a configured webhook.
 * - Powertools Metrics: imported on the first gauge (adapters/metrics.ts; tick).
 * - Powertools Tracer (and the X-Ray SDK under it): only in the functions that pass `tracer`.
 */
import type * as TracerModule from '@aws-lambda-powertools/tracer';
import type { Deps, IdentityProvider, Mailer, WorkflowEngine } from '../core/ports';
import { systemClock } from './clock/system-clock';
import { AwsConfig, parseConfig, settingsFrom } from './config';
import { documentClient, type ClientInstrument } from './dynamodb/client';
import { DynamoIdempotencyStore } from './dynamodb/idempotency';
import { DynamoSignalStore } from './dynamodb/signal-store';
import { DynamoNotificationStore } from './dynamodb/notification-store';
import { DynamoStore } from './dynamodb/store';
import { DynamoUserStore } from './dynamodb/user-store';
import { InboxChannel } from './handover/inbox-channel';
import type * as CognitoModule from './identity/cognito';
import type * as SesModule from './mail/ses';
import { WebhookChannel } from './handover/webhook-channel';
import { ulidGenerator } from './ids';
import { createLogger, type LambdaContextFields, type LambdaLogger } from './logger';
import { cloudWatchMetrics } from './metrics';
import { secretReader } from './secrets';
import type * as StepFunctionsModule from './workflow/step-functions';

/** The Step Functions engine, as `() => import('../adapters/workflow/step-functions')` from the function's own file. */
export type StepFunctionsLoader = () => Promise<typeof StepFunctionsModule>;

/** The Cognito identity provider, as `() => import('../adapters/identity/cognito')` from the function's own file. */
export type IdentityLoader = () => Promise<typeof CognitoModule>;

/** The SES mailer, as `() => import('../adapters/mail/ses')` from the function's own file. */
export type MailerLoader = () => Promise<typeof SesModule>;

/** Powertools Tracer, as `() => import('@aws-lambda-powertools/tracer')` from the function's own file. */
export type TracerLoader = () => Promise<typeof TracerModule>;

export interface AwsDepsOptions {
  /** The workflow engine on Step Functions; without it `deps.engine` refuses every call. */
  stepFunctions?: StepFunctionsLoader;
  /** Keeps Cognito (USER_POOL_ID) in step with the directory; without it `deps.identity` refuses every call. */
  identity?: IdentityLoader;
  /** Sends mail through SES from MAIL_FROM (the tick); without it `deps.mailer` refuses every mail. */
  mailer?: MailerLoader;
  /**
   * Traces every AWS SDK call in X-Ray (a subsegment per DynamoDB, Step Functions and Secrets
   * Manager call) and every outgoing HTTP request, such as the municipality webhook.
   * POWERTOOLS_TRACE_ENABLED=false skips it. Not for the API: the X-Ray SDK does not fit its
   * bundle budget.
   */
  tracer?: TracerLoader;
}

interface Container {
  deps: Deps;
  logger: LambdaLogger;
}

let config: AwsConfig | undefined;
let cached: Container | undefined;

/** The configuration, parsed (and checked) once per container. */
export function awsConfig(): AwsConfig {
  config ??= parseConfig(AwsConfig);
  return config;
}

interface Loaded {
  stepFunctions: typeof StepFunctionsModule | undefined;
  cognito: typeof CognitoModule | undefined;
  ses: typeof SesModule | undefined;
}

function build(instrument: ClientInstrument, { stepFunctions, cognito, ses }: Loaded): Container {
  const { TABLE_NAME, POWERTOOLS_LOG_LEVEL, MUNICIPALITY_ENDPOINT: endpoint, MUNICIPALITY_SECRET_ARN: secretArn, STATE_MACHINE_ARN, USER_POOL_ID, MAIL_FROM } =
    awsConfig();
  const doc = documentClient({}, instrument);
  const logger = createLogger(POWERTOOLS_LOG_LEVEL);
  const deps: Deps = {
    store: new DynamoStore(doc, TABLE_NAME),
    users: new DynamoUserStore(doc, TABLE_NAME),
    identity: cognito ? cognito.cognitoIdentity(USER_POOL_ID ?? '', instrument) : NO_IDENTITY,
    notifications: new DynamoNotificationStore(doc, TABLE_NAME),
    mailer: ses ? ses.sesMailer(MAIL_FROM, instrument) : NO_MAILER,
    settings: settingsFrom(awsConfig()),
    idempotency: new DynamoIdempotencyStore(doc, TABLE_NAME),
    signals: new DynamoSignalStore(doc, TABLE_NAME),
    clock: systemClock,
    ids: ulidGenerator(),
    engine: stepFunctions ? stepFunctions.stepFunctionsEngine(STATE_MACHINE_ARN ?? '', instrument) : NO_ENGINE,
    handovers: endpoint && secretArn ? webhookChannel(endpoint, secretArn, instrument) : new InboxChannel(logger),
    metrics: cloudWatchMetrics(),
    logger,
  };
  return { deps, logger };
}

function webhookChannel(endpoint: string, secretArn: string, instrument: ClientInstrument): WebhookChannel {
  const readSecret = secretReader(instrument);
  return new WebhookChannel(endpoint, () => readSecret(secretArn));
}

/** Named, as the use cases log only an error's name when telling the workflow fails (core/usecases/change.ts). */
class NoWorkflowEngineError extends Error {
  override name = 'NoWorkflowEngineError';
}

const refuse = async (): Promise<never> => {
  throw new NoWorkflowEngineError('This function has no workflow engine: pass stepFunctions to its handler, and grant it Step Functions in infra');
};

/** The engine of a function that is not granted Step Functions (it would get AccessDenied). */
const NO_ENGINE: WorkflowEngine = { start: refuse, sendTaskSuccess: refuse, sendTaskFailure: refuse, listExecutions: refuse };

const refuseWith = (what: string) => async (): Promise<never> => {
  throw new NoWorkflowEngineError(`This function has no ${what}`);
};
/** The identity provider of a function that is not granted the user pool (it would get AccessDenied). */
const NO_IDENTITY: IdentityProvider = {
  createUser: refuseWith('identity provider'),
  setActive: refuseWith('identity provider'),
  setEmail: refuseWith('identity provider'),
};
/** The mailer of a function that is not granted SES (it would get AccessDenied). */
const NO_MAILER: Mailer = { send: refuseWith('mailer') };

/**
 * The adapters of a Lambda function, built on its first invocation (the local runtime imports the
 * functions' modules too, and must not load the X-Ray SDK); the AWS SDK clients are traced when
 * `options.tracer` is given.
 */
export async function loadAwsDeps(options: AwsDepsOptions = {}): Promise<Deps> {
  if (!cached) {
    awsConfig(); // a bad configuration fails before anything is loaded
    const traced = options.tracer && process.env.POWERTOOLS_TRACE_ENABLED?.toLowerCase() !== 'false';
    const [tracing, stepFunctions, cognito, ses] = await Promise.all([
      traced ? options.tracer?.() : undefined,
      options.stepFunctions?.(),
      options.identity?.(),
      options.mailer?.(),
    ]);
    const tracer = tracing && new tracing.Tracer({ serviceName: 'trajectregie' });
    cached ??= build(tracer ? (client) => tracer.captureAWSv3Client(client) : (client) => client, { stepFunctions, cognito, ses });
  }
  return cached.deps;
}

/**
 * Puts the invocation's Lambda context (function, version, request ID, cold start) in every log
 * item that follows. Each Lambda entry point calls it at the start of every invocation, once
 * its adapters are built.
 */
export function logLambdaContext(context: LambdaContextFields | undefined): void {
  if (context) cached?.logger.addContext(context);
}
