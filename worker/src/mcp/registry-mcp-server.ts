// The registry as an MCP server: four read-only tools (search, a server, its versions, an
// install configuration) and a resource per server page. Built per request (stateless
// Streamable HTTP: see mcp-route.ts) around a RegistryReader, which reads through the API as the
// caller, so nothing here decides what the caller may see.
import { McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { toJsonSchemaCompat } from "@modelcontextprotocol/sdk/server/zod-json-schema-compat.js";
import {
  type CallToolResult,
  ListToolsRequestSchema,
  type ListToolsResult,
  McpError,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import type { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";
import { MAX_QUERY_LENGTH } from "../search/index.ts";
import { RegistryReadError, type RegistryReader } from "./registry-reader.ts";
import {
  installResult,
  installText,
  searchResult,
  searchText,
  serverPageMarkdown,
  serverPageUrl,
  serverResult,
  serverText,
  versionsResult,
  versionsText,
} from "./tool-results.ts";
import {
  DEFAULT_SEARCH_LIMIT,
  DEFAULT_VERSIONS_LIMIT,
  getServerInput,
  getServerOutput,
  installConfigInput,
  installConfigOutput,
  listVersionsInput,
  listVersionsOutput,
  MAX_SEARCH_LIMIT,
  searchInput,
  searchOutput,
} from "./tool-schemas.ts";

export const MCP_SERVER_NAME = "mcp-registry-workers";
/** The template of the server-page resources; a name holds one slash, matched by `{+name}`. */
export const SERVER_RESOURCE_TEMPLATE = "registry://servers/{+name}";
const RESOURCE_PREFIX = "registry://servers/";
/** JSON-RPC error of a resource that does not exist (MCP specification, resources). */
const RESOURCE_NOT_FOUND = -32002;

/**
 * The SDK's server validates with a JSON-schema validator only the answers to elicitation
 * requests, which this server never sends. Its default (Ajv) would be built for every server,
 * costing milliseconds, and compiles with `new Function`, which Workers forbid; this one has
 * nothing to validate and says so (and keeps @cfworker/json-schema out of the bundle).
 */
const noElicitation: jsonSchemaValidator = {
  getValidator: () => () => ({ valid: false, data: undefined, errorMessage: "this server asks no questions" }),
};

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/** The tools as tools/list describes them: the same for every request and every group. */
export const TOOL_CONFIGS = {
  search_servers: {
    title: "Search MCP servers",
    description:
      "Search the MCP servers of this registry: one result per server (its latest version), best first, " +
      "with filters by package registry, transport, hosting and status.",
    inputSchema: searchInput,
    outputSchema: searchOutput,
    annotations: READ_ONLY,
  },
  get_server: {
    title: "Get an MCP server",
    description: "The server.json of one version of a server (default: its latest) and the registry's metadata.",
    inputSchema: getServerInput,
    outputSchema: getServerOutput,
    annotations: READ_ONLY,
  },
  list_versions: {
    title: "List a server's versions",
    description: "The published versions of a server, newest first, with their status and dates.",
    inputSchema: listVersionsInput,
    outputSchema: listVersionsOutput,
    annotations: READ_ONLY,
  },
  get_install_config: {
    title: "Get an install configuration",
    description:
      "The configuration that adds a server to an MCP client (vscode, claude-desktop, cursor or generic), " +
      "with the values the user must fill in.",
    inputSchema: installConfigInput,
    outputSchema: installConfigOutput,
    annotations: READ_ONLY,
  },
} as const;

let toolList: ListToolsResult | undefined;

/**
 * tools/list, converted to JSON Schema once per isolate (the SDK converts on every call, which
 * costs milliseconds), with the SDK's own converter and options, so the answer is the one its
 * handler gives (test/mcp-registry-tools.test.ts compares them).
 */
function listedTools(): ListToolsResult {
  toolList ??= {
    tools: Object.entries(TOOL_CONFIGS).map(([name, config]) => ({
      name,
      title: config.title,
      description: config.description,
      inputSchema: toJsonSchemaCompat(config.inputSchema, {
        strictUnions: true,
        pipeStrategy: "input",
      }) as Tool["inputSchema"],
      annotations: config.annotations,
      // What registerTool records for a tool without task support.
      execution: { taskSupport: "forbidden" },
      outputSchema: toJsonSchemaCompat(config.outputSchema, {
        strictUnions: true,
        pipeStrategy: "output",
      }) as Tool["outputSchema"],
    })),
  };
  return toolList;
}

export interface RegistryServerOptions {
  /** The registry's version (env.REGISTRY_VERSION). */
  version: string;
  /** The site's origin, for page links. */
  origin: string;
}

interface StructuredResult {
  [key: string]: unknown;
}

/** A tool's answer: a readable text, the JSON of the structured content, and the content itself. */
function answer(text: string, structured: StructuredResult): CallToolResult {
  return {
    content: [
      { type: "text" as const, text },
      { type: "text" as const, text: JSON.stringify(structured) },
    ],
    structuredContent: structured,
  };
}

function toolError(message: string): CallToolResult {
  return { content: [{ type: "text" as const, text: message }], isError: true };
}

/**
 * A tool's handler whose API refusals answer as the tool's error, with the problem's detail (an
 * unknown server is an answer, not a protocol error); anything else is logged, not echoed.
 */
function tool<A>(run: (args: A) => Promise<CallToolResult>): (args: A) => Promise<CallToolResult> {
  return async (args) => {
    try {
      return await run(args);
    } catch (err) {
      if (err instanceof RegistryReadError) return toolError(err.message);
      console.error("mcp tool failed", err instanceof Error ? (err.stack ?? err.message) : err);
      return toolError("Internal error");
    }
  };
}

export function registryMcpServer(reader: RegistryReader, options: RegistryServerOptions): McpServer {
  const where = reader.base === "" ? "this registry" : `the group ${reader.base.slice("/groups/".length)}`;
  const pageUrl = (name: string) => serverPageUrl(options.origin, reader.base, name);
  const server = new McpServer(
    { name: MCP_SERVER_NAME, title: "MCP Registry", version: options.version },
    {
      jsonSchemaValidator: noElicitation,
      instructions:
        `Find MCP servers published in ${where} and how to install them. search_servers ranks servers by ` +
        "free text (typos tolerated) with filters; get_server returns a server.json; list_versions its " +
        "versions; get_install_config a ready-to-paste configuration for VS Code, Claude Desktop, Cursor " +
        `or any client. Resources ${RESOURCE_PREFIX}{name} are server pages in Markdown.`,
    },
  );

  server.registerTool(
    "search_servers",
    TOOL_CONFIGS.search_servers,
    tool(async (input) => {
      const found = await reader.search({ ...input, limit: input.limit ?? DEFAULT_SEARCH_LIMIT });
      const result = searchResult(found, pageUrl);
      return answer(searchText(result), result);
    }),
  );

  server.registerTool(
    "get_server",
    TOOL_CONFIGS.get_server,
    tool(async ({ name, version }) => {
      const entry = await reader.server(name, version);
      const result = serverResult(entry, pageUrl(entry.server.name));
      return answer(serverText(result), result);
    }),
  );

  server.registerTool(
    "list_versions",
    TOOL_CONFIGS.list_versions,
    tool(async ({ name, limit }) => {
      const entries = await reader.versions(name);
      const result = versionsResult(entries[0]?.server.name ?? name, entries, limit ?? DEFAULT_VERSIONS_LIMIT);
      return answer(versionsText(result), result);
    }),
  );

  server.registerTool(
    "get_install_config",
    TOOL_CONFIGS.get_install_config,
    tool(async ({ name, client, version, target }) => {
      const outcome = installResult(await reader.server(name, version), client, target);
      if (!outcome.ok) return toolError(outcome.message);
      return answer(installText(outcome.result), outcome.result);
    }),
  );

  // The tools' descriptions never change: listed from the isolate's copy.
  server.server.setRequestHandler(ListToolsRequestSchema, listedTools);

  server.registerResource(
    "server-page",
    new ResourceTemplate(SERVER_RESOURCE_TEMPLATE, {
      // The first page of servers by name: a bounded list, as /x/search orders an empty query.
      list: async () => {
        const found = await reader.search({ limit: MAX_SEARCH_LIMIT });
        return {
          resources: found.results.map(({ server: s }) => ({
            uri: `${RESOURCE_PREFIX}${s.name}`,
            name: s.name,
            ...(typeof s.title === "string" ? { title: s.title } : {}),
            ...(typeof s.description === "string" ? { description: s.description } : {}),
            mimeType: "text/markdown",
          })),
        };
      },
      complete: {
        // Names matching what was typed so far; none when the search is refused.
        name: async (value) => {
          try {
            const found = await reader.search({ query: value.slice(0, MAX_QUERY_LENGTH), limit: 10 });
            return found.results.map((r) => r.server.name);
          } catch (err) {
            if (err instanceof RegistryReadError) return [];
            throw err;
          }
        },
      },
    }),
    {
      title: "Server page",
      description: "A server's page: description, links, versions and an install snippet, in Markdown.",
      mimeType: "text/markdown",
    },
    async (uri, variables) => {
      const name = String(variables.name ?? "");
      let latest: Awaited<ReturnType<RegistryReader["server"]>>;
      let versions: Awaited<ReturnType<RegistryReader["versions"]>>;
      try {
        [latest, versions] = await Promise.all([reader.server(name), reader.versions(name)]);
      } catch (err) {
        if (err instanceof RegistryReadError && err.status === 404) {
          throw new McpError(RESOURCE_NOT_FOUND, `Resource not found: ${uri.href}`);
        }
        throw err;
      }
      return {
        contents: [
          {
            uri: uri.href,
            mimeType: "text/markdown",
            text: serverPageMarkdown(latest, versions, pageUrl(latest.server.name)),
          },
        ],
      };
    },
  );

  return server;
}

/**
 * The answer to one HTTP request's JSON-RPC message(s) (already read and parsed): a fresh server
 * and a stateless transport answering plain JSON, as the SDK requires in stateless mode (a
 * transport serves one request; building both costs about 0.1 ms of CPU).
 */
export async function answerMcpMessages(
  request: Request,
  messages: unknown,
  reader: RegistryReader,
  options: RegistryServerOptions,
): Promise<Response> {
  const server = registryMcpServer(reader, options);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  await server.connect(transport);
  // Not closed after: in JSON mode nothing outlives the answer (no stream, no timer, no
  // pending request), and closing would only build the SDK's "connection closed" Error.
  return transport.handleRequest(request, { parsedBody: messages });
}
