import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** The roles of docs/domain.md; a user's Cognito groups become the `cognito:groups` claim the API checks. */
export const USER_GROUPS = ['regisseur', 'beheerder', 'gemeente'] as const;

/** The Cognito admin actions the directory uses (adapters/identity/cognito.ts), and no more. */
export const DIRECTORY_ACTIONS = [
  'cognito-idp:AdminCreateUser',
  'cognito-idp:AdminAddUserToGroup',
  'cognito-idp:AdminDisableUser',
  'cognito-idp:AdminEnableUser',
  'cognito-idp:AdminUpdateUserAttributes',
] as const;

/**
 * The Cognito user pool the API trusts: no self sign-up (a beheerder invites
 * users), MFA required (authenticator app), a strong password policy and
 * threat protection (Plus plan). It holds user accounts and their MFA
 * enrolment, so it lives in the stateful stack and is retained on delete.
 */
export class Auth extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      // The user name is the directory's user id (adapters/identity/cognito.ts creates users so),
      // which access tokens carry as `username`; people may also sign in with their e-mail.
      signInAliases: { username: true, email: true },
      autoVerify: { email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const group of USER_GROUPS) {
      this.userPool.addGroup(`Group-${group}`, { groupName: group, description: `Role ${group}` });
    }
    this.client = this.userPool.addClient('ApiClient', {
      authFlows: { userSrp: true },
      preventUserExistenceErrors: true,
      generateSecret: false,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });
  }

  /**
   * The function that keeps the pool in step with the user directory (adapters/identity/cognito.ts)
   * gets USER_POOL_ID and exactly the admin actions it calls, on this pool only.
   */
  bindDirectory(fn: lambda.Function): iam.Grant {
    fn.addEnvironment('USER_POOL_ID', this.userPool.userPoolId);
    return this.userPool.grant(fn, ...DIRECTORY_ACTIONS);
  }

  /** The token issuer the API verifies: https://cognito-idp.<region>.amazonaws.com/<poolId>. */
  get issuer(): string {
    return `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;
  }
}
