// The id a write request is known by in the audit trail and in its response's x-request-id:
// Cloudflare's ray id when there is one, otherwise a random one, fixed per request.
const assigned = new WeakMap<Request, string>();

export function requestIdOf(request: Request): string {
  let id = assigned.get(request);
  if (id === undefined) {
    id = request.headers.get("cf-ray") ?? crypto.randomUUID();
    assigned.set(request, id);
  }
  return id;
}
