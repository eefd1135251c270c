// `--synthetic N`: N realistic server.json versions, deterministic for a given seed. Shaped
// like the real registry (../shared/data/README.md): ~2.5 versions per name, most names with
// one version and a long tail, reverse-DNS namespaces dominated by io.github.*, packages of
// every registry type, remotes, a few non-semver versions, some deprecated/deleted entries.
import { createHash } from "node:crypto";
import type { ImportEntry } from "../../worker/src/writes/import-entries.ts";

const SCHEMA = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json";

/** mulberry32: small, fast, deterministic. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// [service, what it works on, its category's verbs]
const SERVICES: readonly [string, readonly string[]][] = [
  ["PostgreSQL", ["tables", "queries", "schemas", "migrations"]],
  ["MySQL", ["tables", "queries", "replicas"]],
  ["SQLite", ["databases", "queries"]],
  ["MongoDB", ["collections", "documents", "aggregations"]],
  ["Redis", ["keys", "streams", "caches"]],
  ["Snowflake", ["warehouses", "queries"]],
  ["BigQuery", ["datasets", "queries", "jobs"]],
  ["Elasticsearch", ["indices", "documents", "search queries"]],
  ["Supabase", ["projects", "tables", "edge functions"]],
  ["Firebase", ["collections", "auth users", "hosting sites"]],
  ["Slack", ["messages", "channels", "threads"]],
  ["Discord", ["messages", "servers", "channels"]],
  ["Microsoft Teams", ["chats", "meetings", "channels"]],
  ["Gmail", ["emails", "labels", "drafts"]],
  ["Outlook", ["emails", "calendar events", "contacts"]],
  ["Google Calendar", ["events", "calendars", "availability"]],
  ["Google Drive", ["files", "folders", "shared drives"]],
  ["Dropbox", ["files", "folders", "shared links"]],
  ["OneDrive", ["files", "folders"]],
  ["GitHub", ["issues", "pull requests", "repositories", "workflows"]],
  ["GitLab", ["merge requests", "pipelines", "issues"]],
  ["Bitbucket", ["repositories", "pull requests"]],
  ["Jira", ["tickets", "sprints", "boards"]],
  ["Linear", ["issues", "projects", "cycles"]],
  ["Asana", ["tasks", "projects"]],
  ["Trello", ["cards", "boards", "lists"]],
  ["Todoist", ["tasks", "projects"]],
  ["Notion", ["pages", "databases", "blocks"]],
  ["Confluence", ["pages", "spaces"]],
  ["Obsidian", ["notes", "vaults", "backlinks"]],
  ["Airtable", ["bases", "records", "views"]],
  ["Stripe", ["payments", "invoices", "subscriptions", "customers"]],
  ["Shopify", ["products", "orders", "inventory"]],
  ["Salesforce", ["leads", "opportunities", "accounts"]],
  ["HubSpot", ["contacts", "deals", "companies"]],
  ["Zendesk", ["tickets", "help center articles"]],
  ["Intercom", ["conversations", "contacts"]],
  ["Twilio", ["SMS messages", "phone calls"]],
  ["SendGrid", ["email campaigns", "templates"]],
  ["Kubernetes", ["pods", "deployments", "clusters", "namespaces"]],
  ["Docker", ["containers", "images", "volumes"]],
  ["Terraform", ["plans", "state", "modules"]],
  ["AWS S3", ["buckets", "objects"]],
  ["AWS Lambda", ["functions", "invocations"]],
  ["Azure DevOps", ["pipelines", "work items", "repos"]],
  ["Google Cloud", ["projects", "VM instances", "buckets"]],
  ["Cloudflare", ["DNS records", "workers", "zones"]],
  ["Vercel", ["deployments", "projects", "domains"]],
  ["Netlify", ["sites", "deploys"]],
  ["Prometheus", ["metrics", "alerts"]],
  ["Grafana", ["dashboards", "panels", "alerts"]],
  ["Datadog", ["monitors", "logs", "metrics"]],
  ["Sentry", ["errors", "issues", "releases"]],
  ["PagerDuty", ["incidents", "on-call schedules"]],
  ["Figma", ["designs", "components", "comments"]],
  ["Canva", ["designs", "templates"]],
  ["YouTube", ["videos", "transcripts", "playlists"]],
  ["Spotify", ["playlists", "tracks", "playback"]],
  ["Reddit", ["posts", "comments", "subreddits"]],
  ["Hacker News", ["stories", "comments"]],
  ["arXiv", ["research papers", "citations"]],
  ["Wikipedia", ["articles", "summaries"]],
  ["OpenStreetMap", ["places", "routes", "geocoding"]],
  ["weather", ["forecasts", "alerts", "historical data"]],
  ["Home Assistant", ["devices", "automations", "sensors"]],
  ["Pinecone", ["vector indexes", "embeddings"]],
  ["Qdrant", ["collections", "vectors"]],
  ["Hugging Face", ["models", "datasets", "spaces"]],
  ["OpenAI", ["completions", "embeddings", "images"]],
  ["browser", ["web pages", "screenshots", "forms"]],
  ["Playwright", ["browser sessions", "end-to-end tests"]],
  ["filesystem", ["files", "directories"]],
  ["git", ["commits", "branches", "diffs"]],
  ["shell", ["commands", "processes"]],
  ["web search", ["results", "news", "images"]],
  ["PDF", ["documents", "tables", "forms"]],
  ["Excel", ["spreadsheets", "worksheets", "charts"]],
  ["calendar", ["events", "reminders"]],
  ["memory", ["knowledge graph entities", "notes", "facts"]],
  ["crypto", ["prices", "wallets", "transactions"]],
  ["stock market", ["quotes", "portfolios", "earnings"]],
  ["translation", ["texts", "documents"]],
  ["QuickBooks", ["invoices", "expenses", "reports"]],
  ["Zoom", ["meetings", "recordings", "transcripts"]],
];

const VERBS = [
  "Query",
  "Manage",
  "Search",
  "Create and update",
  "Monitor",
  "Automate",
  "Read and write",
  "Summarise",
  "Analyze",
  "Sync",
  "Browse",
  "Explore",
];
const SUFFIXES = [
  "from your AI assistant",
  "with natural language",
  "via the official API",
  "for LLM agents",
  "in read-only mode",
  "securely",
  "with full-text search",
  "",
  "",
  "",
];
const USERS = [
  "alice",
  "bob-dev",
  "cmorgan",
  "datawiz",
  "ekim",
  "fjohnson",
  "gpt-tools",
  "hsato",
  "ivanov",
  "jdoe",
  "kai-ai",
  "lmartin",
  "mcp-labs",
  "nakamura",
  "oliveira",
  "pkumar",
  "quanta",
  "rsmith",
  "s-lee",
  "tnguyen",
  "ubuntu-fan",
  "vchen",
  "wbrown",
  "xli",
  "yamada",
  "zhang-w",
];
const COMPANIES = [
  "acme",
  "brightdata",
  "cloudscale",
  "datastax",
  "elastic",
  "fathom",
  "glean",
  "hyperlane",
  "infracost",
  "jetstream",
  "kestra",
  "lumen",
  "mongodb",
  "neon",
  "octopus",
  "pinecone",
  "quill",
  "replicate",
  "stackone",
  "tinybird",
  "upstash",
  "vectara",
  "weatherly",
  "xata",
  "yugabyte",
  "zapier",
];
const TLDS = ["com", "com", "ai", "dev", "io", "app", "org", "net"];

function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

export interface SyntheticOptions {
  versions: number;
  seed?: number;
}

/** Versions per name, roughly the real distribution (1 → 62 %, 2 → 15 %, … up to 72). */
function versionsPerName(r: () => number): number {
  const x = r();
  if (x < 0.62) return 1;
  if (x < 0.77) return 2;
  if (x < 0.84) return 3;
  if (x < 0.885) return 4;
  if (x < 0.985) return 5 + Math.floor(r() * 15);
  return 20 + Math.floor(r() * 53);
}

