// A mirror of the real registry pull (../shared/data; skipped when absent) converges over several
// bounded cron runs, and then every read of the mirror equals the upstream's: the same list pages
// (all versions, latest only, deleted included), the same versions of every name and the same
// details, with the upstream's official _meta (status, timestamps, isLatest), plus the mirror's
// own provenance key. The upstream serves what the official registry holds today: the pull
// without the 5 entries its importer refuses (package version "latest"; ../shared/data/README.md).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { MIRROR_META_KEY, renderServerResponse } from "../worker/src/domain/server-response.ts";
import { validateServerJson } from "../worker/src/domain/server-json/index.ts";
import { FakeUpstream } from "./helpers/fake-upstream.ts";
import { registerSource, runMirrorCron, serveUpstreams, sourceState } from "./helpers/mirror.ts";
import { inParallel } from "./helpers/parallel.ts";
import { REAL_DATASET_ABSENT } from "./helpers/real-dataset.ts";
import { api, official } from "./helpers/registry.ts";

const PAGES_PER_RUN = 7;
/** Reads compared at once (each one still compared in full). */
const WIDTH = 8;

describe.skipIf(REAL_DATASET_ABSENT)("mirroring the real dataset", () => {
  const upstream = FakeUpstream.fromDataset(
    "https://registry.upstream.test",
    env.TEST_REAL_SERVERS,
    env.TEST_REAL_META,
    {
      keep: (server) => validateServerJson(server).ok,
    },
  );
  let id: string;
  let runs = 0;

  /** The upstream's answer to a path, and the mirror's, both parsed. */
  async function both(path: string): Promise<{ upstream: any; mirror: any; status: number }> {
    const theirs = await upstream.handle(new Request(`${upstream.base}${path}`));
    const ours = await api(path);
    expect(ours.status, path).toBe(theirs.status);
    return { upstream: await theirs.json(), mirror: await ours.json(), status: ours.status };
  }

  /** A mirror item: the upstream's item plus the provenance key, which names the source and its updatedAt. */
  function withoutProvenance(item: any): any {
    const { [MIRROR_META_KEY]: provenance, ...rest } = item._meta;
    expect(provenance).toEqual({ source: upstream.base, upstreamUpdatedAt: official(item).updatedAt });
    return { ...item, _meta: rest };
  }

  /** Walks a list query page by page on both sides: page for page equal. */
  async function comparePages(query: string): Promise<number> {
    let cursor: string | undefined;
    let items = 0;
    do {
      const params = new URLSearchParams(query);
      params.set("limit", "100");
      if (cursor !== undefined) params.set("cursor", cursor);
      const { upstream: theirs, mirror: ours } = await both(`/v0.1/servers?${params}`);
      expect(ours.metadata).toEqual(theirs.metadata);
      expect(ours.servers.map(withoutProvenance)).toEqual(theirs.servers);
      items += ours.servers.length;
      cursor = ours.metadata.nextCursor;
    } while (cursor !== undefined);
    return items;
  }

  beforeAll(async () => {
    serveUpstreams(upstream);
    id = await registerSource({ url: upstream.base, into: "public" });
    for (;;) {
      const before = upstream.seen.length;
      await runMirrorCron(PAGES_PER_RUN);
      runs++;
      // Each run is bounded: at most PAGES_PER_RUN pages (plus the one feed probe of the first).
      expect(upstream.seen.length - before).toBeLessThanOrEqual(PAGES_PER_RUN + 1);
      const state = await sourceState(id);
      if (state.lastError !== null) throw new Error(state.lastError);
      if (state.caughtUp) break;
      if (runs > 100) throw new Error("the mirror does not converge");
    }
  }, 300_000);

  it("took several bounded runs and counted every version once", async () => {
    const total = upstream.all().length;
    expect(total).toBe(3143);
    expect(runs).toBe(Math.ceil(Math.ceil(total / 100) / PAGES_PER_RUN));
    const state = await sourceState(id);
    expect(state).toMatchObject({
      mode: "list",
      position: null,
      lastError: null,
      caughtUp: true,
      counts: { added: total, updated: 0, unchanged: 0, skipped: 0 },
      recentSkips: [],
    });
    expect(state.lagSeconds).toBeGreaterThanOrEqual(0);
  });

  it("serves the same list pages", async () => {
    const [all, latest, withDeleted, search] = await Promise.all(
      ["", "version=latest", "include_deleted=true", "search=github"].map(comparePages),
    );
    expect(all).toBe(3143);
    expect(latest).toBe(1230);
    expect(withDeleted).toBe(3143);
    expect(search).toBeGreaterThan(0);
  }, 120_000);

  it("serves the same versions of every name and the same details", async () => {
    const rows = upstream.all();
    const latestOf = new Map(rows.filter((r) => r.isLatest).map((r) => [r.name, r.version]));
    const names = [...new Set(rows.map((r) => r.name))];
    expect(latestOf.size).toBe(names.length);
    await inParallel(names, WIDTH, async (name) => {
      const path = `/v0.1/servers/${encodeURIComponent(name)}/versions`;
      const { upstream: theirs, mirror: ours } = await both(path);
      expect(ours.servers.map(withoutProvenance), path).toEqual(theirs.servers);
      const latest = await api(`${path}/latest`);
      expect(withoutProvenance(await latest.json()).server.version).toBe(latestOf.get(name));
    });
    // Every seventh version's detail, as the upstream renders it (all of them would only repeat
    // the versions lists).
    const sampled = rows.filter((_, i) => i % 7 === 0);
    await inParallel(sampled, WIDTH, async (row) => {
      const path = `/v0.1/servers/${encodeURIComponent(row.name)}/versions/${encodeURIComponent(row.version)}`;
      const ours = await api(path);
      expect(ours.status, path).toBe(200);
      expect(withoutProvenance(await ours.json())).toEqual(JSON.parse(renderServerResponse(row)));
    });
  }, 300_000);
});
