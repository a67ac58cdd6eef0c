/**
 * Verifies bearer JWTs: Cognito's on AWS (remote JWKS), the local issuer's locally (its public
 * key). The same checks either way: signature, issuer, expiry, that it is an access token
 * (`token_use: "access"`) issued to this API's app client (`client_id`), and one known role from
 * the `cognito:groups` claim. Cognito's ID tokens (`token_use: "id"`, `aud` instead of
 * `client_id`) are signed by the same key but are refused: they say who signed in, not what
 * the bearer may call.
 */
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { UnauthorizedError } from '../../core/errors';
import { Role, type Actor } from '../../core/schemas';

export type TokenVerifier = (authorization: string | undefined) => Promise<Actor>;

export function createVerifier(options: {
  issuer: string;
  /** The app client the access tokens must be issued to (their `client_id` claim). */
  audience: string;
  jwks: JSONWebKeySet | URL;
}): TokenVerifier {
  const keys = options.jwks instanceof URL ? createRemoteJWKSet(options.jwks) : createLocalJWKSet(options.jwks);
  return async (authorization) => {
    const match = /^Bearer (\S+)$/i.exec(authorization ?? '');
    if (!match?.[1]) throw new UnauthorizedError('Sign in: send Authorization: Bearer <token>');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1], keys, { issuer: options.issuer, requiredClaims: ['exp', 'sub'] }));
    } catch {
      throw new UnauthorizedError('The token is not valid (signature, issuer or expiry)');
    }
    if (payload.token_use !== 'access') {
      throw new UnauthorizedError(
        payload.token_use === 'id'
          ? 'This is an ID token: send the access token instead'
          : 'The token is not an access token (token_use must be "access")',
      );
    }
    if (payload.client_id !== options.audience) {
      throw new UnauthorizedError('The token is not meant for this API');
    }
    const groups = Array.isArray(payload['cognito:groups']) ? (payload['cognito:groups'] as unknown[]) : [];
    const role = groups.map((g) => Role.safeParse(g)).find((r) => r.success)?.data;
    // Cognito's `sub` is a generated UUID; `username` is the user id of the directory.
    const username = typeof payload.username === 'string' ? payload.username : '';
    if (!username || !role) throw new UnauthorizedError('The token names no user or no known role');
    return { userId: username, role };
  };
}
