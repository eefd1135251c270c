// Every real server.json (../shared/data) gets a snippet per client and target that is valid
// JSON, names what it runs (the package identifier or the remote URL's host), and lists every
// placeholder it holds as an input.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { INSTALL_CLIENTS, installConfig, installTargets } from "../worker/src/domain/install-config.ts";
import type { ServerJson } from "../worker/src/domain/server-json/framework-schema.ts";
import { REAL_DATASET_ABSENT } from "./helpers/real-dataset.ts";

function realServers(): ServerJson[] {
  return env.TEST_REAL_SERVERS.split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as ServerJson);
}

describe.skipIf(REAL_DATASET_ABSENT)("install snippets of the real dataset", () => {
  it("are valid JSON naming the package or the remote, with every placeholder listed as an input", () => {
    const servers = realServers();
    expect(servers.length).toBeGreaterThan(3000);
    let snippets = 0;
    for (const server of servers) {
      const targets = installTargets(server);
      if (targets.length === 0) {
        for (const client of INSTALL_CLIENTS) expect(installConfig(server, client)).toBeUndefined();
        continue;
      }
      for (const target of targets) {
        for (const client of INSTALL_CLIENTS) {
          const config = installConfig(server, client, target);
          const where = `${server.name}@${server.version} ${client} ${target.kind}-${target.index}`;
          expect(config, where).toBeDefined();
          expect(JSON.parse(config!.snippet), where).toEqual(config!.config);
          if (target.kind === "package") {
            const pkg = server.packages![target.index]!;
            // A package serving HTTP is reached by its URL; the command that starts it is noted.
            const text = `${config!.snippet}\n${config!.notes.join("\n")}`;
            expect(text, where).toContain(pkg.identifier);
          } else {
            const url = server.remotes![target.index]!.url!;
            // The URL, or its template with placeholders: its constant prefix up to the first {var}.
            expect(config!.snippet, where).toContain(JSON.stringify(url.split("{")[0]!).slice(1, -1));
          }
          const shown = `${config!.snippet}\n${config!.notes.join("\n")}`;
          for (const input of config!.inputs) {
            // In the snippet (JSON-escaped), or in the noted start command of a package serving HTTP.
            const inSnippet = config!.snippet.includes(JSON.stringify(input.placeholder).slice(1, -1));
            expect(inSnippet || shown.includes(input.placeholder), `${where} ${input.name}`).toBe(true);
          }
          if (client === "vscode") {
            const ids = ((config!.config.inputs ?? []) as { id: string }[]).map((i) => i.id);
            expect(new Set(ids).size, where).toBe(ids.length);
            for (const id of config!.snippet.matchAll(/\$\{input:([^}]+)\}/g)) expect(ids, where).toContain(id[1]);
          }
          snippets++;
        }
      }
    }
    expect(snippets).toBeGreaterThan(10_000);
  });
});
