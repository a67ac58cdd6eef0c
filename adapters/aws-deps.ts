/**
 * The adapters on AWS, built once per Lambda container from the parsed configuration.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { Deps } from '../core/ports';
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
import { StepFunctionsEngine } from './workflow/step-functions';

interface Container {
  deps: Deps;
  logger: LambdaLogger;
}

let cached: Container | undefined;

function build(instrument: ClientInstrument): Container {
  const config = parseConfig(AwsConfig);
  const doc = documentClient({}, instrument);
  const logger = createLogger(config.POWERTOOLS_LOG_LEVEL);
  const endpoint = config.MUNICIPALITY_ENDPOINT;
  const secretArn = config.MUNICIPALITY_SECRET_ARN;
  const deps: Deps = {
    store: new DynamoStore(doc, config.TABLE_NAME),
    idempotency: new DynamoIdempotencyStore(doc, config.TABLE_NAME),
    clock: systemClock,
    ids: ulidGenerator(),
    engine: new StepFunctionsEngine(instrument(new SFNClient({})), config.STATE_MACHINE_ARN ?? ''),
    handovers: endpoint && secretArn ? webhookChannel(endpoint, secretArn, instrument) : new InboxChannel(logger),
    metrics: cloudWatchMetrics(),
    logger,
  };
  return { deps, logger };
}

function webhookChannel(endpoint: string, secretArn: string, instrument: ClientInstrument): WebhookChannel {
  const readSecret = secretReader(instrument(new SecretsManagerClient({})));
  return new WebhookChannel(endpoint, () => readSecret(secretArn));
}

function container(): Container {
  cached ??= build((client) => client);
  return cached;
}

/** The adapters, with untraced AWS SDK clients (the API's: the X-Ray SDK does not fit its bundle budget). */
export function awsDeps(): Deps {
  return container().deps;
}

/**
 * The adapters with every AWS SDK client traced in X-Ray (Powertools Tracer: a subsegment per
 * DynamoDB, Step Functions and Secrets Manager call, and per outgoing HTTP request such as the
 * municipality webhook). The Tracer, and the X-Ray SDK under it, is imported on the first call,
 * so nothing else that imports this module (the local runtime does, through
 * functions/step-event.ts) loads it. POWERTOOLS_TRACE_ENABLED=false skips it altogether.
 */
export async function tracedAwsDeps(): Promise<Deps> {
  if (!cached && process.env.POWERTOOLS_TRACE_ENABLED?.toLowerCase() !== 'false') {
    const { Tracer } = await import('@aws-lambda-powertools/tracer');
    const tracer = new Tracer({ serviceName: 'trajectregie' });
    cached ??= build((client) => tracer.captureAWSv3Client(client));
  }
  return container().deps;
}

/**
 * Puts the invocation's Lambda context (function, version, request ID, cold start) in every log
 * item that follows. Each Lambda entry point calls it at the start of every invocation.
 */
export function logLambdaContext(context: LambdaContextFields | undefined): void {
  if (context) container().logger.addContext(context);
}

/** The API's verifier of Cognito tokens. */
export function awsVerifier(): TokenVerifier {
  const config = parseConfig(AwsConfig);
  if (!config.AUTH_ISSUER || !config.AUTH_JWKS_URL || !config.AUTH_AUDIENCE) {
    throw new Error('Invalid configuration: AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URL are required for the API');
  }
  return createVerifier({ issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE, jwks: new URL(config.AUTH_JWKS_URL) });
}
