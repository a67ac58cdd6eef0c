import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from '../nag';
import { grantKeyVia } from './data-key';

/**
 * Where handover notices go: the municipality's endpoint and the shared
 * secret that signs them, generated here and encrypted with the key.
 */
export class MunicipalityWebhook extends Construct {
  readonly secret: secretsmanager.Secret;
  readonly endpoint: string;
  private readonly key: kms.IKey;

  constructor(scope: Construct, id: string, props: { endpoint: string; key: kms.IKey }) {
    super(scope, id);
    this.endpoint = props.endpoint;
    this.key = props.key;
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: 'Trajectregie: shared secret that signs handover notices to the municipality',
      encryptionKey: props.key,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    acknowledge(
      this.secret,
      'The secret is shared with the municipality; rotating it is a coordinated manual step (both sides switch), not an automatic rotation.',
      'AwsSolutions-SMG4',
    );
  }

  /** Sets MUNICIPALITY_ENDPOINT and MUNICIPALITY_SECRET_ARN and grants reading that secret only. */
  bindSender(fn: lambda.Function): void {
    fn.addEnvironment('MUNICIPALITY_ENDPOINT', this.endpoint);
    fn.addEnvironment('MUNICIPALITY_SECRET_ARN', this.secret.secretArn);
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.secret.secretArn] }),
    );
    grantKeyVia(fn, this.key, 'secretsmanager', ['kms:Decrypt']);
  }
}
