// Path parameters: percent-decoded, and bounded by what can be stored before anything is looked up.
import type { IRequest } from "itty-router";
import { codePointLength } from "../../domain/server-json/code-points.ts";
import { MAX_NAME_LENGTH, MAX_VERSION_LENGTH, NAME_PATTERN } from "../../domain/server-json/framework-schema.ts";

const SERVER_NAME = new RegExp(NAME_PATTERN);

/** Path parameters arrive percent-encoded (a server name holds an encoded '/'). */
export function pathParam(request: IRequest, key: string): string {
  const raw = request.params[key] ?? "";
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw; // not valid percent-encoding: looked up as written, which finds nothing
  }
}

/**
 * A path parameter that names something stored, or undefined when it is longer than any stored
 * value can be (`maxCodePoints`, the body model's limit): such a lookup can only miss, so callers
 * answer at once instead of asking KV or D1 (whose keys and bindings are bounded).
 */
export function storedPathParam(request: IRequest, key: string, maxCodePoints: number): string | undefined {
  const value = pathParam(request, key);
  // UTF-16 units are never fewer than code points: counting is needed only past the limit.
  return value.length > maxCodePoints && codePointLength(value) > maxCodePoints ? undefined : value;
}

/**
 * Whether a write's path may name a stored server (and version): the body model's name pattern
 * and lengths. A write to anything else can only miss; it is answered without auditing or
 * reaching a writer, so a path never picks an audit stream ("~auth") nor fills the trail.
 */
export function isStorableTarget(name: string, version?: string): boolean {
  if (name.length > MAX_NAME_LENGTH || !SERVER_NAME.test(name)) return false;
  return version === undefined || codePointLength(version) <= MAX_VERSION_LENGTH;
}
