/**
 * A user's inbox (/me/notifications) and the beheerders' escalations and failed deliveries (/notifications).
 */
import type { AreaRoutes } from './app';

export function registerNotificationRoutes({ deps: _deps, handle: _handle, handlePublic: _public }: AreaRoutes): void {
  // Routes follow in this session (issue 8).
}
