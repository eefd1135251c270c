// Layer 2: the official semantic validator (spec §8), rule for rule and in the same order.

import { parseGoUrl } from "./go-url.ts";
import { goTrimSpace } from "./go-strings.ts";
import type { Icon, Repository, ServerJson } from "./framework-schema.ts";
import { field, index, semanticError, type ValidationIssue } from "./issues.ts";
import { packageIssues } from "./package-rules.ts";
import { remoteIssues } from "./remote-rules.ts";
import { schemaVersionIssues } from "./schema-version.ts";
import { versionIssues } from "./version-rules.ts";

export function semanticIssues(server: ServerJson): ValidationIssue[] {
  return [
    ...schemaVersionIssues(server.$schema),
    ...nameIssues(server.name),
    ...versionIssues("version", server.version),
    ...repositoryIssues(server.repository),
    ...websiteUrlIssues(server.websiteUrl ?? ""),
    ...titleIssues(server.title ?? ""),
    ...(server.icons ?? []).flatMap((icon, i) => iconIssues(index("icons", i), icon)),
    ...(server.packages ?? []).flatMap((pkg, i) => packageIssues(index("packages", i), pkg)),
    ...(server.remotes ?? []).flatMap((remote, i) => remoteIssues(index("remotes", i), remote)),
  ];
}

const NAMESPACE = /^[a-zA-Z0-9][a-zA-Z0-9.-]*[a-zA-Z0-9]$/;
const NAME_PART = /^[a-zA-Z0-9][a-zA-Z0-9._-]*[a-zA-Z0-9]$/;

function nameIssues(name: string): ValidationIssue[] {
  const problem = serverNameProblem(name);
  return problem === null ? [] : [semanticError("name", problem, "invalid-server-name")];
}

function serverNameProblem(name: string): string | null {
  if (name === "") return "server name is required and must be a string";
  if (!name.includes("/")) return "server name must be in format 'dns-namespace/name' (e.g., 'com.example.api/server')";
  if (name.split("/").length > 2) return "server name cannot contain multiple slashes";
  const slash = name.indexOf("/");
  const namespace = name.slice(0, slash);
  const serverName = name.slice(slash + 1);
  if (namespace === "" || serverName === "") {
    return "server name must be in format 'dns-namespace/name' with non-empty namespace and name parts";
  }
  if (!NAMESPACE.test(namespace)) {
    return `server name format is invalid: namespace '${namespace}' is invalid. Namespace must start and end with alphanumeric characters, and may contain dots and hyphens in the middle`;
  }
  if (!NAME_PART.test(serverName)) {
    return `server name format is invalid: name '${serverName}' is invalid. Name must start and end with alphanumeric characters, and may contain dots, underscores, and hyphens in the middle`;
  }
  return null;
}

const REPOSITORY_URL: Readonly<Record<string, RegExp>> = {
  github: /^https?:\/\/(www\.)?github\.com\/[\w.-]+\/[\w.-]+\/?$/,
  gitlab: /^https?:\/\/(www\.)?gitlab\.com\/[\w.-]+\/[\w.-]+\/?$/,
};

function repositoryIssues(repository: Repository | undefined): ValidationIssue[] {
  const url = repository?.url ?? "";
  const source = repository?.source ?? "";
  const subfolder = repository?.subfolder ?? "";
  // An empty repository (both url and source unset) is skipped entirely, subfolder included.
  if (url === "" && source === "") return [];
  const issues: ValidationIssue[] = [];
  const urlPattern = Object.hasOwn(REPOSITORY_URL, source) ? REPOSITORY_URL[source] : undefined;
  if (urlPattern === undefined || !urlPattern.test(url)) {
    issues.push(semanticError("repository.url", `invalid repository URL: ${url}`, "invalid-repository-url"));
  }
  if (subfolder !== "" && !isValidSubfolderPath(subfolder)) {
    issues.push(
      semanticError("repository.subfolder", `invalid subfolder path: ${subfolder}`, "invalid-subfolder-path"),
    );
  }
  return issues;
}

function isValidSubfolderPath(path: string): boolean {
  if (path.startsWith("/") || path.endsWith("/")) return false;
  if (!/^[a-zA-Z0-9\-_./]+$/.test(path)) return false;
  return path.split("/").every((segment) => segment !== "" && segment !== "." && segment !== "..");
}

function websiteUrlIssues(websiteUrl: string): ValidationIssue[] {
  if (websiteUrl === "") return [];
  const parsed = parseGoUrl(websiteUrl);
  if (!parsed.ok) return [semanticError("websiteUrl", `invalid websiteUrl: ${parsed.error}`, "invalid-website-url")];
  const issues: ValidationIssue[] = [];
  if (parsed.url.scheme === "") {
    issues.push(
      semanticError(
        "websiteUrl",
        `websiteUrl must be absolute (include scheme): ${websiteUrl}`,
        "website-url-must-be-absolute",
      ),
    );
  }
  if (parsed.url.scheme !== "https") {
    issues.push(
      semanticError("websiteUrl", `websiteUrl must use https scheme: ${websiteUrl}`, "website-url-invalid-scheme"),
    );
  }
  return issues;
}

function titleIssues(title: string): ValidationIssue[] {
  if (title === "" || goTrimSpace(title) !== "") return [];
  return [semanticError("title", "title cannot be only whitespace", "title-whitespace-only")];
}

function iconIssues(path: string, icon: Icon): ValidationIssue[] {
  const srcPath = field(path, "src");
  const parsed = parseGoUrl(icon.src);
  if (!parsed.ok) return [semanticError(srcPath, `invalid icon src URL: ${parsed.error}`, "icon-src-invalid-url")];
  const issues: ValidationIssue[] = [];
  if (parsed.url.scheme === "") {
    issues.push(
      semanticError(srcPath, `icon src must be an absolute URL (include scheme): ${icon.src}`, "icon-src-not-absolute"),
    );
  }
  if (parsed.url.scheme !== "https") {
    issues.push(
      semanticError(
        srcPath,
        `icon src must use https scheme (got ${parsed.url.scheme}): ${icon.src}`,
        "icon-src-invalid-scheme",
      ),
    );
  }
  return issues;
}
