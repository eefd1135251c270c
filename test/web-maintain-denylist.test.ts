// The denylist page adds and removes entries through its forms: the API blocks and deletes what
// an entry matches, its refusals come back as notices on the page, and a form posted from another
// site adds nothing.
import { beforeAll, describe, expect, it } from "vitest";
import { adminGet, maintainerToken } from "./helpers/moderation.ts";
import { publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { apiJson, official, serverJson } from "./helpers/registry.ts";
import { crossSitePost, locationOf, sessionPage, sessionPost } from "./helpers/web-maintain.ts";
import { expectNothingExecutable, queryAll, queryOne } from "./helpers/web.ts";

describe("the denylist page", () => {
  let admin: string;
  let publisher: string;
  beforeAll(async () => {
    admin = await maintainerToken();
    publisher = await tokenFor(publishAll("*"));
    await publish(publisher, serverJson("com.web-deny/bad", "1.0.0"));
  });

  it("adds an entry through its form: the API blocks and deletes matches", async () => {
    const page = await sessionPost("/maintain/denylist", admin, {
      kind: "server",
      value: "com.web-deny/bad",
      registryType: "",
      reason: "Malware <i>confirmed</i>",
    });
    expect(page.status).toBe(303);
    expect(locationOf(page).search).toBe("?done=added");
    const { body } = await adminGet(admin, "/x/admin/denylist");
    expect(body.entries).toContainEqual(
      expect.objectContaining({ kind: "server", value: "com.web-deny/bad", reason: "Malware <i>confirmed</i>" }),
    );
    const version = await apiJson("/v0.1/servers/com.web-deny%2Fbad/versions/1.0.0?include_deleted=true");
    expect(official(version.body).status).toBe("deleted");

    const list = await sessionPage("/maintain/denylist?done=added", admin);
    expectNothingExecutable(list.html);
    expect(list.html).not.toContain("<i>confirmed</i>");
    const rows = await queryAll(list.html, "table#denylist tbody tr");
    expect(rows.some((r) => r.text.includes("com.web-deny/bad") && r.text.includes("Malware <i>confirmed</i>"))).toBe(
      true,
    );
    await queryOne(list.html, ".notice.ok");
  });

  it("shows the API's refusal of an entry it cannot take, keeping the page", async () => {
    const page = await sessionPost("/maintain/denylist", admin, {
      kind: "package",
      value: "left-pad",
      registryType: "",
      reason: "no type",
    });
    expect(page.status).toBe(422);
    expect((await queryOne(page.html, ".notice.error")).text).toContain("body.value");
    await queryOne(page.html, "form#denylist-add");
  });

  it("refuses an entry posted from another site (403) and adds nothing", async () => {
    const page = await crossSitePost("/maintain/denylist", admin, {
      kind: "namespace",
      value: "com.web-cross-site",
      reason: "forged",
    });
    expect(page.status).toBe(403);
    const { body } = await adminGet(admin, "/x/admin/denylist");
    expect(body.entries.some((e: { value: string }) => e.value === "com.web-cross-site")).toBe(false);
  });

  it("removes an entry through its row's form", async () => {
    const list = await sessionPage("/maintain/denylist", admin);
    const forms = await queryAll(list.html, 'table#denylist form[action="/maintain/denylist/remove"]');
    expect(forms.length).toBeGreaterThan(0);
    const page = await sessionPost("/maintain/denylist/remove", admin, { kind: "server", value: "com.web-deny/bad" });
    expect(page.status).toBe(303);
    expect(locationOf(page).search).toBe("?done=removed");
    const { body } = await adminGet(admin, "/x/admin/denylist");
    expect(body.entries.some((e: { value: string }) => e.value === "com.web-deny/bad")).toBe(false);
  });
});
