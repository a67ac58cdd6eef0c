import { createVerifier, type TokenVerifier } from './auth/verifier';
import { awsConfig } from './aws-deps';

/**
 * The API's verifier of Cognito tokens. Apart from adapters/aws-deps.ts, which every function
 * imports whole (on its first invocation), so that only the API's bundle contains jose.
 */
export function awsVerifier(): TokenVerifier {
  const { AUTH_ISSUER, AUTH_AUDIENCE, AUTH_JWKS_URL } = awsConfig();
  if (!AUTH_ISSUER || !AUTH_JWKS_URL || !AUTH_AUDIENCE) {
    throw new Error('Invalid configuration: AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URL are required for the API');
  }
  return createVerifier({ issuer: AUTH_ISSUER, audience: AUTH_AUDIENCE, jwks: new URL(AUTH_JWKS_URL) });
}
