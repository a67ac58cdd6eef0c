/**
 * Changes a regisseur makes to the plan between the workflow's tasks: a missed contact, an extra contact, a rescheduled task, a reassigned trajectory.
 */
import type { AreaRoutes } from './app';

export function registerCaseloadRoutes({ deps: _deps, handle: _handle }: AreaRoutes): void {
  // Routes follow in this session (issue 9).
}
