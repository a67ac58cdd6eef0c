/**
 * The local token issuer: a key pair kept under DATA_DIR signs JWTs shaped like Cognito's
 * access tokens (sub, username, cognito:groups, token_use: "access", client_id, no aud), which the API
 * verifies exactly as it verifies Cognito's.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JSONWebKeySet, type JWK } from 'jose';
import type { Role } from '../../core/schemas';

export const LOCAL_ISSUER = 'urn:trajectregie:local-issuer';
/** The local app client: the `client_id` of the local access tokens. */
export const LOCAL_AUDIENCE = 'trajectregie-local';
const KID = 'local-1';

interface KeyFile {
  privateJwk: JWK;
  publicJwk: JWK;
}

async function loadOrCreateKeys(dataDir: string): Promise<KeyFile> {
  const path = join(dataDir, 'local-issuer-key.json');
  try {
    return JSON.parse(await readFile(path, 'utf8')) as KeyFile;
  } catch {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const keys = {
      privateJwk: { ...(await exportJWK(privateKey)), kid: KID, alg: 'ES256' },
      publicJwk: { ...(await exportJWK(publicKey)), kid: KID, alg: 'ES256', use: 'sig' },
    };
    await mkdir(dataDir, { recursive: true });
    await writeFile(path, JSON.stringify(keys), { mode: 0o600, flag: 'wx' }).catch(async () => undefined);
    return JSON.parse(await readFile(path, 'utf8')) as KeyFile; // whoever wrote first wins
  }
}

export async function localJwks(dataDir: string): Promise<JSONWebKeySet> {
  return { keys: [(await loadOrCreateKeys(dataDir)).publicJwk] };
}

export async function issueLocalToken(dataDir: string, role: Role, userId: string, ttl = '12h'): Promise<string> {
  const { privateJwk } = await loadOrCreateKeys(dataDir);
  const key = await importJWK(privateJwk, 'ES256');
  return new SignJWT({ 'cognito:groups': [role], token_use: 'access', client_id: LOCAL_AUDIENCE, username: userId })
    .setProtectedHeader({ alg: 'ES256', kid: KID })
    .setSubject(userId)
    .setIssuer(LOCAL_ISSUER)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(key);
}
