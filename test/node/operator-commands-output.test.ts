// Operator commands as an operator runs them (`npm run import`, `npm run reindex`), against a
// throwaway local state (`--state DIR`): they succeed and print only their own output, no
// workerd or wrangler warnings (the Durable Object bindings of wrangler.toml used to make
// workerd warn on every run that their classes are not exported).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CURRENT_SCHEMA_URL } from "../../worker/src/domain/server-json/schema-version.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const RUN_TIMEOUT_MS = 60_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run <script> -- <args>` in the project, on the pinned Node (npm puts node_modules/.bin first). */
function npmRun(script: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", script, "--", ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      // Not a terminal: progress is printed as plain lines.
      env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), RUN_TIMEOUT_MS);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** What workerd, Miniflare or wrangler print when something is off (or merely noisy). */
const NOISE = /durable ?object|workerd|miniflare|wrangler|\bwarn(ing)?\b|▲|✘/i;

/** Lines of `text` that are not one of `expected`. */
function unexpectedLines(text: string, expected: RegExp[]): string[] {
  return text
    .split(/\r|\n/)
    .filter((line) => line.trim() !== "")
    .filter((line) => !expected.some((pattern) => pattern.test(line)));
}

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "registry-operator-"));
  const servers = [
    { name: "com.operator/first", description: "First operator test server", version: "1.0.0" },
    { name: "com.operator/second", description: "Second operator test server", version: "2.1.0" },
  ].map((s) => ({ $schema: CURRENT_SCHEMA_URL, ...s }));
  writeFileSync(join(dir, "servers.ndjson"), `${servers.map((s) => JSON.stringify(s)).join("\n")}\n`);
  writeFileSync(
    join(dir, "servers.meta.ndjson"),
    `${servers
      .map((s) =>
        JSON.stringify({
          name: s.name,
          version: s.version,
          status: "active",
          publishedAt: "2024-03-01T10:00:00Z",
          updatedAt: "2024-03-01T10:00:00Z",
        }),
      )
      .join("\n")}\n`,
  );
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("operator commands", () => {
  it("npm run import: imports, and prints only its report and progress", async () => {
    const run = await npmRun("import", ["--state", join(dir, "state"), join(dir, "servers.ndjson")]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe("imported: 2 new, 0 updated, 0 unchanged, 0 rejected");
    expect(run.stderr).not.toMatch(NOISE);
    expect(
      unexpectedLines(run.stderr, [/^official metadata from \S+servers\.meta\.ndjson$/, /^importing \[#*\.*\] /]),
    ).toEqual([]);
  });

  // Also shows that both commands (and their migrations) use the one state directory given.
  it("npm run reindex: builds the index of that state, quietly", async () => {
    const run = await npmRun("reindex", ["--state", join(dir, "state")]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^search index: 2 servers in 1 shard\(s\), built in [\d.]+s\n$/);
    expect(run.stderr).not.toMatch(NOISE);
    expect(unexpectedLines(run.stderr, [/^search index: collected \d+ servers/])).toEqual([]);
  });
});
