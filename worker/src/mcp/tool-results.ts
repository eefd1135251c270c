// What the MCP tools and resources answer, made from the API's items: the structured outputs
// (tool-schemas.ts), their readable text, and a server's page as Markdown. Pure.
import {
  type InstallClient,
  type InstallConfig,
  installConfig,
  installTargets,
  targetKey,
  targetOfKey,
} from "../domain/install-config.ts";
import type { ServerJson } from "../domain/server-json/framework-schema.ts";
import { OFFICIAL_META_KEY } from "../domain/server-response.ts";
import type { SearchAnswer, ServerEntry } from "./registry-reader.ts";
import type { GetServerOutput, InstallConfigOutput, ListVersionsOutput, SearchOutput } from "./tool-schemas.ts";

type Status = "active" | "deprecated" | "deleted";

interface Official {
  status: Status;
  publishedAt: string;
  updatedAt: string;
  isLatest: boolean;
}

/** The registry's official metadata of an item (defaults where a field is missing). */
export function officialOf(entry: ServerEntry): Official {
  const meta = (entry._meta?.[OFFICIAL_META_KEY] ?? {}) as Partial<Official>;
  const status: Status = meta.status === "deprecated" || meta.status === "deleted" ? meta.status : "active";
  return {
    status,
    publishedAt: typeof meta.publishedAt === "string" ? meta.publishedAt : "",
    updatedAt: typeof meta.updatedAt === "string" ? meta.updatedAt : "",
    isLatest: meta.isLatest === true,
  };
}

/** A server's page on the site: `{origin}{base}/server/{name}`. */
export function serverPageUrl(origin: string, base: string, name: string): string {
  return `${origin}${base}/server/${name.split("/").map(encodeURIComponent).join("/")}`;
}

function registryTypesOf(server: ServerEntry["server"]): string[] {
  const packages = Array.isArray(server.packages) ? (server.packages as { registryType?: unknown }[]) : [];
  return [...new Set(packages.map((p) => p.registryType).filter((t): t is string => typeof t === "string"))];
}

function isRemote(server: ServerEntry["server"]): boolean {
  return Array.isArray(server.remotes) && server.remotes.length > 0;
}

export function searchResult(answer: SearchAnswer, pageUrl: (name: string) => string): SearchOutput {
  return {
    servers: answer.results.map(({ server, _meta }) => ({
      name: server.name,
      ...(typeof server.title === "string" ? { title: server.title } : {}),
      description: typeof server.description === "string" ? server.description : "",
      version: server.version,
      status: officialOf({ server, _meta }).status,
      remote: isRemote(server),
      packages: registryTypesOf(server),
      url: pageUrl(server.name),
    })),
    total: answer.metadata.total,
    ...(answer.metadata.nextCursor === undefined ? {} : { nextCursor: answer.metadata.nextCursor }),
  };
}

export function searchText(result: SearchOutput): string {
  if (result.servers.length === 0) return result.total === 0 ? "No servers match." : "No more results.";
  const lines = result.servers.map((s, i) => {
    const kinds = [s.status, ...(s.remote ? ["remote"] : []), ...s.packages].join(", ");
    return `${i + 1}. ${s.name} ${s.version} (${kinds})${s.title === undefined ? "" : ` ${s.title}:`} ${s.description}`;
  });
  const more = result.nextCursor === undefined ? "" : `\nMore results: call again with cursor "${result.nextCursor}".`;
  return `${result.total} servers match.\n${lines.join("\n")}${more}`;
}

export function serverResult(entry: ServerEntry, url: string): GetServerOutput {
  return { server: entry.server, meta: entry._meta ?? {}, url };
}

export function serverText(result: GetServerOutput): string {
  const { server } = result;
  const { status, isLatest } = officialOf({ server, _meta: result.meta });
  const description = typeof server.description === "string" ? ` ${server.description}` : "";
  return `${server.name} ${server.version} (${status}${isLatest ? ", latest" : ""}):${description}\nPage: ${result.url}`;
}

export function versionsResult(name: string, entries: readonly ServerEntry[], limit: number): ListVersionsOutput {
  return {
    name,
    total: entries.length,
    versions: entries.slice(0, limit).map((entry) => ({ version: entry.server.version, ...officialOf(entry) })),
  };
}

export function versionsText(result: ListVersionsOutput): string {
  const lines = result.versions.map(
    (v) => `- ${v.version}: ${v.status}${v.isLatest ? ", latest" : ""}, published ${v.publishedAt}`,
  );
  const shown = result.versions.length < result.total ? ` (the newest ${result.versions.length})` : "";
  return `${result.name}: ${result.total} versions${shown}\n${lines.join("\n")}`;
}

/** A configuration, or why the server has none for the target asked. */
export type InstallOutcome = { ok: true; result: InstallConfigOutput } | { ok: false; message: string };

