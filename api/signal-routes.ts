/**
 * Signals: barriers and success factors regisseurs meet, personal or structural, for the chain partners.
 */
import type { AreaRoutes } from './app';

export function registerSignalRoutes({ deps: _deps, handle: _handle }: AreaRoutes): void {
  // Routes follow in this session (issue 9).
}
