// The body of every benchmark publish.

/** A server.json the registry accepts (no ownership checks: ENABLE_REGISTRY_VALIDATION=false). */
export function publishBody(name: string, version: string): string {
  const slug = name.split("/")[1] ?? "bench";
  return JSON.stringify({
    $schema: "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json",
    name,
    description: `Benchmark server ${slug} published under load`,
    repository: { url: `https://github.com/bench/${slug}`, source: "github" },
    version,
    packages: [{ registryType: "npm", identifier: `@bench/${slug}`, version, transport: { type: "stdio" } }],
  });
}