/** The configuration of `client` for `targetName` ("package-0", "remote-1"; default the first). */
export function installResult(
  entry: ServerEntry,
  client: InstallClient,
  targetName: string | undefined,
): InstallOutcome {
  const server = entry.server as unknown as ServerJson;
  const targets = installTargets(server).map(targetKey);
  const target = targetName === undefined ? undefined : targetOfKey(server, targetName);
  if (targetName !== undefined && target === undefined) {
    const offered = targets.length === 0 ? "none" : targets.join(", ");
    return { ok: false, message: `${server.name} has no target "${targetName}" (it offers: ${offered}).` };
  }
  const config = installConfig(server, client, target);
  if (config === undefined) {
    return { ok: false, message: `${server.name} ${server.version} has no package or remote to install.` };
  }
  return { ok: true, result: installOutput(server, config, targets) };
}

function installOutput(server: ServerJson, config: InstallConfig, targets: string[]): InstallConfigOutput {
  return {
    client: config.client,
    clientLabel: config.clientLabel,
    name: server.name,
    version: server.version,
    file: config.file,
    target: targetKey(config.target),
    targets,
    config: config.config,
    snippet: config.snippet,
    inputs: config.inputs,
    optional: config.optional,
    notes: config.notes,
  };
}

export function installText(result: InstallConfigOutput): string {
  const inputs = result.inputs.map(
    (i) => `- ${i.placeholder}: ${i.description ?? i.name}${i.isSecret ? " (secret)" : ""}`,
  );
  const notes = result.notes.map((n) => `- ${n}`);
  return [
    `${result.clientLabel}: add to ${result.file} (${result.name} ${result.version}, ${result.target}):`,
    fenced(result.snippet, "json"),
    ...(inputs.length > 0 ? ["Fill in:", ...inputs] : []),
    ...(notes.length > 0 ? ["Notes:", ...notes] : []),
  ].join("\n");
}

// ---- a server's page as Markdown --------------------------------------------------------------

/** Versions listed on a page, newest first; the rest are counted. */
export const PAGE_VERSIONS = 20;

/** Publisher text as one Markdown line: whitespace collapsed, markup characters escaped. */
function inline(text: string): string {
  return text
    .replace(/\s+/g, " ")
    .trim()
    .replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`);
}

/** Text as a one-line code span (CommonMark: a longer backtick run than any inside, padded). */
function codeSpan(text: string): string {
  const flat = text.replace(/\s+/g, " ");
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  return longest === 0 ? `${ticks}${flat}${ticks}` : `${ticks} ${flat} ${ticks}`;
}

/** A code block whose fence is longer than any run of backticks in `text`. */
function fenced(text: string, language: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}

function httpUrl(value: unknown): string | undefined {
  return typeof value === "string" && /^https?:\/\//i.test(value) ? value : undefined;
}

/** The page of `latest` (with its versions, newest first) as Markdown. */
export function serverPageMarkdown(latest: ServerEntry, versions: readonly ServerEntry[], pageUrl: string): string {
  const server = latest.server as unknown as ServerJson;
  const official = officialOf(latest);
  const lines: string[] = [
    `# ${inline(server.title ?? server.name)}`,
    "",
    `\`${server.name}\`, version ${inline(server.version)} (${official.status})`,
    "",
    inline(server.description ?? ""),
    "",
    `- Page: ${pageUrl}`,
  ];
  const repository = httpUrl(server.repository?.url);
  if (repository !== undefined) lines.push(`- Repository: ${inline(repository)}`);
  const website = httpUrl(server.websiteUrl);
  if (website !== undefined) lines.push(`- Website: ${inline(website)}`);
  for (const pkg of server.packages ?? []) {
    lines.push(`- Package: ${inline(pkg.registryType)} ${inline(pkg.identifier)} (${inline(pkg.transport.type)})`);
  }
  for (const remote of server.remotes ?? []) {
    lines.push(`- Remote: ${inline(remote.type)} ${inline(remote.url ?? "")}`);
  }
  lines.push("", "## Versions", "", "| Version | Status | Published |", "| --- | --- | --- |");
  for (const entry of versions.slice(0, PAGE_VERSIONS)) {
    const v = officialOf(entry);
    lines.push(`| ${inline(entry.server.version)} | ${v.status}${v.isLatest ? ", latest" : ""} | ${v.publishedAt} |`);
  }
  if (versions.length > PAGE_VERSIONS) lines.push("", `… and ${versions.length - PAGE_VERSIONS} older versions.`);
  const install = installConfig(server, "generic");
  lines.push("", "## Install", "");
  if (install === undefined) {
    lines.push("This version has no package or remote to install.");
  } else {
    lines.push(`${install.clientLabel}, in ${install.file}:`, "", fenced(install.snippet, "json"));
    if (install.inputs.length > 0) lines.push("", "Fill in:", "");
    for (const input of install.inputs) {
      lines.push(`- ${codeSpan(input.placeholder)}: ${inline(input.description ?? input.name)}`);
    }
    if (install.notes.length > 0) lines.push("");
    for (const note of install.notes) lines.push(`- ${inline(note)}`);
    lines.push(
      "",
      'For VS Code, Claude Desktop or Cursor, call the tool get_install_config with client "vscode", "claude-desktop" or "cursor".',
    );
  }
  return `${lines.join("\n")}\n`;
}
