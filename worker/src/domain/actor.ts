// Who asks for a write, as the audit trail records it. Pure data.

/** A registry token's method and subject, or a reporter's address hash ("address", hash). */
export interface Actor {
  method: string;
  subject: string;
}

/** "<method>:<subject>": how reports, denylist entries and rate limits name an actor. */
export function actorKey(actor: Actor): string {
  return `${actor.method}:${actor.subject}`;
}
