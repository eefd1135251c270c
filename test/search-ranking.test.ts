import { describe, expect, it } from "vitest";
import {
  EMPTY_OVERLAY,
  buildIndex,
  loadIndex,
  search,
  searchDocument,
  type SearchDocument,
  type SearchResult,
} from "../worker/src/search/index.ts";

interface Spec {
  title?: string;
  npm?: string;
  pypi?: string;
  oci?: string;
  nuget?: string;
  mcpb?: string;
  remote?: string;
  deprecated?: boolean;
}

/** A server.json reduced to what matters here, through the real derivation. */
function server(name: string, description: string, spec: Spec = {}): SearchDocument {
  const packages = (["npm", "pypi", "oci", "nuget", "mcpb"] as const)
    .filter((type) => spec[type] !== undefined)
    .map((type) => ({ registryType: type, identifier: spec[type], version: "1.0.0", transport: { type: "stdio" } }));
  const json: Record<string, unknown> = { name, description, version: "1.0.0" };
  if (spec.title !== undefined) json.title = spec.title;
  if (packages.length > 0) json.packages = packages;
  if (spec.remote !== undefined) json.remotes = [{ type: "streamable-http", url: spec.remote }];
  return searchDocument(json, spec.deprecated === true ? "deprecated" : "active");
}

// A made-up catalogue: several servers per topic so that ranking has something to decide.
const CORPUS: SearchDocument[] = [
  server(
    "io.github.modelcontextprotocol/postgres",
    "PostgreSQL database access: run read-only SQL queries and inspect schemas",
    { title: "PostgreSQL", npm: "@modelcontextprotocol/server-postgres" },
  ),
  server("io.github.alice/postgres-mcp-server", "Manage Postgres databases, migrations and backups", {
    pypi: "postgres-mcp-server",
  }),
  server("com.supabase/mcp", "Supabase projects: Postgres database, auth, storage and edge functions", {
    remote: "https://mcp.supabase.com/mcp",
  }),
  server("io.github.bob/mysql", "MySQL database server tools: query tables, describe schema", { npm: "mysql-mcp" }),
  server("io.github.carol/sqlite-explorer", "Explore local SQLite databases safely", {
    title: "SQLite Explorer",
    pypi: "sqlite-explorer-mcp",
  }),
  server(
    "com.mongodb/mongodb-mcp-server",
    "MongoDB Atlas and local MongoDB clusters: collections, documents, aggregation",
    { npm: "mongodb-mcp-server" },
  ),
  server("io.github.dave/redis-cache", "Redis key-value store: get, set and scan keys", {
    oci: "docker.io/dave/redis-mcp:1.0",
  }),
  server("com.slack/slack", "Send messages, read channels and search your Slack workspace", {
    title: "Slack",
    remote: "https://mcp.slack.com/mcp",
  }),
  server("io.github.erin/slack-notifier", "Post alerts to a Slack channel from CI pipelines", {
    npm: "slack-notifier-mcp",
  }),
  server("io.github.frank/discord-bot", "Send and read Discord messages in your server channels", {
    npm: "discord-bot-mcp",
  }),
  server("io.github.github/github-mcp-server", "Manage repositories, issues, pull requests and workflows on GitHub", {
    title: "GitHub",
    oci: "ghcr.io/github/github-mcp-server:1.0",
    remote: "https://api.githubcopilot.com/mcp/",
  }),
  server("com.gitlab/gitlab", "GitLab projects, merge requests and CI pipelines", {
    remote: "https://gitlab.com/api/v4/mcp",
  }),
  server("io.github.grace/git-tools", "Local git repository operations: log, diff, blame and commit", {
    pypi: "mcp-server-git",
  }),
  server("dev.weatherly/forecast", "Weather forecasts, alerts and historical climate data for any city", {
    title: "Weatherly Forecast",
    remote: "https://api.weatherly.dev/mcp",
  }),
  server("io.github.henry/weather", "Current conditions from the National Weather Service", { pypi: "weather-mcp" }),
  server("io.github.ivan/air-quality", "Air quality index and pollen counts by location", { npm: "air-quality-mcp" }),
  server("io.github.kubernetes-sigs/kubernetes-mcp", "Inspect pods, deployments and logs in your Kubernetes clusters", {
    title: "Kubernetes",
    oci: "ghcr.io/kubernetes-sigs/kubernetes-mcp:0.3",
  }),
  server("io.github.judy/helm-charts", "Install and upgrade Helm charts on a k8s cluster", { npm: "helm-charts-mcp" }),
  server("io.github.ken/docker-manager", "Manage Docker containers, images and volumes", { npm: "docker-manager-mcp" }),
  server("io.github.modelcontextprotocol/filesystem", "Read, write and search files in allowed directories", {
    title: "Filesystem",
    npm: "@modelcontextprotocol/server-filesystem",
  }),
  server("io.github.laura/file-search", "Fast full-text search over local files with ripgrep", {
    mcpb: "https://github.com/laura/file-search/releases/download/v1/file-search.mcpb",
  }),
  server("com.brave/brave-search", "Web and local search using the Brave Search API", {
    title: "Brave Search",
    npm: "@brave/brave-search-mcp-server",
  }),
  server("ai.exa/exa", "Fast, intelligent web search and web crawling", { remote: "https://mcp.exa.ai/mcp" }),
  server("io.github.mike/duckduckgo-search", "Privacy-friendly web search via DuckDuckGo", { pypi: "duckduckgo-mcp" }),
  server("io.github.nina/elasticsearch", "Query Elasticsearch indices and manage mappings", {
    npm: "elasticsearch-mcp",
  }),
  server("com.notion/notion", "Search and edit Notion pages and databases", { remote: "https://mcp.notion.com/mcp" }),
  server("io.github.oscar/google-drive", "Find and read Google Drive documents and spreadsheets", {
    npm: "google-drive-mcp",
  }),
  server("io.github.paul/gmail", "Read and send Gmail email messages, manage labels", { npm: "gmail-mcp" }),
  server("com.atlassian/jira", "Create and track Jira issues and sprints", {
    title: "Jira",
    remote: "https://mcp.atlassian.com/v1/sse",
  }),
  server("app.linear/linear", "Linear issue tracking and project management", { remote: "https://mcp.linear.app/mcp" }),
  server("io.github.quinn/stripe-payments", "Stripe payments, invoices and customers", { npm: "stripe-payments-mcp" }),
  server(
    "io.github.rachel/browserAutomation",
    "Browser automation with Playwright: navigate, click and take screenshots",
    { npm: "browser-automation-mcp" },
  ),
  server("io.github.sam/puppeteer", "Headless Chrome browser control via Puppeteer", { npm: "puppeteer-mcp" }),
  server("io.github.tina/youtube-transcripts", "Fetch YouTube video transcripts", { pypi: "youtube-transcripts-mcp" }),
  server("io.github.uma/openai-image", "Generate images with OpenAI DALL-E", { npm: "openai-image-mcp" }),
  server("io.github.victor/time-zones", "Current time and time zone conversions", { pypi: "time-zones-mcp" }),
  server("io.github.wendy/calculator", "Evaluate math expressions", { nuget: "Wendy.Calculator.Mcp" }),
  server("io.github.xavier/arxiv-papers", "Search arXiv research papers and download PDFs", {
    pypi: "arxiv-papers-mcp",
  }),
  server("io.github.acme/fetch", "Fetch web pages and convert them to markdown", { pypi: "mcp-server-fetch" }),
  server("io.github.acme/sentry-errors", "Sentry error monitoring: issues and stack traces", {
    remote: "https://mcp.sentry.dev/mcp",
  }),
  server("io.github.legacy/postgres", "Old PostgreSQL connector, use the official one", {
    npm: "legacy-postgres-mcp",
    deprecated: true,
  }),
  server("io.github.zoe/kubectl-wrapper", "Run kubectl commands against Kubernetes", {
    npm: "kubectl-wrapper",
    deprecated: true,
  }),
];

