/**
 * A route, declared once: the app validates requests with its zod schemas and the OpenAPI
 * document is generated from the same declaration (api/openapi.ts).
 */
import type * as z from 'zod';

export interface ResponseDef {
  description: string;
  schema?: z.ZodType;
}

export interface RouteDef {
  method: 'get' | 'post' | 'patch' | 'put';
  /** OpenAPI style: /tasks/{taskId} */
  path: string;
  summary: string;
  tags: string[];
  /** No token needed (only the OpenAPI document itself). */
  public?: boolean;
  /** Accepts an Idempotency-Key header: a repeat with the same key gets the first answer. */
  idempotent?: boolean;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The body as documented, where it is validated later than the route (by the use case). */
  documentedBody?: z.ZodType;
  responses: Record<number, ResponseDef>;
}

export function defineRoute<const R extends RouteDef>(route: R): R {
  return route;
}

/** The problem answers (RFC 9457) a route may give. */
export const problems = (...codes: number[]): Record<number, ResponseDef> =>
  Object.fromEntries(codes.map((code) => [code, { description: 'A problem (RFC 9457)' }]));

/** A JSON answer with its schema (it feeds the OpenAPI document). */
export const json = (schema: z.ZodType, description: string): ResponseDef => ({ description, schema });

type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;

/** What a handler receives: the validated parts of the request. */
export interface RouteInput<R extends RouteDef> {
  params: Infer<R['params']>;
  query: Infer<R['query']>;
  body: Infer<R['body']>;
}

/** /tasks/{taskId} → /tasks/:taskId */
export function honoPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}
