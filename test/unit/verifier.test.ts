/**
 * Token verification, as the API does it for Cognito's tokens and the local issuer's alike:
 * access tokens only (Cognito's ID tokens are signed by the same key and must be refused).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { issueLocalToken, LOCAL_AUDIENCE, LOCAL_ISSUER, localJwks } from '../../adapters/auth/local-issuer';
import { createVerifier, type TokenVerifier } from '../../adapters/auth/verifier';
import { UnauthorizedError } from '../../core/errors';

const ISSUER = 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_test';
let sign: (claims: Record<string, unknown>, opts?: { exp?: boolean; issuer?: string }) => Promise<string>;
let verify: TokenVerifier;

/** The claims of a Cognito access token for the app client (besides iss, sub, iat, exp). */
const access = (claims: Record<string, unknown>) => ({ token_use: 'access', client_id: 'client-123', scope: 'aws.cognito.signin.user.admin', username: 'rita', ...claims });

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  verify = createVerifier({ issuer: ISSUER, audience: 'client-123', jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] } });
  sign = async (claims, opts = {}) => {
    const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(opts.issuer ?? ISSUER).setSubject('3f1c2b9e-7d41-4c55-9a0e-5d2b8c1e6a70').setIssuedAt();
    if (opts.exp !== false) jwt.setExpirationTime('1h');
    return jwt.sign(privateKey);
  };
});

describe('the token verifier', () => {
  it("accepts a signed Cognito access token (token_use access, client_id) with a known group", async () => {
    expect(await verify(`Bearer ${await sign(access({ 'cognito:groups': ['regisseur'] }))}`)).toEqual({ userId: 'rita', role: 'regisseur' });
    expect(await verify(`Bearer ${await sign(access({ 'cognito:groups': ['other', 'beheerder'] }))}`)).toEqual({ userId: 'rita', role: 'beheerder' });
  });

  it('refuses an ID token signed by the same key, saying to send the access token', async () => {
    const idToken = await sign({ token_use: 'id', aud: 'client-123', 'cognito:groups': ['beheerder'], email: 'rita@example.org' });
    await expect(verify(`Bearer ${idToken}`)).rejects.toThrow(UnauthorizedError);
    await expect(verify(`Bearer ${idToken}`)).rejects.toThrow(/ID token.*access token/);
  });

  it("takes the user id from the access token's username (Cognito's sub is a generated UUID), and refuses a token without one", async () => {
    expect(await verify(`Bearer ${await sign(access({ username: 'ravi', 'cognito:groups': ['regisseur'] }))}`)).toEqual({ userId: 'ravi', role: 'regisseur' });
    const { username: _none, ...withoutUsername } = access({ 'cognito:groups': ['regisseur'] });
    await expect(verify(`Bearer ${await sign(withoutUsername)}`)).rejects.toThrow(/names no user/);
  });

  it('refuses a token without token_use "access", whatever its audience claims', async () => {
    const refused = [
      await sign({ aud: 'client-123', 'cognito:groups': ['regisseur'] }),
      await sign({ client_id: 'client-123', 'cognito:groups': ['regisseur'] }),
      await sign({ token_use: 'refresh', client_id: 'client-123', 'cognito:groups': ['regisseur'] }),
      await sign({ token_use: ['access'], client_id: 'client-123', 'cognito:groups': ['regisseur'] }),
    ];
    for (const token of refused) await expect(verify(`Bearer ${token}`)).rejects.toThrow(/not an access token/);
  });

  it('refuses a missing header, another app client or issuer, no expiry, no known role, and an unsigned token', async () => {
    const refused = [
      undefined,
      'Basic abc',
      `Bearer ${await sign({ token_use: 'access', client_id: 'someone-else', 'cognito:groups': ['regisseur'] })}`,
      `Bearer ${await sign({ token_use: 'access', aud: 'client-123', 'cognito:groups': ['regisseur'] })}`,
      `Bearer ${await sign(access({ 'cognito:groups': ['regisseur'] }), { issuer: 'https://evil.example' })}`,
      `Bearer ${await sign(access({ 'cognito:groups': ['regisseur'] }), { exp: false })}`,
      `Bearer ${await sign(access({ 'cognito:groups': ['admins'] }))}`,
      `Bearer ${new UnsecuredJWT(access({ 'cognito:groups': ['beheerder'] })).setIssuer(ISSUER).setSubject('mallory').setExpirationTime('1h').encode()}`,
    ];
    for (const header of refused) await expect(verify(header), String(header)).rejects.toBeInstanceOf(UnauthorizedError);
  });
});

describe('the local issuer', () => {
  it('mints access tokens the verifier accepts, shaped like Cognito\'s (token_use access, client_id, no aud)', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'trajectregie-issuer-'));
    try {
      const token = await issueLocalToken(dataDir, 'gemeente', 'klantregie');
      const local = createVerifier({ issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, jwks: await localJwks(dataDir) });
      expect(await local(`Bearer ${token}`)).toEqual({ userId: 'klantregie', role: 'gemeente' });
      const claims = decodeJwt(token);
      expect(claims).toMatchObject({ token_use: 'access', client_id: LOCAL_AUDIENCE });
      expect(claims.aud).toBeUndefined();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
