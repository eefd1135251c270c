// TXT records from a DNS-over-HTTPS JSON answer (application/dns-json, as Cloudflare and Google
// serve it). Each record is one string, however many character-strings it was split into.
import { fail, ok, type Result } from "../result.ts";

const TYPE_TXT = 16;
const RCODE_NAMES: Record<number, string> = { 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 5: "REFUSED" };

/**
 * `"v=MCPv1; k=ed25519; " "p=..."` → `v=MCPv1; k=ed25519; p=...`: quoted character-strings are
 * joined without separator and their escapes (\" \\ \DDD) undone; unquoted data is kept.
 */
export function decodeTxtData(data: string): string {
  const text = data.trim();
  if (!text.startsWith('"')) return text;
  let out = "";
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '"') {
      i++; // whitespace between character-strings
      continue;
    }
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\\" && i + 1 < text.length) {
        const decimal = /^\d{3}/.exec(text.slice(i + 1, i + 4));
        if (decimal !== null) {
          out += String.fromCharCode(Number(decimal[0]) & 0xff);
          i += 4;
        } else {
          out += text[i + 1];
          i += 2;
        }
      } else {
        out += text[i];
        i++;
      }
    }
    i++; // closing quote
  }
  return out;
}

export function txtRecordsFromDohJson(body: string): Result<string[]> {
  let answer: unknown;
  try {
    answer = JSON.parse(body);
  } catch {
    return fail("resolver answer is not JSON");
  }
  if (typeof answer !== "object" || answer === null) return fail("resolver answer is not a JSON object");
  const { Status, Answer } = answer as { Status?: unknown; Answer?: unknown };
  if (typeof Status !== "number") return fail("resolver answer has no status");
  if (Status !== 0) return fail(`DNS query failed: ${RCODE_NAMES[Status] ?? `rcode ${Status}`}`);
  if (Answer === undefined) return ok([]);
  if (!Array.isArray(Answer)) return fail("resolver answer is malformed");
  const records: string[] = [];
  for (const rr of Answer) {
    const { type, data } = (rr ?? {}) as { type?: unknown; data?: unknown };
    if (type === TYPE_TXT && typeof data === "string") records.push(decodeTxtData(data));
  }
  return ok(records);
}
