import { RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export interface LogSettings {
  key: kms.IKey;
  retention: logs.RetentionDays;
}

/** A log group encrypted with the customer-managed key, kept for the configured retention. */
export function encryptedLogGroup(scope: Construct, id: string, settings: LogSettings, logGroupName?: string): logs.LogGroup {
  return new logs.LogGroup(scope, id, {
    logGroupName,
    encryptionKey: settings.key,
    retention: settings.retention,
    removalPolicy: RemovalPolicy.RETAIN,
  });
}
