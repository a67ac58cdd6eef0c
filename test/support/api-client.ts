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
  };
}

export async function as(baseUrl: string, dataDir: string, role: Role, userId: string): Promise<Caller> {
  return caller(baseUrl, await issueLocalToken(dataDir, role, userId));
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
