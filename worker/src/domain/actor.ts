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

/** The actor an actorKey names (the inverse of actorKey: a method never holds a ':'). */
export function actorOf(key: string): Actor {
  const colon = key.indexOf(":");
  return colon === -1 ? { method: key, subject: "" } : { method: key.slice(0, colon), subject: key.slice(colon + 1) };
}
