// Package identifiers as exact-match keys: "ghcr.io/acme/pg:1.0" → "ghcrioacmepg" (tag dropped).
import { compactKey } from "./tokenize.ts";

export function packageKey(identifier: string): string {
  const slash = identifier.lastIndexOf("/");
  const colon = identifier.lastIndexOf(":");
  const untagged = colon > slash && slash !== -1 ? identifier.slice(0, colon) : identifier;
  return compactKey(untagged);
}

/** Keys this short would collide with ordinary words. */
export const MIN_PACKAGE_KEY_LENGTH = 3;
