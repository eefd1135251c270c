// Test helpers for the server page: its path, a published server with an npm package (arguments
// and environment variables, one a required secret) and a remote with headers, and a parsed
// check that a page holds no active markup.
import { expect } from "vitest";
import { serverJson } from "./registry.ts";

/** `/server/{name}` under `base` (names have one slash, kept as the path separator). */
export const serverPagePath = (name: string, base = "") =>
  `${base}/server/${name.split("/").map(encodeURIComponent).join("/")}`;

/** A server.json with an npm package (env vars, arguments) and a remote with headers. */
export function richServer(name: string, version: string, extra: Record<string, unknown> = {}) {
  return serverJson(name, version, {
    title: "Weather Station",
    description: "Forecasts and alerts for your agent.",
    repository: { url: "https://github.com/alice/weather", source: "github", subfolder: "packages/mcp" },
    websiteUrl: "https://weather.example/docs",
    packages: [
      {
        registryType: "npm",
        identifier: "@alice/weather-mcp",
        version,
        transport: { type: "stdio" },
        packageArguments: [{ type: "named", name: "--units", description: "Units to report in", default: "metric" }],
        environmentVariables: [
          {
            name: "WEATHER_API_KEY",
            description: "API key from weather.example",
            isRequired: true,
            isSecret: true,
          },
          { name: "WEATHER_REGION", description: "Default region", default: "eu" },
        ],
      },
    ],
    remotes: [
      {
        type: "streamable-http",
        url: "https://mcp.weather.example/mcp",
        headers: [{ name: "X-Weather-Key", description: "Your account key", isRequired: true, isSecret: true }],
      },
    ],
    ...extra,
  });
}

/**
 * Nothing in `html` can run as script or style, checked on the parsed elements (HTMLRewriter)
 * rather than on the text, so that escaped publisher text inside an attribute value (a
 * description in <meta content="…onerror=…">) is not mistaken for markup: no event-handler or
 * style attribute, no <style>, scripts only from /static/ and without a body, no javascript: URL.
 */
export async function expectNoActiveMarkup(html: string): Promise<void> {
  const problems: string[] = [];
  await new HTMLRewriter()
    .on("*", {
      element(element) {
        for (const [name = "", value = ""] of element.attributes) {
          if (/^on/i.test(name) || name.toLowerCase() === "style") problems.push(`${element.tagName}[${name}]`);
          if (["href", "src", "action", "formaction"].includes(name) && /^\s*javascript:/i.test(value)) {
            problems.push(`${element.tagName}[${name}=${value}]`);
          }
        }
        if (element.tagName === "style") problems.push("<style>");
        if (element.tagName === "script" && !/^\/static\/[\w.-]+$/.test(element.getAttribute("src") ?? "")) {
          problems.push(`<script src=${element.getAttribute("src")}>`);
        }
      },
    })
    .on("script", {
      text(chunk) {
        if (chunk.text.trim() !== "") problems.push(`<script> body ${chunk.text.slice(0, 40)}`);
      },
    })
    .transform(new Response(html))
    .text();
  expect(problems).toEqual([]);
}
