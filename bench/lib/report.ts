// One table (terminal and Markdown) and bench/RESULTS.md, one section per dataset/mode that a
// new run of the same kind replaces while keeping the others.
import { existsSync, readFileSync, writeFileSync } from "node:fs";

export interface Row {
  endpoint: string;
  reqPerSec?: number;
  p50?: number;
  p99?: number;
  cpuPerRequest?: number;
  /** CPU per request ÷ the hello row's. */
  cpuRatio?: number;
  /** ours ÷ theirs, with --against. */
  againstReqPerSec?: number;
  againstP50?: number;
  againstNote?: string;
  notes: string[];
}

/** "200×3, 404×1": the counts of the statuses `keep` accepts ("" when none). */
export function statusCounts(statuses: Record<string, number>, keep: (status: number) => boolean = () => true): string {
  return Object.entries(statuses)
    .filter(([s]) => keep(Number(s)))
    .map(([s, n]) => `${s}×${n}`)
    .join(", ");
}

const fmt = {
  int: (n?: number) => (n === undefined || !Number.isFinite(n) ? "–" : Math.round(n).toLocaleString("en-US")),
  ms: (n?: number) => (n === undefined || !Number.isFinite(n) ? "–" : n < 10 ? n.toFixed(2) : n.toFixed(1)),
  ratio: (n?: number) => (n === undefined || !Number.isFinite(n) ? "–" : `${n.toFixed(2)}×`),
};

export function tableCells(rows: readonly Row[], withAgainst: boolean): string[][] {
  const header = ["endpoint", "req/s", "p50 ms", "p99 ms", "CPU µs/req", "CPU ÷ hello"];
  if (withAgainst) header.push("req/s ÷ against", "p50 ÷ against");
  header.push("notes");
  const body = rows.map((r) => {
    const cells = [
      r.endpoint,
      fmt.int(r.reqPerSec),
      fmt.ms(r.p50),
      fmt.ms(r.p99),
      fmt.int(r.cpuPerRequest),
      fmt.ratio(r.cpuRatio),
    ];
    if (withAgainst) {
      cells.push(r.againstNote ?? fmt.ratio(r.againstReqPerSec), r.againstNote ? "–" : fmt.ratio(r.againstP50));
    }
    cells.push(r.notes.join("; "));
    return cells;
  });
  return [header, ...body];
}

const NUMERIC = (header: string) => header !== "endpoint" && header !== "notes";

export function terminalTable(cells: string[][]): string {
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((row) => row[c]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, c) => (NUMERIC(cells[0]![c]!) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join("  ")
      .trimEnd();
  return [line(cells[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

export function markdownTable(cells: string[][]): string {
  const escapeCell = (s: string) => s.replace(/\|/g, "\\|");
  const header = cells[0]!;
  const align = header.map((h) => (NUMERIC(h) ? "---:" : "---"));
  return [header, align, ...cells.slice(1)].map((row) => `| ${row.map(escapeCell).join(" | ")} |`).join("\n");
}

const TITLE = "# Benchmark results";
const PREAMBLE = `${TITLE}

Written by \`npm run bench\` (see bench/README.md). Each section is one dataset and mode; a new run
of the same kind replaces its section. Loopback only: the registry bundle and a constant-JSON hello
worker each on their own Miniflare instance (workerd), load from autocannon in a second process.
CPU µs/req is the utime+stime of the instance's workerd process over the load window divided by
the responses; it is the robust number on a small shared VM. p99 on such a VM is dominated by
scheduling stalls (see ../shared/reference/workers-stack.md §4): read it as an upper bound.
`;

/** Replaces (or appends) the section delimited by `<!-- bench:KEY -->` markers. */
export function writeResultsSection(path: string, key: string, section: string): void {
  const begin = `<!-- bench:${key} -->`;
  const end = `<!-- /bench:${key} -->`;
  const block = `${begin}\n${section.trim()}\n${end}`;
  let text = existsSync(path) ? readFileSync(path, "utf8") : PREAMBLE;
  if (!text.startsWith(TITLE)) text = `${PREAMBLE}\n${text}`;
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from >= 0 && to > from) text = `${text.slice(0, from)}${block}${text.slice(to + end.length)}`;
  else text = `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, text.endsWith("\n") ? text : `${text}\n`);
}
