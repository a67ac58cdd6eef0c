import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** Reads secret values through the client, each secret once per container (a failed read is retried next time). */
export function secretReader(client: SecretsManagerClient): (arn: string) => Promise<string> {
  const cache = new Map<string, Promise<string>>();
  return (arn) => {
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
  };
}
