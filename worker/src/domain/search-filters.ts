// The filters ranked search takes (GET /x/search, the search page, the MCP search tool): one list
// of each, so a new registry type or transport reaches every caller at once.

export const SEARCH_REGISTRY_TYPES = ["npm", "pypi", "oci", "nuget", "mcpb"] as const;
export const SEARCH_TRANSPORTS = ["stdio", "streamable-http", "sse"] as const;
export const SEARCH_HOSTING = ["remote", "package"] as const;
/** Deleted versions are never searched. */
export const SEARCH_STATUSES = ["active", "deprecated"] as const;
