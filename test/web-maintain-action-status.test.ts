// A form post the API did not accept answers the page again with the API's error status; an
// answer that is neither a success nor an error (a 308 of a path ending in a slash) is no status
// for a page (a redirect without a Location): it becomes 502.
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { internalApi } from "../worker/src/http/internal-api.ts";
import { handleRequest } from "../worker/src/http/router.ts";
import { afterAction, type Notice } from "../worker/src/web/maintain-kit.ts";
import type { SiteContext } from "../worker/src/web/site-context.ts";
import { groupWithMembers, orgAdminToken } from "./helpers/groups.ts";
import { ORIGIN } from "./helpers/registry.ts";

const GROUP = "web-status";

describe("the answer to a refused form post", () => {
  let api: SiteContext["api"];
  let site: SiteContext;
  beforeAll(async () => {
    const admin = await orgAdminToken();
    await groupWithMembers(GROUP);
    const request = new Request(`${ORIGIN}/maintain/groups/${GROUP}/delete`, { method: "POST" });
    api = internalApi(handleRequest, request, env, createExecutionContext(), admin);
    site = { request, env, url: new URL(request.url), base: "", sessionToken: admin, api } as SiteContext;
  });

  async function rerenderedWith(path: string, method: "DELETE" | "PUT") {
    const answer = await api(path, { method, body: method === "PUT" ? { role: "owner" } : undefined });
    let shown: { notice: Notice; status: number } | undefined;
    await afterAction(
      site,
      answer,
      () => new Response(null, { status: 303 }),
      async (notice, status) => {
        shown = { notice, status };
        return new Response(null, { status });
      },
    );
    return { api: answer.status, shown };
  }

  it("carries the API's error status", async () => {
    const { api: status, shown } = await rerenderedWith(`/x/admin/groups/${GROUP}/members/github%3Ax`, "PUT");
    expect(status).toBe(422);
    expect(shown?.status).toBe(422);
    expect(shown?.notice.kind).toBe("error");
  });

  it("is a 502, never the API's redirect status", async () => {
    const { api: status, shown } = await rerenderedWith(`/x/admin/groups/${GROUP}/`, "DELETE");
    expect(status).toBeGreaterThanOrEqual(300);
    expect(status).toBeLessThan(400);
    expect(shown?.status).toBe(502);
  });
});
