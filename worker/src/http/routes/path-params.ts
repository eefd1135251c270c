import type { IRequest } from "itty-router";

/** Path parameters arrive percent-encoded (a server name holds an encoded '/'). */
export function pathParam(request: IRequest, key: string): string {
  const raw = request.params[key] ?? "";
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw; // not valid percent-encoding: looked up as written, which finds nothing
  }
}
