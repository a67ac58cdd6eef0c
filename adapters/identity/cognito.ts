/**
 * The IdentityProvider port on Amazon Cognito: the directory's users are the user pool's users
 * (username = userId), each in the group of their role (the `cognito:groups` claim the API
 * checks). Creating one sends Cognito's invitation mail with a temporary password; deactivating
 * disables the sign-in, reactivating enables it again.
 */
import type * as Cognito from '@aws-sdk/client-cognito-identity-provider';
import type { IdentityProvider } from '../../core/ports';
import type { NewUser } from '../../core/schemas';
import type { ClientInstrument } from '../dynamodb/client';

export type CognitoCommands = Pick<
  typeof Cognito,
  'AdminCreateUserCommand' | 'AdminAddUserToGroupCommand' | 'AdminDisableUserCommand' | 'AdminEnableUserCommand' | 'AdminUpdateUserAttributesCommand'
>;

/** What the adapter needs of the SDK client (a test passes a fake). */
export interface CommandSender {
  send(command: object): Promise<unknown>;
}

/**
 * The provider for the functions given it (adapters/aws-deps.ts, `identity`). The SDK package is
 * imported, and its client built, on the first call: a static import would load it at every cold
 * start (esbuild keeps an external package's import at the top of the bundle).
 */
export function cognitoIdentity(userPoolId: string, instrument: ClientInstrument = (client) => client): IdentityProvider {
  let loaded: Promise<IdentityProvider> | undefined;
  const provider = () => {
    if (!userPoolId) return Promise.reject(new Error('Invalid configuration: USER_POOL_ID is required to keep Cognito in step with the directory'));
    loaded ??= import('@aws-sdk/client-cognito-identity-provider').then(
      (sdk) => new CognitoIdentity(sdk, instrument(new sdk.CognitoIdentityProviderClient({})), userPoolId),
    );
    loaded.catch(() => (loaded = undefined)); // a failed import is tried again on the next call
    return loaded;
  };
  return {
    createUser: async (user) => (await provider()).createUser(user),
    setActive: async (userId, active) => (await provider()).setActive(userId, active),
    setEmail: async (userId, email) => (await provider()).setEmail(userId, email),
  };
}

export class CognitoIdentity implements IdentityProvider {
  constructor(
    private readonly sdk: CognitoCommands,
    private readonly client: CommandSender,
    private readonly userPoolId: string,
  ) {}

  /**
   * Creates the user (Cognito mails the invitation) and puts them in their role's group. A user
   * that exists already (a retry after a failure further on) is not an error: the group is added
   * again, which Cognito accepts as often as asked.
   */
  async createUser(user: NewUser): Promise<void> {
    try {
      await this.client.send(
        new this.sdk.AdminCreateUserCommand({
          UserPoolId: this.userPoolId,
          Username: user.userId,
          UserAttributes: [
            { Name: 'email', Value: user.email },
            { Name: 'email_verified', Value: 'true' },
          ],
          DesiredDeliveryMediums: ['EMAIL'],
        }),
      );
    } catch (error) {
      if (!(error instanceof Error && error.name === 'UsernameExistsException')) throw error;
    }
    await this.client.send(new this.sdk.AdminAddUserToGroupCommand({ UserPoolId: this.userPoolId, Username: user.userId, GroupName: user.role }));
  }

  async setActive(userId: string, active: boolean): Promise<void> {
    const input = { UserPoolId: this.userPoolId, Username: userId };
    await this.client.send(active ? new this.sdk.AdminEnableUserCommand(input) : new this.sdk.AdminDisableUserCommand(input));
  }

  /** The new address, verified: a beheerder changed it in the directory, so no code is mailed to confirm it. */
  async setEmail(userId: string, email: string): Promise<void> {
    await this.client.send(
      new this.sdk.AdminUpdateUserAttributesCommand({
        UserPoolId: this.userPoolId,
        Username: userId,
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
  }
}
