/**
 * The adapters on AWS, built once per Lambda container from the parsed configuration.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import type { Deps } from '../core/ports';
import { createVerifier, type TokenVerifier } from './auth/verifier';
import { systemClock } from './clock/system-clock';
import { AwsConfig, parseConfig } from './config';
import { documentClient } from './dynamodb/client';
import { DynamoIdempotencyStore } from './dynamodb/idempotency';
import { DynamoStore } from './dynamodb/store';
import { InboxChannel } from './handover/inbox-channel';
import { WebhookChannel } from './handover/webhook-channel';
import { ulidGenerator } from './ids';
import { createLogger } from './logger';
import { cloudWatchMetrics } from './metrics';
import { secretValue } from './secrets';
import { StepFunctionsEngine } from './workflow/step-functions';

let cached: Deps | undefined;

export function awsDeps(): Deps {
  if (cached) return cached;
  const config = parseConfig(AwsConfig);
  const doc = documentClient();
  const logger = createLogger(config.POWERTOOLS_LOG_LEVEL);
  const secretArn = config.MUNICIPALITY_SECRET_ARN;
  cached = {
      store: new DynamoStore(doc, config.TABLE_NAME),
      idempotency: new DynamoIdempotencyStore(doc, config.TABLE_NAME),
      clock: systemClock,
      ids: ulidGenerator(),
      engine: new StepFunctionsEngine(new SFNClient({}), config.STATE_MACHINE_ARN ?? ''),
      handovers:
        config.MUNICIPALITY_ENDPOINT && secretArn
          ? new WebhookChannel(config.MUNICIPALITY_ENDPOINT, () => secretValue(secretArn))
          : new InboxChannel(logger),
      metrics: cloudWatchMetrics(),
      logger,
  };
  return cached;
}

/** The API's verifier of Cognito tokens. */
export function awsVerifier(): TokenVerifier {
  const config = parseConfig(AwsConfig);
  if (!config.AUTH_ISSUER || !config.AUTH_JWKS_URL || !config.AUTH_AUDIENCE) {
    throw new Error('Invalid configuration: AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URL are required for the API');
  }
  return createVerifier({ issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE, jwks: new URL(config.AUTH_JWKS_URL) });
}
