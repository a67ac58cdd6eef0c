/**
 * A user's calendar feed (/me/calendar.ics, with its secret key) and the key's rotation.
 */
import type { AreaRoutes } from './app';

export function registerCalendarRoutes({ deps: _deps, handle: _handle, handlePublic: _public }: AreaRoutes): void {
  // Routes follow in this session (issue 8).
}
