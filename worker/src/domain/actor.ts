// Who asks for a write, as the audit trail records it. Pure data.

/** A registry token's method and subject, or a reporter's address hash ("address", hash). */
export interface Actor {
  method: string;
  subject: string;
}
