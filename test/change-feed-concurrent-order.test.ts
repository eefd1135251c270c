// The change feed under concurrent writes: publishes into many namespaces at once (each
// namespace's writer group-commits them), then a deprecation in each, all in flight together,
// while a reader pages through the feed with a small limit until the writes are done and the
// feed is drained. What the reader collected is exactly the audit trail of those writes: every
// successful write once, no gap, no repeat, each namespace's changes in the order its audit
// records them; the same as one read of the whole feed afterwards; and each version's state as
// the feed leaves it (isLatest recomputed by the official rule) is what the detail endpoint says.
import { describe, expect, it } from "vitest";
import { parseRfc3339 } from "../worker/src/domain/timestamps.ts";
import { pickLatest } from "../worker/src/domain/version-order.ts";
import { auditOf } from "./helpers/moderation.ts";
import { editAll, patchStatus, publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { serverJson } from "./helpers/registry.ts";
import { detailOf, drainFeed, feedCursor, feedPage, keyOf, OFFICIAL } from "./helpers/change-feed.ts";

const NAMESPACES = Array.from({ length: 12 }, (_, i) => `com.feed-concurrent-${i}`);
const VERSIONS = ["1.0.0", "1.1.0", "2.0.0", "2.1.0"];
/** The reader's page size: small, so that it pages many times while the writes run. */
const READ_LIMIT = 3;

/** The audit trail of the writes, per namespace: the successful ones, as feed entries name them. */
async function auditedChanges(namespace: string): Promise<string[]> {
  const rows = await auditOf(namespace);
  return rows
    .filter((row) => row.outcome === "ok")
    .flatMap((row) => {
      if (row.action === "publish") return [`publish ${row.name}@${row.version}`];
      if (row.action === "status") return [`status ${row.name}@${row.version}`];
      throw new Error(`unexpected audit row ${row.action}`);
    });
}

describe("the change feed under concurrent writes", () => {
  it("gives a reader paging during the writes exactly the audited writes, in commit order", async () => {
    const start = await feedCursor();
    let writing = true;
    const writes = Promise.all(
      NAMESPACES.map(async (namespace) => {
        const token = await tokenFor([...publishAll(`${namespace}/*`), ...editAll(`${namespace}/*`)]);
        const names = [`${namespace}/alpha`, `${namespace}/beta`];
        const published = await Promise.all(
          names.flatMap((name) => VERSIONS.map((version) => publish(token, serverJson(name, version)))),
        );
        for (const answer of published) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        const deprecated = await patchStatus(token, names[0]!, "1.1.0", { status: "deprecated", statusMessage: "old" });
        expect(deprecated.status).toBe(200);
      }),
    ).finally(() => {
      writing = false;
    });

    // The reader: pages from `start` while the writes run, then until the feed is drained.
    const collected: any[] = [];
    let cursor = start;
    let reads = 0;
    let readsDuringWrites = 0;
    for (;;) {
      const stillWriting = writing;
      const page = await feedPage("", cursor, READ_LIMIT);
      reads++;
      if (stillWriting) readsDuringWrites++;
      collected.push(...page.changes);
      cursor = page.metadata.nextCursor;
      // Done once a page read after the writes had finished reached the end.
      if (!stillWriting && !page.metadata.more) break;
      if (reads > 10_000) throw new Error("the reader never caught up");
    }
    await writes;
    expect(readsDuringWrites).toBeGreaterThan(1);

    const expectedCount = NAMESPACES.length * (2 * VERSIONS.length + 1);
    // No repeat: every cursor once, in increasing order; no gap: a whole read afterwards agrees.
    const cursors = collected.map((c) => Number(c.cursor));
    expect(cursors).toEqual(cursors.map((_, i) => Number(start) + i + 1));
    expect(collected).toHaveLength(expectedCount);
    expect((await drainFeed("", { after: start, limit: 500 })).changes).toEqual(collected);

    // Exactly the audited writes, each namespace's in the order of its audit trail.
    for (const namespace of NAMESPACES) {
      const fromFeed = collected
        .filter((c) => c.name.startsWith(`${namespace}/`))
        .map((c) => `${c.action} ${keyOf(c)}`);
      expect(fromFeed, namespace).toEqual(await auditedChanges(namespace));
    }

    // The state the feed leaves, with isLatest by the official rule, is what the detail says.
    const state = new Map<string, any>();
    for (const change of collected) state.set(keyOf(change), change);
    const byName = Map.groupBy([...state.values()], (change) => change.name as string);
    for (const versions of byName.values()) {
      const latest = pickLatest(
        versions.map((c) => ({
          version: c.version,
          publishedAt: parseRfc3339(c._meta[OFFICIAL].publishedAt)!,
          deleted: c._meta[OFFICIAL].status === "deleted",
        })),
      );
      for (const [i, change] of versions.entries()) {
        const detail = await detailOf(change.name, change.version);
        const meta = { ...change._meta, [OFFICIAL]: { ...change._meta[OFFICIAL], isLatest: i === latest } };
        expect(meta, keyOf(change)).toEqual(detail._meta);
        expect(change.server, keyOf(change)).toEqual(detail.server);
      }
    }
  });
});