const NON_SEMVER = ["v{M}.{m}.{p}", "{Y}.{m}.{p}", "{M}.{m}", "{M}.{m}.{p}.1", "{M}.{m}.{p}rc{p}", "{M}.{m}.{p}.post1"];

function versionList(r: () => number, count: number): string[] {
  let major = r() < 0.5 ? 0 : 1;
  let minor = Math.floor(r() * 5);
  let patch = 0;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const bump = r();
    if (i > 0) {
      if (bump < 0.7) patch++;
      else if (bump < 0.95) {
        minor++;
        patch = 0;
      } else {
        major++;
        minor = 0;
        patch = 0;
      }
    }
    let v = `${major}.${minor}.${patch}`;
    const kind = r();
    if (kind < 0.02) {
      const template = NON_SEMVER[Math.floor(r() * NON_SEMVER.length)]!;
      v = template
        .replace("{M}", String(major))
        .replace("{m}", String(minor))
        .replace(/\{p\}/g, String(patch))
        .replace("{Y}", "2025");
    } else if (kind < 0.06) {
      v = `${v}-${r() < 0.5 ? "beta" : "rc"}.${1 + Math.floor(r() * 3)}`;
    }
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

interface NameSpec {
  name: string;
  owner: string;
  slug: string;
  service: string;
  object: string;
  description: string;
  title?: string;
  kind: "package" | "remote" | "both" | "neither";
  registryType: "npm" | "pypi" | "oci" | "nuget" | "mcpb";
  remoteType: "streamable-http" | "sse";
  remoteHost: string;
  versions: string[];
}

function nameSpec(r: () => number, index: number, usedNames: Set<string>): NameSpec {
  const [service, objects] = SERVICES[Math.floor(r() * SERVICES.length)]!;
  const object = objects[Math.floor(r() * objects.length)]!;
  const serviceSlug = slugify(service);
  const style = r();
  let namespace: string;
  let owner: string;
  if (style < 0.5) {
    owner = `${USERS[Math.floor(r() * USERS.length)]!}${r() < 0.7 ? index % 997 : ""}`;
    namespace = `io.github.${owner}`;
  } else {
    owner = `${COMPANIES[Math.floor(r() * COMPANIES.length)]!}${r() < 0.6 ? index % 211 : ""}`;
    namespace = `${TLDS[Math.floor(r() * TLDS.length)]!}.${owner}`;
  }
  const slugStyles = [
    `${serviceSlug}-mcp`,
    `mcp-server-${serviceSlug}`,
    `${serviceSlug}-${slugify(object)}`,
    serviceSlug,
    `${serviceSlug}-mcp-server`,
  ];
  let slug = slugStyles[Math.floor(r() * slugStyles.length)]!;
  let name = `${namespace}/${slug}`;
  for (let n = 2; usedNames.has(name); n++) {
    slug = `${slugStyles[0]}-${n}`;
    name = `${namespace}/${slug}`;
  }
  usedNames.add(name);
  const verb = VERBS[Math.floor(r() * VERBS.length)]!;
  const suffix = SUFFIXES[Math.floor(r() * SUFFIXES.length)]!;
  const description = `${verb} ${service} ${object}${suffix ? ` ${suffix}` : ""}`.slice(0, 100);
  const k = r();
  const kind = k < 0.64 ? "package" : k < 0.94 ? "remote" : k < 0.97 ? "both" : "neither";
  const t = r();
  const registryType = t < 0.51 ? "npm" : t < 0.74 ? "pypi" : t < 0.89 ? "oci" : t < 0.98 ? "mcpb" : "nuget";
  return {
    name,
    owner,
    slug,
    service,
    object,
    description,
    ...(r() < 0.3 ? { title: `${service} MCP Server` } : {}),
    kind,
    registryType,
    remoteType: r() < 0.83 ? "streamable-http" : "sse",
    remoteHost:
      style < 0.5
        ? `${slug}.${owner.replace(/[^a-z0-9-]/g, "")}.workers.dev`
        : `mcp.${owner}.${TLDS[Math.floor(r() * TLDS.length)]!}`,
    versions: versionList(r, versionsPerName(r)),
  };
}

function packageFor(spec: NameSpec, version: string, r: () => number): Record<string, unknown> {
  const env =
    r() < 0.6
      ? [
          {
            name: `${slugify(spec.service).replace(/-/g, "_").toUpperCase()}_API_KEY`,
            description: `API key for ${spec.service}`,
            isRequired: true,
            isSecret: true,
          },
        ]
      : undefined;
  const stdio = { type: "stdio" };
  switch (spec.registryType) {
    case "npm":
      return {
        registryType: "npm",
        identifier: r() < 0.5 ? `@${spec.owner}/${spec.slug}` : spec.slug,
        version,
        runtimeHint: "npx",
        transport: stdio,
        ...(env ? { environmentVariables: env } : {}),
      };
    case "pypi":
      return {
        registryType: "pypi",
        identifier: spec.slug.replace(/-/g, "_"),
        version,
        runtimeHint: "uvx",
        transport: stdio,
        ...(env ? { environmentVariables: env } : {}),
      };
    case "oci":
      return {
        registryType: "oci",
        identifier: `${r() < 0.6 ? "docker.io" : "ghcr.io"}/${spec.owner}/${spec.slug}:${version}`,
        transport: r() < 0.8 ? stdio : { type: "streamable-http", url: "http://localhost:8080/mcp" },
        ...(env ? { environmentVariables: env } : {}),
      };
    case "nuget":
      return {
        registryType: "nuget",
        registryBaseUrl: "https://api.nuget.org/v3/index.json",
        identifier: `${spec.owner.replace(/[^a-z]/g, "")}.${spec.slug.replace(/-/g, ".")}`,
        version,
        transport: stdio,
        packageArguments: [{ type: "positional", value: "mcp", valueHint: "mcp" }],
      };
    case "mcpb":
      return {
        registryType: "mcpb",
        identifier: `https://github.com/${spec.owner}/${spec.slug}/releases/download/v${version}/${spec.slug}.mcpb`,
        fileSha256: createHash("sha256").update(`${spec.name}@${version}`).digest("hex"),
        transport: stdio,
      };
  }
}

function serverJsonFor(spec: NameSpec, version: string, r: () => number): Record<string, unknown> {
  const server: Record<string, unknown> = {
    $schema: SCHEMA,
    name: spec.name,
    description: spec.description,
    ...(spec.title ? { title: spec.title } : {}),
    repository: { url: `https://github.com/${spec.owner}/${spec.slug}`, source: "github" },
    version,
  };
  if (spec.kind === "package" || spec.kind === "both") server.packages = [packageFor(spec, version, r)];
  if (spec.kind === "remote" || spec.kind === "both") {
    const remote: Record<string, unknown> = {
      type: spec.remoteType,
      url: `https://${spec.remoteHost}/${slugify(spec.name)}/${spec.remoteType === "sse" ? "sse" : "mcp"}`,
    };
    if (r() < 0.45)
      remote.headers = [
        { name: "Authorization", description: "Bearer token for authentication", isRequired: true, isSecret: true },
      ];
    server.remotes = [remote];
  }
  return server;
}

/** Exactly `versions` entries with official metadata (publish times one day apart per name). */
export function syntheticEntries({ versions, seed = 42 }: SyntheticOptions): ImportEntry[] {
  const r = rng(seed);
  const entries: ImportEntry[] = [];
  const used = new Set<string>();
  const start = Date.parse("2025-09-01T00:00:00Z");
  for (let index = 0; entries.length < versions; index++) {
    const spec = nameSpec(r, index, used);
    let at = start + Math.floor(r() * 90) * 86_400_000 + Math.floor(r() * 86_400_000);
    for (const version of spec.versions) {
      if (entries.length >= versions) break;
      const s = r();
      const status = s < 0.03 ? "deprecated" : s < 0.04 ? "deleted" : "active";
      const publishedAt = new Date(at).toISOString();
      entries.push({
        source: `synthetic:${entries.length + 1}`,
        server: serverJsonFor(spec, version, r),
        official: {
          status,
          publishedAt,
          updatedAt: publishedAt,
          ...(status === "active" ? {} : { statusMessage: `${status} by the publisher` }),
        },
      });
      at += 86_400_000 + Math.floor(r() * 3_600_000);
    }
  }
  return entries;
}