const index = loadIndex(buildIndex(CORPUS));
const BOTH = { status: ["active", "deprecated"] as ("active" | "deprecated")[] };

function run(q: string, limit = 10, offset = 0): SearchResult {
  return search(index, EMPTY_OVERLAY, { q, limit, offset, filters: BOTH });
}

function names(q: string, limit = 10): string[] {
  return run(q, limit).hits.map((h) => h.name);
}

function scoreOf(q: string, name: string): number {
  return run(q, 100).hits.find((h) => h.name === name)?.score ?? 0;
}

describe("rank 1", () => {
  it.each([
    // exact and near-exact names
    ["io.github.modelcontextprotocol/postgres", "io.github.modelcontextprotocol/postgres"],
    ["com.slack/slack", "com.slack/slack"],
    ["IO.GITHUB.GITHUB/GITHUB-MCP-SERVER", "io.github.github/github-mcp-server"],
    ["postgres-mcp-server", "io.github.alice/postgres-mcp-server"],
    ["postgres mcp server", "io.github.alice/postgres-mcp-server"],
    ["github-mcp-server", "io.github.github/github-mcp-server"],
    ["filesystem", "io.github.modelcontextprotocol/filesystem"],
    ["browser-automation", "io.github.rachel/browserAutomation"],
    ["mongodb", "com.mongodb/mongodb-mcp-server"],
    // single words
    ["slack", "com.slack/slack"],
    ["weather", "io.github.henry/weather"],
    ["redis", "io.github.dave/redis-cache"],
    ["jira", "com.atlassian/jira"],
    ["stripe", "io.github.quinn/stripe-payments"],
    ["transcripts", "io.github.tina/youtube-transcripts"],
    ["arxiv", "io.github.xavier/arxiv-papers"],
    ["puppeteer", "io.github.sam/puppeteer"],
    ["git", "io.github.grace/git-tools"], // an exact word beats completions (gitlab, github)
    // multi-word intents
    ["send slack message", "com.slack/slack"],
    ["weather alerts", "dev.weatherly/forecast"],
    ["brave web search", "com.brave/brave-search"],
    ["kubernetes pods logs", "io.github.kubernetes-sigs/kubernetes-mcp"],
    ["convert web pages to markdown", "io.github.acme/fetch"],
    ["sqlite database", "io.github.carol/sqlite-explorer"],
    // prefixes of the last word
    ["kube", "io.github.kubernetes-sigs/kubernetes-mcp"],
    ["elastic", "io.github.nina/elasticsearch"],
    ["mong", "com.mongodb/mongodb-mcp-server"],
    ["youtube transc", "io.github.tina/youtube-transcripts"],
    // typos
    ["kubernets", "io.github.kubernetes-sigs/kubernetes-mcp"],
    ["gihtub", "io.github.github/github-mcp-server"],
    ["elasticsaerch", "io.github.nina/elasticsearch"],
    ["puppeter", "io.github.sam/puppeteer"],
    ["calculater", "io.github.wendy/calculator"],
    ["cubernetes", "io.github.kubernetes-sigs/kubernetes-mcp"], // first letter: found by the full scan fallback
    // camelCase fragments
    ["automation", "io.github.rachel/browserAutomation"],
    ["BrowserAutomation", "io.github.rachel/browserAutomation"],
    ["googleDrive", "io.github.oscar/google-drive"],
    ["youtubeTranscripts", "io.github.tina/youtube-transcripts"],
    // package identifiers and remote hosts
    ["@modelcontextprotocol/server-filesystem", "io.github.modelcontextprotocol/filesystem"],
    ["mcp-server-fetch", "io.github.acme/fetch"],
    ["ghcr.io/github/github-mcp-server", "io.github.github/github-mcp-server"],
    ["Wendy.Calculator.Mcp", "io.github.wendy/calculator"],
    ["mcp.notion.com", "com.notion/notion"],
    ["githubcopilot", "io.github.github/github-mcp-server"],
    // a deprecated server still wins on its exact full name
    ["io.github.legacy/postgres", "io.github.legacy/postgres"],
  ])("%j → %s", (q, expected) => {
    expect(names(q, 1)).toEqual([expected]);
  });
});

