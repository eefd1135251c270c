// UTF-8 lengths without encoding: reply and key budgets are in bytes.

/** UTF-8 length of a string without lone surrogates (JSON text, keys built from it). */
export function utf8Length(s: string): number {
  let bytes = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    // 2 bytes below U+0800, 3 above; a surrogate pair is 4 bytes for two units.
    bytes += c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 1 : 2;
  }
  return bytes;
}
