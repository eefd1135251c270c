// `npm run import -- <registry URL>` mirrors the registry with the code a source of
// /x/admin/sources runs (worker/src/sync): every version lands with the URL's canonical form as
// its provenance, invalid entries are reported, and a second run changes nothing.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withLocalEnv } from "../../worker/cli/local-env.ts";
import { CURRENT_SCHEMA_URL } from "../../worker/src/domain/server-json/schema-version.ts";
import { FakeUpstream } from "../helpers/fake-upstream.ts";
import { serveUpstreamOverHttp, type ServedUpstream } from "./fake-upstream-http.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

function npmRun(script: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", script, "--", ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const server = (name: string, version: string) => ({
  $schema: CURRENT_SCHEMA_URL,
  name,
  description: `Upstream server ${name}`,
  version,
});

let dir: string;
let served: ServedUpstream;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "registry-import-url-"));
  served = await serveUpstreamOverHttp((base) => {
    const upstream = new FakeUpstream(base);
    // 230 versions (3 pages of 100) and one the registry refuses.
    for (let i = 0; i < 115; i++) {
      for (const version of ["1.0.0", "1.1.0"]) {
        upstream.publish(server(`com.upstream/server-${i}`, version), Date.UTC(2025, 0, 1, 0, i) * 1000);
      }
    }
    upstream.publish(server("com.upstream/ranged", "^2.0.0"), Date.UTC(2025, 1, 1) * 1000);
    return upstream;
  });
});

afterAll(async () => {
  await served?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("npm run import -- URL", () => {
  it("mirrors the registry, with its URL as provenance, and reports refusals", async () => {
    const run = await npmRun("import", ["--state", join(dir, "state"), `${served.url}/v0.1/`]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe("imported: 230 new, 0 updated, 0 unchanged, 1 rejected");
    expect(run.stderr).toMatch(/rejected http:\/\/127\.0\.0\.1:\d+ com\.upstream\/ranged@\^2\.0\.0: .*range/);
    const rows = await withLocalEnv(
      async (env) => {
        const { results } = await env.DB.prepare(
          "SELECT mirror_source, count(*) AS n, sum(is_latest) AS latest FROM server_versions GROUP BY mirror_source",
        ).all();
        return results;
      },
      join(dir, "state"),
    );
    expect(rows).toEqual([{ mirror_source: served.url, n: 230, latest: 115 }]);
  });

  it("changes nothing when run again", async () => {
    const run = await npmRun("import", ["--state", join(dir, "state"), served.url]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe("imported: 0 new, 0 updated, 230 unchanged, 1 rejected");
  });
});