describe("top 3", () => {
  it.each([
    ["postg", ["io.github.modelcontextprotocol/postgres", "io.github.alice/postgres-mcp-server"]],
    ["postgress", ["io.github.modelcontextprotocol/postgres", "io.github.alice/postgres-mcp-server"]],
    ["slakc", ["com.slack/slack"]],
    ["wether", ["io.github.henry/weather"]],
    ["web search", ["ai.exa/exa"]],
    ["read email", ["io.github.paul/gmail"]],
    ["issue tracking", ["app.linear/linear"]],
    ["k8s", ["io.github.judy/helm-charts"]],
    ["docker containers", ["io.github.ken/docker-manager"]],
  ])("%j includes %j", (q, expected) => {
    expect(names(q, 3)).toEqual(expect.arrayContaining(expected));
  });
});

describe("ranking rules", () => {
  it("puts an active exact name above a deprecated one, and the deprecated one above weak active matches", () => {
    const order = names("postgres", 10);
    const official = order.indexOf("io.github.modelcontextprotocol/postgres");
    const legacy = order.indexOf("io.github.legacy/postgres");
    const supabase = order.indexOf("com.supabase/mcp");
    expect(official).toBe(0);
    expect(legacy).toBeGreaterThan(official);
    expect(supabase).toBeGreaterThan(legacy);
  });

  it("halves the score of a deprecated document", () => {
    const active = loadIndex(buildIndex(CORPUS.map((d) => ({ ...d, status: "active" as const }))));
    const plain = search(active, EMPTY_OVERLAY, { q: "kubectl", limit: 1, offset: 0, filters: BOTH }).hits[0];
    const deprecated = run("kubectl", 1).hits[0];
    expect(deprecated?.name).toBe("io.github.zoe/kubectl-wrapper");
    expect(deprecated?.score).toBeCloseTo((plain?.score ?? 0) / 2, 3);
  });

  it("scores exact words above their prefixes and typos", () => {
    const exact = scoreOf("slack", "com.slack/slack");
    expect(scoreOf("slac", "com.slack/slack")).toBeLessThan(exact);
    expect(scoreOf("slakc", "com.slack/slack")).toBeLessThan(scoreOf("slac", "com.slack/slack"));
    expect(scoreOf("kubernetes", "io.github.kubernetes-sigs/kubernetes-mcp")).toBeGreaterThan(
      scoreOf("kubernets", "io.github.kubernetes-sigs/kubernetes-mcp"),
    );
  });

  it("ranks documents matching more of the words higher", () => {
    const both = scoreOf("slack alerts", "io.github.erin/slack-notifier"); // has both words
    const one = scoreOf("slack alerts", "io.github.frank/discord-bot"); // has neither
    expect(one).toBe(0);
    const order = names("slack channel alerts", 3);
    expect(order[0]).toBe("io.github.erin/slack-notifier");
    expect(both).toBeGreaterThan(scoreOf("slack alerts", "com.slack/slack"));
  });

  it("needs at least one word to match", () => {
    expect(run("zebra").total).toBe(0);
    expect(run("zebra slack").hits.map((h) => h.name)).toContain("com.slack/slack");
    expect(run("zebra slack").total).toBe(run("slack").total);
  });

  it("breaks ties by name", () => {
    const twins = [
      server("com.b/twin", "Identical twin server"),
      server("com.a/twin", "Identical twin server"),
      server("com.c/twin", "Identical twin server"),
    ];
    const hits = search(loadIndex(buildIndex(twins)), EMPTY_OVERLAY, {
      q: "identical",
      limit: 3,
      offset: 0,
      filters: BOTH,
    }).hits;
    expect(hits.map((h) => h.name)).toEqual(["com.a/twin", "com.b/twin", "com.c/twin"]);
    expect(new Set(hits.map((h) => h.score)).size).toBe(1);
  });

  it("pages through the same order", () => {
    const all = run("search", 50).hits.map((h) => h.name);
    const paged = [0, 2, 4, 6].flatMap((offset) => run("search", 2, offset).hits.map((h) => h.name));
    expect(paged).toEqual(all.slice(0, 8));
    expect(run("search", 5, 1000).hits).toEqual([]);
  });

  it("is deterministic", () => {
    expect(run("database")).toEqual(run("database"));
  });
});

