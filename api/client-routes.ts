/**
 * The client beyond registration: contact details and a BSN added later, households, legal deadlines; and the POP's revisions and reviews.
 */
import type { AreaRoutes } from './app';

export function registerClientRoutes({ deps: _deps, handle: _handle }: AreaRoutes): void {
  // Routes follow in this session (issue 9).
}
