// The sources page of organisation administrators: a source is added through the form, listed
// with its state and deleted; the API's refusal of a bad source comes back as a notice.
import { beforeAll, describe, expect, it } from "vitest";
import { orgAdminToken } from "./helpers/groups.ts";
import { adminGet } from "./helpers/moderation.ts";
import { locationOf, sessionPage, sessionPost } from "./helpers/web-maintain.ts";
import { expectNothingExecutable, queryOne } from "./helpers/web.ts";

describe("the sources page", () => {
  let admin: string;
  beforeAll(async () => {
    admin = await orgAdminToken();
  });

  it("adds a source, lists its state, and deletes it", async () => {
    const created = await sessionPost("/maintain/sources", admin, {
      url: "https://upstream.example.test",
      into: "public",
      include: "io.github.acme/*",
      exclude: "",
    });
    expect(created.status).toBe(303);
    expect(locationOf(created).search).toBe("?done=created");
    const { html } = await sessionPage("/maintain/sources", admin);
    expectNothingExecutable(html);
    const row = await queryOne(html, "table#sources tbody tr");
    expect(row.text).toContain("https://upstream.example.test");
    expect(row.text).toContain("include io.github.acme/*");
    const id = row.attrs["data-source-id"]!;
    const deleted = await sessionPost(`/maintain/sources/${id}/delete`, admin, {});
    expect(deleted.status).toBe(303);
    expect((await adminGet(admin, "/x/admin/sources")).body.sources).toHaveLength(0);
  });

  it("shows the API's refusal of a bad source", async () => {
    const page = await sessionPost("/maintain/sources", admin, { url: "ftp://nope", into: "public" });
    expect(page.status).toBe(422);
    expect((await queryOne(page.html, ".notice.error")).text).toContain("body.url");
  });
});
