// Byte encodings the auth code reads and writes. Strict on input: JWS segments must be
// unpadded base64url, key records padded standard base64 (as Go's StdEncoding), signatures hex.

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const BASE64_STD = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HEX = /^(?:[0-9a-fA-F]{2})*$/;

export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(new TextEncoder().encode(text));
}

function bytesFromBinary(binary: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function binaryFromBytes(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return binary;
}

export function base64UrlEncode(bytes: Uint8Array): string {
  return btoa(binaryFromBytes(bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Unpadded base64url (RFC 7515 §2); null for anything else, including a length of 1 mod 4. */
export function base64UrlDecode(text: string): Uint8Array<ArrayBuffer> | null {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return null;
  const std = text.replaceAll("-", "+").replaceAll("_", "/");
  return bytesFromBinary(atob(std + "=".repeat((4 - (std.length % 4)) % 4)));
}

/** Padded standard base64, as Go's base64.StdEncoding decodes it; null otherwise. */
export function base64Decode(text: string): Uint8Array<ArrayBuffer> | null {
  if (!BASE64_STD.test(text)) return null;
  return bytesFromBinary(atob(text));
}

export function base64Encode(bytes: Uint8Array): string {
  return btoa(binaryFromBytes(bytes));
}

/** Even-length hex in either case, as Go's hex.DecodeString; null otherwise. */
export function hexDecode(text: string): Uint8Array<ArrayBuffer> | null {
  if (!HEX.test(text)) return null;
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

export function hexEncode(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
