// Runs once the registry is up: empties the screenshots folder and publishes the fixtures the
// flows use, through the registry's own HTTP API (as its users would).
import { mkdirSync, rmSync } from "node:fs";
import {
  handOn,
  PRIVATE_GROUP,
  PRIVATE_NAMESPACE,
  PRIVATE_SERVER,
  QUEUED_REPORT_SERVER,
  REPORTED_SERVER,
  SNIPPET_SERVER,
} from "./helpers/fixture-data.ts";
import { adminToken, expectApi } from "./helpers/local-registry.ts";
import { SCREENSHOT_DIR } from "./helpers/screenshots.ts";

const SCHEMA = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json";

/** An anonymous publisher's token (io.modelcontextprotocol.anonymous/*, or a group's claims). */
async function anonymousToken(base = ""): Promise<string> {
  const { registry_token } = await expectApi(200, "POST", `${base}/v0.1/auth/none`);
  return registry_token as string;
}

async function publishPublicServers(): Promise<void> {
  const token = await anonymousToken();
  await expectApi(200, "POST", "/v0.1/publish", token, {
    $schema: SCHEMA,
    name: SNIPPET_SERVER.name,
    title: "Quokka Notes",
    description: "Take, search and tag notes from your assistant",
    version: SNIPPET_SERVER.packageVersion,
    packages: [
      {
        registryType: "npm",
        identifier: SNIPPET_SERVER.packageIdentifier,
        version: SNIPPET_SERVER.packageVersion,
        transport: { type: "stdio" },
        environmentVariables: [
          { name: SNIPPET_SERVER.secretVariable, description: "Quokka API key", isRequired: true, isSecret: true },
          { name: "QUOKKA_REGION", description: "Data region (eu or us)", default: "eu" },
        ],
      },
    ],
  });
  await expectApi(200, "POST", "/v0.1/publish", token, {
    $schema: SCHEMA,
    name: REPORTED_SERVER,
    description: "Relays messages between wombats",
    version: "0.3.0",
    remotes: [{ type: "streamable-http", url: "https://mcp.wombat-relay.example/mcp" }],
  });
}

/** A private group with one server of its own, and a viewer's personal token for it. */
async function privateGroup(admin: string): Promise<string> {
  await expectApi(201, "POST", "/x/admin/groups", admin, {
    name: PRIVATE_GROUP,
    title: "Skunkworks",
    visibility: "private",
    namespaces: [PRIVATE_NAMESPACE],
    include: ["dev.weatherly/*"],
  });
  // The local anonymous identity publishes into it; the administrator's identity reads it.
  await expectApi(201, "PUT", `/x/admin/groups/${PRIVATE_GROUP}/members/none:anonymous`, admin, { role: "publisher" });
  await expectApi(201, "PUT", `/x/admin/groups/${PRIVATE_GROUP}/members/oidc:local-admin`, admin, { role: "viewer" });
  const base = `/groups/${PRIVATE_GROUP}`;
  await expectApi(200, "POST", `${base}/v0.1/publish`, await anonymousToken(base), {
    $schema: SCHEMA,
    name: PRIVATE_SERVER,
    description: "Zanzibar ledger: the internal bookkeeping tools",
    version: "2.0.0",
    remotes: [{ type: "streamable-http", url: "https://mcp.skunkworks.example/ledger" }],
  });
  // A personal token carries its owner's member roles only: a viewer of this group, no more.
  const pat = await expectApi(201, "POST", "/x/tokens", admin, {
    name: "browser tests",
    kind: "personal",
    access: [{ group: PRIVATE_GROUP, role: "viewer" }],
  });
  return pat.token as string;
}

export default async function globalSetup(): Promise<void> {
  rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const admin = adminToken();
  await publishPublicServers();
  const memberToken = await privateGroup(admin);
  await expectApi(201, "POST", "/x/reports", undefined, {
    name: QUEUED_REPORT_SERVER,
    reason: "broken",
    details: "Answers every call with an empty result (filed by the browser tests' setup).",
  });
  handOn({ memberToken });
}
