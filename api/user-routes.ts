/**
 * The directory (/users, beheerder) and a user's own record and preferences (/me, /me/preferences).
 */
import type { AreaRoutes } from './app';

export function registerUserRoutes({ deps: _deps, handle: _handle, handlePublic: _public }: AreaRoutes): void {
  // Routes follow in this session (issue 8).
}
