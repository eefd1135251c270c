// Publisher text is hostile: a server whose title and description carry markup shows on the home
// page (and its search) as text, with nothing that could run, under a CSP without inline code.
import { beforeAll, describe, expect, it } from "vitest";
import { publish, publishAll, tokenFor } from "./helpers/publishing.ts";
import { serverJson } from "./helpers/registry.ts";
import { expectNothingExecutable, expectSecurityHeaders, getPage, queryAll, seedDemoCatalogue } from "./helpers/web.ts";

const NAME = "io.modelcontextprotocol.anonymous/hostile-text";
const SCRIPT = "<script>alert(1)</script>";
const ATTRIBUTE = `"><img src=x onerror=alert(1)>`;
const TITLE = `'><svg onload=alert(2)> \`x\``;

beforeAll(async () => {
  await seedDemoCatalogue();
  const token = await tokenFor(publishAll("io.modelcontextprotocol.anonymous/*"));
  const { status, body } = await publish(
    token,
    serverJson(NAME, "1.0.0", { title: TITLE, description: `Hostile ${SCRIPT} ${ATTRIBUTE}` }),
  );
  expect(status, JSON.stringify(body)).toBe(200);
});

describe("hostile publisher text on the home page", () => {
  it.each(["/?q=hostile", `/?q=${encodeURIComponent(SCRIPT)}`, "/?q=hostile&registryType=npm,cargo"])(
    "is escaped in %s",
    async (path) => {
      const expected = path.includes("cargo") ? 422 : 200;
      const { html, headers } = await getPage(path, expected);
      expectSecurityHeaders(headers);
      expectNothingExecutable(html);
      expect(html).not.toContain(SCRIPT);
      expect(html).not.toContain("<img");
      expect(html).not.toContain("<svg");
    },
  );

  it("shows the text as the publisher wrote it", async () => {
    const { html } = await getPage("/?q=hostile");
    expect(html).toContain(
      "Hostile &lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
    );
    const card = (await queryAll(html, "ol#results > li.card"))[0]!;
    expect(card.text).toContain(`Hostile ${SCRIPT} ${ATTRIBUTE}`);
    const link = (await queryAll(html, "ol#results > li.card > h2 > a"))[0]!;
    expect(link.text).toBe(TITLE);
    expect(link.attrs.href).toBe(`/server/${NAME}`);
  });
});
