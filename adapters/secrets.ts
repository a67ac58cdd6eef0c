import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

const client = new SecretsManagerClient({});
const cache = new Map<string, Promise<string>>();

/** A secret's value, read once per container. */
export function secretValue(arn: string): Promise<string> {
  let value = cache.get(arn);
  if (!value) {
    value = client.send(new GetSecretValueCommand({ SecretId: arn })).then((out) => {
      if (!out.SecretString) throw new Error('The secret has no string value');
      return out.SecretString;
    });
    value.catch(() => cache.delete(arn));
    cache.set(arn, value);
  }
  return value;
}
