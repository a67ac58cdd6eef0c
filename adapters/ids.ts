import { monotonicFactory } from 'ulid';
import type { IdGenerator } from '../core/ports';

/** Sortable unique IDs (ULID). */
export function ulidGenerator(): IdGenerator {
  const next = monotonicFactory();
  return { next: () => next() };
}
