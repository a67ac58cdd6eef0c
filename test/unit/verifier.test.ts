/**
 * Token verification, as the API does it for Cognito's tokens and the local issuer's alike.
 */
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, type TokenVerifier } from '../../adapters/auth/verifier';
import { UnauthorizedError } from '../../core/errors';

const ISSUER = 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_test';
let sign: (claims: Record<string, unknown>, opts?: { exp?: boolean; issuer?: string }) => Promise<string>;
let verify: TokenVerifier;

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  verify = createVerifier({ issuer: ISSUER, audience: 'client-123', jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] } });
  sign = async (claims, opts = {}) => {
    const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(opts.issuer ?? ISSUER).setSubject('rita').setIssuedAt();
    if (opts.exp !== false) jwt.setExpirationTime('1h');
    return jwt.sign(privateKey);
  };
});

describe('the token verifier', () => {
  it("accepts a signed token with the audience (aud or Cognito's client_id) and a known group", async () => {
    expect(await verify(`Bearer ${await sign({ aud: 'client-123', 'cognito:groups': ['regisseur'] })}`)).toEqual({ userId: 'rita', role: 'regisseur' });
    expect(await verify(`Bearer ${await sign({ client_id: 'client-123', 'cognito:groups': ['other', 'beheerder'] })}`)).toEqual({ userId: 'rita', role: 'beheerder' });
  });

  it('refuses a missing header, another audience or issuer, no expiry, no known role, and an unsigned token', async () => {
    const refused = [
      undefined,
      'Basic abc',
      `Bearer ${await sign({ aud: 'someone-else', 'cognito:groups': ['regisseur'] })}`,
      `Bearer ${await sign({ aud: 'client-123', 'cognito:groups': ['regisseur'] }, { issuer: 'https://evil.example' })}`,
      `Bearer ${await sign({ aud: 'client-123', 'cognito:groups': ['regisseur'] }, { exp: false })}`,
      `Bearer ${await sign({ aud: 'client-123', 'cognito:groups': ['admins'] })}`,
      `Bearer ${new UnsecuredJWT({ aud: 'client-123', 'cognito:groups': ['beheerder'] }).setIssuer(ISSUER).setSubject('mallory').setExpirationTime('1h').encode()}`,
    ];
    for (const header of refused) await expect(verify(header), String(header)).rejects.toBeInstanceOf(UnauthorizedError);
  });
});
