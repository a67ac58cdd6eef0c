import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

/**
 * The sender of notifications: an SES identity for the configured address
 * (SES sends its verification mail on deploy). Senders may send from this
 * identity only.
 */
export class Mail extends Construct {
  readonly identity: ses.EmailIdentity;
  readonly from: string;

  constructor(scope: Construct, id: string, props: { from: string }) {
    super(scope, id);
    this.from = props.from;
    this.identity = new ses.EmailIdentity(this, 'Sender', { identity: ses.Identity.email(props.from) });
  }

  /**
   * Sets MAIL_FROM and grants sending on the identity only: SES v2 SendEmail with raw content
   * (adapters/mail/ses.ts) is authorised as ses:SendRawEmail, simple content as ses:SendEmail.
   */
  bindSender(fn: lambda.Function): void {
    fn.addEnvironment('MAIL_FROM', this.from);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [
          Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: this.from, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }),
        ],
      }),
    );
  }
}
