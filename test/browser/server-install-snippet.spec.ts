// The server page's VS Code snippet, copied with its Copy button, is a valid .vscode/mcp.json
// that runs the server's npm package and prompts for its secret.
import { expect, test } from "@playwright/test";
import { SNIPPET_SERVER, serverPath } from "./helpers/fixture-data.ts";

interface VscodeConfig {
  servers: Record<string, { type?: string; command?: string; args?: string[]; env?: Record<string, string> }>;
  inputs?: { type: string; id: string; password?: boolean }[];
}

test("Copy puts a VS Code configuration naming the package on the clipboard", async ({ page, context, baseURL }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL! });
  await page.goto(serverPath(SNIPPET_SERVER.name));
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();

  const snippet = page.locator("pre code#snippet-vscode");
  const copy = page.locator('button[type="button"][data-copy="snippet-vscode"]');
  // The button starts hidden and is shown by the page's script.
  await expect(copy).toBeVisible();
  await expect(copy).toHaveText("Copy");
  // The snippet may sit in a closed tab or <details>: what is copied is its text either way.
  const shown = (await snippet.textContent()) ?? "";
  await copy.click();
  await expect(copy).toHaveText("Copied");
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(shown);

  const config = JSON.parse(copied) as VscodeConfig;
  const entries = Object.values(config.servers);
  expect(entries).toHaveLength(1);
  const entry = entries[0]!;
  expect(entry.type).toBe("stdio");
  expect(entry.command).toBe("npx");
  expect(entry.args).toContain(`${SNIPPET_SERVER.packageIdentifier}@${SNIPPET_SERVER.packageVersion}`);
  // The secret is asked for by VS Code (a password prompt), never written into the file.
  const secret = entry.env?.[SNIPPET_SERVER.secretVariable];
  expect(secret).toMatch(/^\$\{input:[^}]+\}$/);
  const inputId = secret!.slice("${input:".length, -1);
  expect(config.inputs).toContainEqual(expect.objectContaining({ type: "promptString", id: inputId, password: true }));
});
