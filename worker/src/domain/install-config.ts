// Install snippets: what a user pastes into an MCP client's configuration to run a server, made
// from its server.json (packages and remotes, with their arguments, headers and environment
// variables). Pure: the server page and the MCP endpoint's get_install_config both use it.
// (Interface fixed by the foundation; the implementation is being written.)
import type { ServerJson } from "./server-json/framework-schema.ts";

export const INSTALL_CLIENTS = ["vscode", "claude-desktop", "cursor", "generic"] as const;
export type InstallClient = (typeof INSTALL_CLIENTS)[number];

/** A value the user must supply, shown in the snippet as a placeholder. */
export interface InstallInput {
  /** Where it goes: "env", "header", "argument" or "url-variable". */
  kind: "env" | "header" | "argument" | "url-variable";
  /** The variable, header or argument name (or the positional argument's value hint). */
  name: string;
  description?: string;
  isRequired: boolean;
  isSecret: boolean;
  /** The placeholder text as it appears in the snippet. */
  placeholder: string;
}

/** One way to run the server: a package (by its index) or a remote (by its index). */
export type InstallTarget = { kind: "package"; index: number } | { kind: "remote"; index: number };

export interface InstallConfig {
  client: InstallClient;
  /** The client's product name ("VS Code", "Claude Desktop", "Cursor", "Any MCP client"). */
  clientLabel: string;
  /** Where the snippet goes (e.g. ".vscode/mcp.json", "claude_desktop_config.json"). */
  file: string;
  target: InstallTarget;
  /** The configuration as an object (what the snippet's JSON text is of). */
  config: Record<string, unknown>;
  /** The snippet: `config` as pretty-printed JSON. */
  snippet: string;
  /** Inputs the user must fill in (also shown as placeholders in the snippet). */
  inputs: InstallInput[];
  /** Short caveats (e.g. "Claude Desktop runs stdio servers only: a bridge is used"). */
  notes: string[];
}

/**
 * The ways `server` can be run: one per package and per remote, in server.json order (the first
 * is what `installConfig` uses when no target is given). Empty when it has neither.
 */
export declare function installTargets(server: ServerJson): InstallTarget[];

/**
 * The configuration of `client` for `server`, for `target` (default: the first of
 * installTargets); undefined when the server has no package or remote to run.
 */
export declare function installConfig(
  server: ServerJson,
  client: InstallClient,
  target?: InstallTarget,
): InstallConfig | undefined;
