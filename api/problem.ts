/**
 * The one mapper from errors to HTTP problems (RFC 9457, application/problem+json).
 * Domain errors carry their status; anything unexpected is a 500 that reveals nothing.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { DomainError, ValidationError, type FieldProblem } from '../core/errors';
import type { Logger } from '../core/ports';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldProblem[];
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  415: 'Unsupported media type',
  500: 'Internal error',
};

export function problemResponse(c: Context, problem: Problem): Response {
  return c.body(JSON.stringify(problem), problem.status as 400, { 'content-type': 'application/problem+json' });
}

export function toProblem(error: unknown, logger: Logger): Problem {
  if (error instanceof DomainError && error.status < 500) {
    return {
      type: 'about:blank',
      title: TITLES[error.status] ?? 'Error',
      status: error.status,
      detail: error.message,
      ...(error instanceof ValidationError && error.fields.length > 0 ? { errors: error.fields } : {}),
    };
  }
  if (error instanceof HTTPException && error.status < 500) {
    const detail = error.message || TITLES[error.status] || 'Error';
    return { type: 'about:blank', title: TITLES[error.status] ?? 'Error', status: error.status, detail };
  }
  logger.error('unexpected error', { error: error instanceof Error ? error.name : 'unknown' });
  return { type: 'about:blank', title: TITLES[500]!, status: 500, detail: 'Something went wrong on our side; try again later' };
}
