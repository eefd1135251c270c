// D1 fails a group commit's batch with an outage (the object itself lives on): either the batch
// never ran, or it committed and only its answer was lost. Either way every publish of the group
// is answered 503 with Retry-After at once: not retried one by one (which would queue more
// failures during an outage, or refuse a version that did land as a "duplicate"). Retrying
// then succeeds (nothing landed) or is the duplicate refusal D1 confirms (it all landed).
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { D1_OUTAGES, interceptWriterBatch } from "./helpers/faults.ts";
import { publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { serverJson } from "./helpers/registry.ts";

const NS = "com.group-outage";
const writer = () => env.STREAM_WRITER.getByName(NS);

/** The writer's next batch of at least two audit rows (a group commit) fails with an outage. */
function failNextGroupCommit(moment: "instead" | "after-commit"): Promise<void> {
  return interceptWriterBatch(writer() as DurableObjectStub, 2, async (send) => {
    if (moment === "after-commit") await send();
    throw new Error(D1_OUTAGES[0]);
  });
}

const stored = async (name: string, version: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM server_versions WHERE name = ? AND version = ?")
    .bind(name, version)
    .first<{ n: number }>())!.n;

it.each(["instead", "after-commit"] as const)(
  "an outage %s of a group commit answers the whole group 503",
  async (moment) => {
    const token = await tokenFor(publishAll(`${NS}/*`));
    // A slow first publish keeps the others queued behind it, so they form one group.
    expect((await publish(token, serverJson(`${NS}/warm-${moment}`, "1.0.0"))).status).toBe(200);
    await failNextGroupCommit(moment);
    const jobs = Array.from({ length: 24 }, (_, i) => ({ name: `${NS}/${moment}-${i % 4}`, version: `1.${i}.0` }));
    const results = await Promise.all(jobs.map((j) => publish(token, serverJson(j.name, j.version))));
    const refused = results.filter((r) => r.status === 503);
    expect(refused.length).toBeGreaterThan(1);
    for (const res of results) {
      expect([200, 503]).toContain(res.status);
      if (res.status === 503) expect(res.response.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
    }
    for (const [i, job] of jobs.entries()) {
      if (results[i]!.status !== 503) continue;
      const retried = await publish(token, serverJson(job.name, job.version));
      if (moment === "instead") expect(retried.status).toBe(200);
      else {
        expect(retried.status).toBe(400);
        expect(retried.body.errors[0].message).toMatch(/^invalid version: cannot publish duplicate version/);
      }
      expect(await stored(job.name, job.version)).toBe(1);
    }
  },
);
