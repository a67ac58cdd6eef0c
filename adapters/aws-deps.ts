/**
 * The adapters on AWS, built once per Lambda container from the configuration (parsed once).
 *
 * A cold start pays for every module the bundle imports, so each function loads only the AWS SDK
 * clients it uses:
 * - DynamoDB: every function (the store).
 * - Step Functions: only the functions that pass `stepFunctions` (api, open-task: the ones
 *   granted Step Functions in infra); this module imports neither the SDK client nor the engine,
 *   so no other bundle contains them. Built on the first engine call. Elsewhere `deps.engine`
 *   refuses every call, as the missing IAM grant would.
 * - Secrets Manager: imported on the first secret read (adapters/secrets.ts), i.e. by
 *   deliver-handover delivering to a configured webhook.
 * - Powertools Metrics: imported on the first gauge (adapters/metrics.ts; tick).
 * - Powertools Tracer (and the X-Ray SDK under it): only in the functions that pass `tracer`,
 *   imported on their first invocation.
 */
import type * as TracerModule from '@aws-lambda-powertools/tracer';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { Deps, WorkflowEngine } from '../core/ports';
import { createVerifier, type TokenVerifier } from './auth/verifier';
import { systemClock } from './clock/system-clock';
import { AwsConfig, parseConfig } from './config';
import { documentClient, type ClientInstrument } from './dynamodb/client';
import { DynamoIdempotencyStore } from './dynamodb/idempotency';
import { DynamoStore } from './dynamodb/store';
import { InboxChannel } from './handover/inbox-channel';
import { WebhookChannel } from './handover/webhook-channel';
import { ulidGenerator } from './ids';
import { createLogger, type LambdaContextFields, type LambdaLogger } from './logger';
import { cloudWatchMetrics } from './metrics';
import { secretReader } from './secrets';
import { forwardingEngine } from './workflow/forward';
import type { StepFunctionsEngine } from './workflow/step-functions';

/**
 * The Step Functions engine's classes, passed in by the functions that call the workflow engine
 * (`{ SFNClient, StepFunctionsEngine }`): importing them here would put the Step Functions client
 * into every bundle, and esbuild keeps an import of the external SDK even when nothing uses it.
 */
export interface StepFunctionsModule {
  SFNClient: typeof SFNClient;
  StepFunctionsEngine: typeof StepFunctionsEngine;
}

/** Powertools Tracer, as `() => import('@aws-lambda-powertools/tracer')` from the function's own file. */
export type TracerLoader = () => Promise<typeof TracerModule>;

export interface AwsDepsOptions {
  /** The workflow engine on Step Functions; without it `deps.engine` refuses every call. */
  stepFunctions?: StepFunctionsModule;
  /**
   * Traces every AWS SDK call in X-Ray (a subsegment per DynamoDB, Step Functions and Secrets
   * Manager call) and every outgoing HTTP request, such as the municipality webhook.
   * POWERTOOLS_TRACE_ENABLED=false skips it.
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
function awsConfig(): AwsConfig {
  config ??= parseConfig(AwsConfig);
  return config;
}

function build(options: AwsDepsOptions, instrument: ClientInstrument): Container {
  const { TABLE_NAME, POWERTOOLS_LOG_LEVEL, MUNICIPALITY_ENDPOINT: endpoint, MUNICIPALITY_SECRET_ARN: secretArn, STATE_MACHINE_ARN } = awsConfig();
  const doc = documentClient({}, instrument);
  const logger = createLogger(POWERTOOLS_LOG_LEVEL);
  const sfn = options.stepFunctions;
  const deps: Deps = {
    store: new DynamoStore(doc, TABLE_NAME),
    idempotency: new DynamoIdempotencyStore(doc, TABLE_NAME),
    clock: systemClock,
    ids: ulidGenerator(),
    engine: sfn ? lazyEngine(() => new sfn.StepFunctionsEngine(instrument(new sfn.SFNClient({})), STATE_MACHINE_ARN ?? '')) : NO_ENGINE,
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

/** The engine, built on its first call. */
function lazyEngine(create: () => WorkflowEngine): WorkflowEngine {
  let engine: WorkflowEngine | undefined;
  return forwardingEngine(() => (engine ??= create()));
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

/** The adapters, with untraced AWS SDK clients (the API's: the X-Ray SDK does not fit its bundle budget). */
export function awsDeps(options: Omit<AwsDepsOptions, 'tracer'> = {}): Deps {
  cached ??= build(options, (client) => client);
  return cached.deps;
}

/**
 * The adapters of a workflow step or the tick: traced when `options.tracer` is given, which is
 * then imported here, on the first invocation (the local runtime imports the functions' modules
 * too, and must not load the X-Ray SDK).
 */
export async function loadAwsDeps(options: AwsDepsOptions = {}): Promise<Deps> {
  if (!cached && options.tracer && process.env.POWERTOOLS_TRACE_ENABLED?.toLowerCase() !== 'false') {
    awsConfig(); // a bad configuration fails before the Tracer is loaded
    const { Tracer } = await options.tracer();
    const tracer = new Tracer({ serviceName: 'trajectregie' });
    cached ??= build(options, (client) => tracer.captureAWSv3Client(client));
  }
  return awsDeps(options);
}

/**
 * Puts the invocation's Lambda context (function, version, request ID, cold start) in every log
 * item that follows. Each Lambda entry point calls it at the start of every invocation, once
 * its adapters are built.
 */
export function logLambdaContext(context: LambdaContextFields | undefined): void {
  if (context) cached?.logger.addContext(context);
}

/** The API's verifier of Cognito tokens. */
export function awsVerifier(): TokenVerifier {
  const { AUTH_ISSUER, AUTH_AUDIENCE, AUTH_JWKS_URL } = awsConfig();
  if (!AUTH_ISSUER || !AUTH_JWKS_URL || !AUTH_AUDIENCE) {
    throw new Error('Invalid configuration: AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URL are required for the API');
  }
  return createVerifier({ issuer: AUTH_ISSUER, audience: AUTH_AUDIENCE, jwks: new URL(AUTH_JWKS_URL) });
}
