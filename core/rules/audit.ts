import type { Actor, AuditEntry } from '../schemas';

/** An audit entry: who did what to which client's data, and when (NEN 7513 style). */
export function audit(actor: Actor, clientId: string, action: AuditEntry['action'], detail: string, at: Date): AuditEntry {
  return { clientId, at: at.toISOString(), actorId: actor.userId, actorRole: actor.role, action, detail };
}
