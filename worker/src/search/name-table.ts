// Near-exact name keys (see name-keys.ts) in an open-addressing hash table of typed arrays.
// Hashing the keys straight from the name's characters keeps loading free of per-name
// strings and Map entries; a lookup verifies its few candidates against the real key.
import { serverPart } from "./fields.ts";
import { coreKey, isFiller } from "./name-keys.ts";
import { compactKey } from "./tokenize.ts";

export const FULL_KEY = 0;
export const PART_KEY = 1;
export const CORE_KEY = 2;

export interface NameTable {
  mask: number;
  hashes: Uint32Array;
  /** Document id per slot, -1 for an empty slot. */
  docs: Int32Array;
  kinds: Uint8Array;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export function hashKey(key: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

/** Lower-case letter or digit code of an ASCII character, or -1. */
function keyChar(c: number): number {
  if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) return c;
  if (c >= 65 && c <= 90) return c + 32;
  return -1;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range starts at NUL
const NON_ASCII = /[^\x00-\x7f]/;

/** [full, part, core] key hashes of a name; core is -1 when the name has no core key. */
function nameHashes(name: string, out: number[]): void {
  if (NON_ASCII.test(name)) {
    const core = coreKey(name);
    out[0] = hashKey(compactKey(name));
    out[1] = hashKey(compactKey(serverPart(name)));
    out[2] = core === "" ? -1 : hashKey(core);
    return;
  }
  const slash = name.indexOf("/");
  let full = FNV_OFFSET;
  let part = FNV_OFFSET;
  let core = FNV_OFFSET;
  let kept = 0;
  let removed = 0;
  let runStart = -1;
  for (let i = 0; i <= name.length; i++) {
    const c = i < name.length ? keyChar(name.charCodeAt(i)) : -1;
    if (c !== -1) {
      full = Math.imul(full ^ c, FNV_PRIME);
      if (i > slash) {
        part = Math.imul(part ^ c, FNV_PRIME);
        if (runStart === -1) runStart = i;
      }
      continue;
    }
    if (runStart === -1) continue;
    // A run of the server part ended: a filler word is left out of the core key.
    if (isFiller(name, runStart, i)) removed++;
    else {
      kept++;
      for (let k = runStart; k < i; k++) core = Math.imul(core ^ keyChar(name.charCodeAt(k)), FNV_PRIME);
    }
    runStart = -1;
  }
  out[0] = full >>> 0;
  out[1] = part >>> 0;
  out[2] = kept > 0 && removed > 0 ? core >>> 0 : -1;
}

export function buildNameTable(names: readonly string[]): NameTable {
  let size = 16;
  while (size < names.length * 6) size *= 2;
  const table: NameTable = {
    mask: size - 1,
    hashes: new Uint32Array(size),
    docs: new Int32Array(size).fill(-1),
    kinds: new Uint8Array(size),
  };
  const keys = [0, 0, 0];
  names.forEach((name, d) => {
    nameHashes(name, keys);
    for (let kind = FULL_KEY; kind <= CORE_KEY; kind++) {
      const h = keys[kind] ?? -1;
      if (h === -1) continue;
      let slot = h & table.mask;
      while (table.docs[slot] !== -1) slot = (slot + 1) & table.mask;
      table.hashes[slot] = h;
      table.docs[slot] = d;
      table.kinds[slot] = kind;
    }
  });
  return table;
}

function keyOf(name: string, kind: number): string {
  return kind === FULL_KEY ? compactKey(name) : kind === PART_KEY ? compactKey(serverPart(name)) : coreKey(name);
}

/** Calls visit(doc, kind) for every name whose key of that kind equals compact. */
export function lookupName(
  table: NameTable,
  names: (doc: number) => string,
  compact: string,
  visit: (doc: number, kind: number) => void,
): void {
  const h = hashKey(compact);
  for (let slot = h & table.mask; table.docs[slot] !== -1; slot = (slot + 1) & table.mask) {
    if (table.hashes[slot] !== h) continue;
    const doc = table.docs[slot] ?? 0;
    const kind = table.kinds[slot] ?? 0;
    if (keyOf(names(doc), kind) === compact) visit(doc, kind);
  }
}