describe("empty q", () => {
  it("lists every document by name with score 0", () => {
    const result = run("", 100);
    expect(result.total).toBe(CORPUS.length);
    expect(result.hits.map((h) => h.name)).toEqual(CORPUS.map((d) => d.name).sort());
    expect(result.hits.every((h) => h.score === 0)).toBe(true);
  });

  it("treats a q without letters or digits as empty", () => {
    expect(run('"*" -- ()', 5)).toEqual(run("", 5));
  });
});

describe("bad input never throws", () => {
  const inputs = [
    "",
    " ",
    "x".repeat(10_000),
    "postgres ".repeat(2_000),
    "\u0000\u0001\u001f\u007f",
    '"unbalanced',
    "'single",
    "postgres AND slack OR NOT github",
    "-postgres +slack",
    "*",
    "post*",
    'name:"slack"',
    "(((",
    ")))",
    "a:b:c/d@e",
    "\ud800\udfff\ud800",
    "😀🎉",
    "日本語 検索",
    "SELECT * FROM servers; DROP TABLE x; --",
    "<script>alert(1)</script>",
    "%00%ff",
    "a b c d e f g h i j k l m n o p q r s t u v w x y z",
    "kubernets postgress slakc gihtub elasticsaerch wether databse calculater puppeter",
  ];
  it.each(inputs.map((q) => [q.length > 40 ? `${q.slice(0, 40)}… (${q.length})` : q, q]))("%j", (_label, q) => {
    const result = run(q);
    expect(result.hits.length).toBeLessThanOrEqual(10);
    expect(result.total).toBeGreaterThanOrEqual(result.hits.length);
    for (const hit of result.hits) expect(Number.isFinite(hit.score)).toBe(true);
  });

  it("accepts odd limits and offsets", () => {
    for (const [limit, offset] of [
      [0, 0],
      [-5, -5],
      [Number.NaN, Number.NaN],
      [1e9, 0],
      [Infinity, 3],
    ]) {
      const result = search(index, EMPTY_OVERLAY, {
        q: "search",
        limit: limit ?? 0,
        offset: offset ?? 0,
        filters: BOTH,
      });
      expect(result.total).toBeGreaterThan(0);
    }
    expect(search(index, EMPTY_OVERLAY, { q: "search", limit: 0, offset: 0, filters: BOTH }).hits).toEqual([]);
  });
});
