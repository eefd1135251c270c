// The MCP tools' inputs and structured outputs (zod, as the SDK takes them; it publishes them as
// JSON Schema in tools/list and checks every call's arguments and answer against them). Inputs
// are bounded here, so no tool ever asks the API for more than these limits allow. Object
// schemas made once per isolate: zod prepares a schema on its first use, not on every request.
import * as z from "zod";
import { INSTALL_CLIENTS } from "../domain/install-config.ts";
import { SEARCH_REGISTRY_TYPES, SEARCH_STATUSES, SEARCH_TRANSPORTS } from "../domain/search-filters.ts";
import { MAX_NAME_LENGTH, MAX_VERSION_LENGTH } from "../domain/server-json/framework-schema.ts";
import { MAX_QUERY_LENGTH } from "../search/index.ts";

export const MAX_SEARCH_LIMIT = 50;
export const DEFAULT_SEARCH_LIMIT = 10;
export const MAX_VERSIONS_LIMIT = 1000;
export const DEFAULT_VERSIONS_LIMIT = 100;

const name = z
  .string()
  .min(3)
  .max(MAX_NAME_LENGTH)
  .describe('A server name, "namespace/server" (e.g. "io.github.owner/my-server")');
const version = z
  .string()
  .min(1)
  .max(MAX_VERSION_LENGTH)
  .describe('A published version, or "latest" (the default) for the latest one');
const status = z.enum(["active", "deprecated", "deleted"]);

export const searchInput = z.object({
  query: z
    .string()
    .max(MAX_QUERY_LENGTH)
    .optional()
    .describe("Free text: words, name fragments, prefixes; typos are tolerated. Empty lists servers by name."),
  registryType: z
    .array(z.enum(SEARCH_REGISTRY_TYPES))
    .max(SEARCH_REGISTRY_TYPES.length)
    .optional()
    .describe("Only servers with a package of one of these registries"),
  transport: z
    .array(z.enum(SEARCH_TRANSPORTS))
    .max(SEARCH_TRANSPORTS.length)
    .optional()
    .describe("Only servers offering one of these transports"),
  hosting: z
    .enum(["remote", "package"])
    .optional()
    .describe('"remote": servers hosted for you (a URL); "package": servers you run yourself'),
  namespace: z
    .string()
    .max(MAX_NAME_LENGTH)
    .optional()
    .describe('Only names in this namespace (e.g. "io.github.owner")'),
  status: z
    .array(z.enum(SEARCH_STATUSES))
    .max(SEARCH_STATUSES.length)
    .optional()
    .describe("Statuses to include (default: both)"),
  limit: z
    .number()
    .int()
    .min(1)
    .max(MAX_SEARCH_LIMIT)
    .optional()
    .describe(`Results per page (default ${DEFAULT_SEARCH_LIMIT})`),
  cursor: z.string().max(64).optional().describe("nextCursor of a previous answer, for the next page"),
});

export const searchOutput = z.object({
  servers: z.array(
    z.object({
      name: z.string(),
      title: z.string().optional(),
      description: z.string(),
      version: z.string().describe("The latest version"),
      status,
      remote: z.boolean().describe("Hosted: reachable at a URL"),
      packages: z.array(z.string()).describe("Registry types of its packages (npm, pypi, oci, …)"),
      url: z.string().describe("The server's page in this registry"),
    }),
  ),
  total: z.number().int().describe("Servers matching, across all pages"),
  nextCursor: z.string().optional().describe("Pass as cursor for the next page; absent on the last page"),
});

export const getServerInput = z.object({ name, version: version.optional() });

export const getServerOutput = z.object({
  server: z
    .looseObject({ name: z.string(), version: z.string(), description: z.string().optional() })
    .describe("The server.json as published"),
  meta: z.record(z.string(), z.unknown()).describe("The registry's _meta: status, publishedAt, isLatest, …"),
  url: z.string().describe("The server's page in this registry"),
});

export const listVersionsInput = z.object({
  name,
  limit: z
    .number()
    .int()
    .min(1)
    .max(MAX_VERSIONS_LIMIT)
    .optional()
    .describe(`Newest versions to list (default ${DEFAULT_VERSIONS_LIMIT})`),
});

export const listVersionsOutput = z.object({
  name: z.string(),
  total: z.number().int().describe("Versions published (deleted ones excluded)"),
  versions: z
    .array(
      z.object({
        version: z.string(),
        status,
        publishedAt: z.string(),
        updatedAt: z.string(),
        isLatest: z.boolean(),
      }),
    )
    .describe("Newest first"),
});

export const installConfigInput = z.object({
  name,
  client: z.enum(INSTALL_CLIENTS).describe('The MCP client: "vscode", "claude-desktop", "cursor" or "generic"'),
  version: version.optional(),
  target: z
    .string()
    .regex(/^(package|remote)-\d{1,4}$/)
    .optional()
    .describe('"package-N" or "remote-N" (index in server.json); default: the first package, else the first remote'),
});

const installInput = z.object({
  kind: z.enum(["env", "header", "argument", "url-variable"]),
  name: z.string(),
  description: z.string().optional(),
  isRequired: z.boolean(),
  isSecret: z.boolean(),
  placeholder: z.string(),
});

export const installConfigOutput = z.object({
  client: z.enum(INSTALL_CLIENTS),
  clientLabel: z.string(),
  name: z.string(),
  version: z.string(),
  file: z.string().describe("Where the configuration goes"),
  target: z.string().describe("What the configuration runs: package-N or remote-N"),
  targets: z.array(z.string()).describe("Every target the server offers"),
  config: z.record(z.string(), z.unknown()).describe("The configuration to merge into the file"),
  snippet: z.string().describe("config as JSON text"),
  inputs: z.array(installInput).describe("Values the user must fill in (placeholders in the snippet)"),
  optional: z.array(installInput).describe("Optional settings left out of the snippet"),
  notes: z.array(z.string()),
});

export type SearchOutput = z.infer<typeof searchOutput>;
export type GetServerOutput = z.infer<typeof getServerOutput>;
export type ListVersionsOutput = z.infer<typeof listVersionsOutput>;
export type InstallConfigOutput = z.infer<typeof installConfigOutput>;
