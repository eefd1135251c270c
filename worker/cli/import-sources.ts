// Readers for `npm run import` of files: NDJSON or JSON (server.json objects or list items, with
// an optional meta file). A registry URL is read by the mirror's own code (worker/src/sync).
import { existsSync, readFileSync } from "node:fs";
import type { ImportEntry, OfficialMetaInput } from "../src/writes/import-entries.ts";
import { OFFICIAL_META_KEY } from "../src/domain/server-response.ts";

interface MetaLine extends OfficialMetaInput {
  name?: unknown;
  version?: unknown;
}

/** A list item `{server, _meta}` or a bare server.json. */
function toEntry(value: unknown, source: string, meta?: Map<string, MetaLine>): ImportEntry {
  if (typeof value === "object" && value !== null && "server" in value && !("name" in value)) {
    const item = value as { server: unknown; _meta?: Record<string, unknown> };
    const official = item._meta?.[OFFICIAL_META_KEY] as OfficialMetaInput | undefined;
    return official ? { server: item.server, official, source } : { server: item.server, source };
  }
  const { name, version } = (value ?? {}) as { name?: unknown; version?: unknown };
  const official = meta?.get(`${String(name)}@${String(version)}`);
  return official ? { server: value, official, source } : { server: value, source };
}

function parseLines(text: string): { value: unknown; line: number; error?: string }[] {
  const out: { value: unknown; line: number; error?: string }[] = [];
  text.split("\n").forEach((raw, index) => {
    if (raw.trim() === "") return;
    try {
      out.push({ value: JSON.parse(raw), line: index + 1 });
    } catch (err) {
      out.push({ value: undefined, line: index + 1, error: (err as Error).message });
    }
  });
  return out;
}

/** The meta file beside `servers.ndjson` is `servers.meta.ndjson`. */
export function defaultMetaPath(path: string): string | undefined {
  const candidate = path.replace(/\.(nd)?json$/, ".meta.ndjson");
  return candidate !== path && existsSync(candidate) ? candidate : undefined;
}

export function readMetaFile(path: string): Map<string, MetaLine> {
  const meta = new Map<string, MetaLine>();
  for (const { value } of parseLines(readFileSync(path, "utf8"))) {
    const line = value as MetaLine | undefined;
    if (line && typeof line.name === "string" && typeof line.version === "string") {
      meta.set(`${line.name}@${line.version}`, line);
    }
  }
  return meta;
}

export interface SourceEntries {
  entries: ImportEntry[];
  /** Lines that are not JSON at all, reported like rejected entries. */
  unreadable: { source: string; reasons: string[] }[];
}

export function readFileEntries(path: string, meta?: Map<string, MetaLine>): SourceEntries {
  const text = readFileSync(path, "utf8");
  const label = path.split("/").at(-1) ?? path;
  const trimmed = text.trimStart();
  if (path.endsWith(".json") || trimmed.startsWith("[")) {
    const parsed: unknown = JSON.parse(text);
    const list = Array.isArray(parsed) ? parsed : ((parsed as { servers?: unknown[] }).servers ?? [parsed]);
    return { entries: list.map((value, i) => toEntry(value, `${label}[${i}]`, meta)), unreadable: [] };
  }
  const result: SourceEntries = { entries: [], unreadable: [] };
  for (const { value, line, error } of parseLines(text)) {
    if (error !== undefined) result.unreadable.push({ source: `${label}:${line}`, reasons: [`not JSON: ${error}`] });
    else result.entries.push(toEntry(value, `${label}:${line}`, meta));
  }
  return result;
}
