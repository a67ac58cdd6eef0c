/**
 * A small HTTP client for tests: calls the API with a token from the local issuer.
 */
import { issueLocalToken } from '../../adapters/auth/local-issuer';
import type { Role } from '../../core/schemas';

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface Caller {
  get<T = any>(path: string): Promise<Reply<T>>;
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply<T>>;
  patch<T = any>(path: string, body: unknown): Promise<Reply<T>>;
  put<T = any>(path: string, body: unknown): Promise<Reply<T>>;
}

export function caller(baseUrl: string, token: string | undefined): Caller {
  const send = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
  return {
    get: (path) => send('GET', path),
    post: (path, body, headers) => send('POST', path, body, headers),
    patch: (path, body) => send('PATCH', path, body),
    put: (path, body) => send('PUT', path, body),
  };
}

export async function as(baseUrl: string, dataDir: string, role: Role, userId: string): Promise<Caller> {
  return caller(baseUrl, await issueLocalToken(dataDir, role, userId));
}

/**
 * Adds people to the directory through the API (a regisseur must be in it, active, to be given a
 * trajectory); one already there is left as it is.
 */
export async function addUsers(beheerder: Caller, ...users: Array<{ userId: string; role: Role; organisation?: string }>): Promise<void> {
  for (const user of users) {
    const reply = await beheerder.post('/users', { displayName: user.userId, email: `${user.userId}@example.nl`, ...user });
    if (reply.status !== 201 && reply.status !== 409) throw new Error(`POST /users ${user.userId}: ${reply.status} ${JSON.stringify(reply.body)}`);
  }
}

/** Polls until `probe` returns a value (the workflow moves on asynchronously after a completion). */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
