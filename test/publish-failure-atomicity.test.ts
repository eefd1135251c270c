// A write whose D1 batch fails leaves nothing behind (no row, no audit entry, no cache change, no
// consumed sequence number), and the same publish succeeds when retried.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { listStream } from "../worker/src/storage/d1-audit.ts";
import { api, apiJson, serverJson } from "./helpers/registry.ts";
import { publish, publishAll, tokenFor } from "./helpers/publishing.ts";

const NS = "com.fault";

async function snapshot() {
  const rows = await env.DB.prepare(
    "SELECT name, version, is_latest FROM server_versions WHERE name LIKE 'com.fault/%' ORDER BY 1, 2",
  ).all();
  const servers = await env.DB.prepare("SELECT * FROM servers WHERE name LIKE 'com.fault/%' ORDER BY 1").all();
  const kv = await env.CACHE.get(`server:${NS}/tool`);
  const list = await (await api(`/v0.1/servers?search=${NS}/`)).text();
  return { rows: rows.results, servers: servers.results, kv, list, changes: await listStream(env.DB, NS) };
}

describe("a publish whose D1 batch fails", () => {
  it("changes nothing, answers 500, and can be retried", async () => {
    const token = await tokenFor(publishAll(`${NS}/*`));
    expect((await publish(token, serverJson(`${NS}/tool`, "1.0.0"))).status).toBe(200);
    const before = await snapshot();

    // Fault injection: the audit-row insert, the last statement of the batch, fails.
    await env.DB.prepare(
      `CREATE TRIGGER fail_fault_log BEFORE INSERT ON audit_log WHEN NEW.namespace = '${NS}'
       BEGIN SELECT RAISE(ABORT, 'injected failure'); END`,
    ).run();
    const failed = await publish(token, serverJson(`${NS}/tool`, "2.0.0"));
    expect(failed.status).toBe(500);
    expect(failed.response.headers.get("content-type")).toBe("application/problem+json");
    expect(JSON.stringify(failed.body)).not.toContain("injected");
    expect(await snapshot()).toEqual(before);
    expect((await api(`/v0.1/servers/${encodeURIComponent(`${NS}/tool`)}/versions/2.0.0`)).status).toBe(404);

    await env.DB.prepare("DROP TRIGGER fail_fault_log").run();
    const retried = await publish(token, serverJson(`${NS}/tool`, "2.0.0"));
    expect(retried.status).toBe(200);
    const changes = await listStream(env.DB, NS);
    expect(changes.map((c) => c.seq)).toEqual([1, 2]);
    const latest = await apiJson(`/v0.1/servers/${encodeURIComponent(`${NS}/tool`)}/versions/latest`);
    expect(latest.body.server.version).toBe("2.0.0");
  });

  it("in a group of concurrent publishes, fails only the publish whose write fails", async () => {
    const token = await tokenFor(publishAll(`${NS}/*`));
    await env.DB.prepare(
      `CREATE TRIGGER fail_one_name BEFORE INSERT ON server_versions WHEN NEW.name = '${NS}/doomed'
       BEGIN SELECT RAISE(ABORT, 'injected failure'); END`,
    ).run();
    const names = ["a1", "a2", "doomed", "a3", "a4"].map((n) => `${NS}/${n}`);
    const results = await Promise.all(names.map((name) => publish(token, serverJson(name, "1.0.0"))));
    await env.DB.prepare("DROP TRIGGER fail_one_name").run();
    expect(results.map((r) => r.status)).toEqual([200, 200, 500, 200, 200]);
    const changes = await listStream(env.DB, NS);
    expect(changes.map((c) => c.seq)).toEqual(changes.map((_, i) => i + 1));
    expect(changes.filter((c) => c.name === `${NS}/doomed`)).toEqual([]);
    expect((await api(`/v0.1/servers/${encodeURIComponent(`${NS}/doomed`)}/versions`)).status).toBe(404);
    expect((await publish(token, serverJson(`${NS}/doomed`, "1.0.0"))).status).toBe(200);
  });
});
