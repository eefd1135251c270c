// A name under /groups/{group}/ that no group has costs no D1 read of its own: each isolate
// knows the set of group names (one query, trusted for GOVERNANCE_TTL_MS like every governance
// read) and answers unknown names from it. A group created where the request is routed is known
// at once (forgetGovernance); one created elsewhere within GOVERNANCE_TTL_MS.
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { forgetGovernance, GOVERNANCE_TTL_MS, readGroup } from "../worker/src/storage/governance-cache.ts";
import { recordingD1 } from "./helpers/d1-queries.ts";
import { createGroup, uniqueGroupName } from "./helpers/groups.ts";
import { seedGroup } from "./helpers/group-fixtures.ts";
import { apiWith } from "./helpers/oidc-access.ts";

beforeEach(() => {
  forgetGovernance();
});

afterEach(() => {
  vi.restoreAllMocks();
});

const NAMES_QUERY = /^SELECT name FROM groups\b/;

describe("unknown group names", () => {
  it("answer 404 from one query of the group names, however many are asked", async () => {
    const db = recordingD1();
    const environment = { ...env, DB: db };
    for (let i = 0; i < 20; i++) {
      const response = await apiWith(environment, `/groups/${uniqueGroupName("nope")}/v0/servers`);
      expect(response.status).toBe(404);
    }
    expect(db.statements).toHaveLength(1);
    expect(db.statements[0]).toMatch(NAMES_QUERY);
  });

  it("read the names again after GOVERNANCE_TTL_MS, and never a group", async () => {
    const db = recordingD1();
    expect(await readGroup(db, uniqueGroupName("nope"))).toBeNull();
    const later = Date.now() + GOVERNANCE_TTL_MS;
    vi.spyOn(Date, "now").mockReturnValue(later);
    expect(await readGroup(db, uniqueGroupName("nope"))).toBeNull();
    expect(db.statements).toHaveLength(2);
    expect(db.statements.every((sql) => NAMES_QUERY.test(sql))).toBe(true);
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
    const name = uniqueGroupName();
    expect((await apiWith(env, `/groups/${name}/v0/servers`)).status).toBe(404);
    expect((await createGroup({ name, visibility: "public" })).status).toBe(201);
    expect((await apiWith(env, `/groups/${name}/v0/servers`)).status).toBe(200);
  });

  it("created behind this isolate's back is known within GOVERNANCE_TTL_MS", async () => {
    const name = uniqueGroupName();
    expect(await readGroup(env.DB, name)).toBeNull();
    const now = Date.now() * 1000;
    await env.DB.prepare(
      "INSERT INTO groups (name, visibility, created_at, created_by, updated_at) VALUES (?, 'public', ?, 'test', ?)",
    )
      .bind(name, now, now)
      .run();
    expect(await readGroup(env.DB, name)).toBeNull();
    vi.spyOn(Date, "now").mockReturnValue(Date.now() + GOVERNANCE_TTL_MS);
    expect((await readGroup(env.DB, name))?.name).toBe(name);
  });

  it("is read by name (its configuration), next to the names", async () => {
    const name = uniqueGroupName();
    await seedGroup({ name, visibility: "public" });
    const db = recordingD1();
    expect((await readGroup(db, name))?.name).toBe(name);
    expect(await readGroup(db, uniqueGroupName("nope"))).toBeNull();
    expect(db.statements).toHaveLength(2);
    expect(db.statements[0]).toMatch(NAMES_QUERY);
    expect(db.statements[1]).toContain("WHERE g.name = ?");
  });
});
