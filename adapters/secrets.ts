import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ClientInstrument } from './dynamodb/client';

/**
 * Reads secret values, each secret once per container (a failed read is retried next time). The
 * Secrets Manager client, and the SDK package under it, is loaded and built on the first read:
 * only deliver-handover with a municipality webhook reads a secret, and no other function, nor a
 * delivery to the inbox, pays for it. `instrument` decorates the client (X-Ray tracing).
 */
export function secretReader(instrument: ClientInstrument = (client) => client): (arn: string) => Promise<string> {
  let sdk: Promise<{ client: SecretsManagerClient; read: (arn: string) => Promise<string | undefined> }> | undefined;
  const connect = () => {
    sdk ??= import('@aws-sdk/client-secrets-manager').then(({ SecretsManagerClient, GetSecretValueCommand }) => {
      const client = instrument(new SecretsManagerClient({}));
      return { client, read: async (arn: string) => (await client.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString };
    });
    sdk.catch(() => (sdk = undefined));
    return sdk;
  };
  const cache = new Map<string, Promise<string>>();
  return (arn) => {
    let value = cache.get(arn);
    if (!value) {
      value = connect()
        .then(({ read }) => read(arn))
        .then((secret) => {
          if (!secret) throw new Error('The secret has no string value');
          return secret;
        });
      value.catch(() => cache.delete(arn));
      cache.set(arn, value);
    }
    return value;
  };
}
