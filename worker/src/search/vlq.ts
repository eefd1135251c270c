// Unsigned integers as base64 VLQ text (5 bits per character, bit 6 = "more follows"): JSON
// keeps a string of them compact and parses it far faster than an array of numbers.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/** Digit value by ASCII code, -1 for characters outside the alphabet. */
const VLQ_DIGITS = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VLQ_DIGITS[ALPHABET.charCodeAt(i)] = i;
const CODES = Array.from(ALPHABET, (ch) => ch.charCodeAt(0));

/** Collects VLQ digits as char codes and turns them into one string at the end. */
export class VlqWriter {
  private codes: number[] = [];
  private chunks: string[] = [];

  write(value: number): void {
    let v = value;
    for (;;) {
      const digit = v % 32;
      v = Math.floor(v / 32);
      this.codes.push(CODES[v > 0 ? digit + 32 : digit] ?? 0);
      if (v === 0) break;
    }
    if (this.codes.length >= 8192) this.flush();
  }

  private flush(): void {
    this.chunks.push(String.fromCharCode(...this.codes));
    this.codes = [];
  }

  toString(): string {
    this.flush();
    return this.chunks.join("");
  }
}

/** Sequential reader; throws on malformed text (a corrupt index must not load). */
export class VlqReader {
  private pos = 0;
  private readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  read(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const code = this.text.charCodeAt(this.pos++);
      const digit = code < 128 ? (VLQ_DIGITS[code] ?? -1) : -1;
      if (digit < 0) throw new Error("search index: malformed number list");
      value += (digit & 31) * scale;
      if (digit < 32) return value;
      scale *= 32;
    }
  }

  get done(): boolean {
    return this.pos >= this.text.length;
  }
}
