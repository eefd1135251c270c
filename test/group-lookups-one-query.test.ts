// Looking up a group under /groups/{group}/ reads no row of its own: each isolate reads every
// group's configuration in one query, trusted for GOVERNANCE_TTL_MS like every governance read,
// and answers existing and unknown names alike from it, so neither the number of reads nor their
// timing tells a private group from a made-up name. A group created where the request is routed
// is known at once (forgetGovernance); one created elsewhere within GOVERNANCE_TTL_MS.
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { forgetGovernance, GOVERNANCE_TTL_MS, readGroup } from "../worker/src/storage/governance-cache.ts";
import { recordingD1 } from "./helpers/d1-queries.ts";
import { createGroup, uniqueGroupName } from "./helpers/groups.ts";
import { seedGroup } from "./helpers/group-fixtures.ts";
import { apiWith } from "./helpers/oidc-access.ts";

const T0 = Date.now();

beforeEach(() => {
  forgetGovernance();
  // A frozen clock: a loaded machine must not stretch a request past GOVERNANCE_TTL_MS.
  vi.spyOn(Date, "now").mockReturnValue(T0);
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** The one query that reads every group with its claims (storage/d1-governance.ts everyGroup). */
const EVERY_GROUP = /^SELECT g\.name, g\.title[\s\S]*ORDER BY g\.name LIMIT \?$/;

describe("group lookups", () => {
  it("answer unknown and private names with the same single query, however many are asked", async () => {
    const secret = uniqueGroupName("secret");
    await seedGroup({ name: secret, visibility: "private" });
    forgetGovernance();
    const db = recordingD1();
    const environment = { ...env, DB: db };
    for (let i = 0; i < 10; i++) {
      expect((await apiWith(environment, `/groups/${uniqueGroupName("nope")}/v0/servers`)).status).toBe(404);
      expect((await apiWith(environment, `/groups/${secret}/v0/servers`)).status).toBe(404);
    }
    expect(db.statements).toHaveLength(1);
    expect(db.statements[0]).toMatch(EVERY_GROUP);
  });

  it("read every group again after GOVERNANCE_TTL_MS, and never one by name", async () => {
    const db = recordingD1();
    expect(await readGroup(db, uniqueGroupName("nope"))).toBeNull();
    vi.spyOn(Date, "now").mockReturnValue(T0 + GOVERNANCE_TTL_MS);
    expect(await readGroup(db, uniqueGroupName("nope"))).toBeNull();
    expect(db.statements).toHaveLength(2);
    expect(db.statements.every((sql) => EVERY_GROUP.test(sql))).toBe(true);
  });

  it("are forgotten by forgetGovernance", async () => {
    const name = uniqueGroupName();
    expect(await readGroup(env.DB, name)).toBeNull();
    await seedGroup({ name, visibility: "public" }); // writes D1, then forgets
    expect((await readGroup(env.DB, name))?.name).toBe(name);
  });
});

describe("a group that exists", () => {
  it("is known at once in the isolate that created it", async () => {
    vi.restoreAllMocks();
    const name = uniqueGroupName();
    expect((await apiWith(env, `/groups/${name}/v0/servers`)).status).toBe(404);
    expect((await createGroup({ name, visibility: "public" })).status).toBe(201);
    expect((await apiWith(env, `/groups/${name}/v0/servers`)).status).toBe(200);
  });

  it("created behind this isolate's back is known within GOVERNANCE_TTL_MS", async () => {
    const name = uniqueGroupName();
    expect(await readGroup(env.DB, name)).toBeNull();
    const now = T0 * 1000;
    await env.DB.prepare(
      "INSERT INTO groups (name, visibility, created_at, created_by, updated_at) VALUES (?, 'public', ?, 'test', ?)",
    )
      .bind(name, now, now)
      .run();
    expect(await readGroup(env.DB, name)).toBeNull();
    vi.spyOn(Date, "now").mockReturnValue(T0 + GOVERNANCE_TTL_MS);
    expect((await readGroup(env.DB, name))?.name).toBe(name);
  });
});
