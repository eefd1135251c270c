// What the global setup publishes for the browser tests (a fresh registry each run, so the names
// are fixed), and the one secret it hands on to the workers: a group member's token.

/** A private group and its server, visible to members only. */
export const PRIVATE_GROUP = "skunkworks";
export const PRIVATE_NAMESPACE = "com.skunkworks.internal";
export const PRIVATE_SERVER = `${PRIVATE_NAMESPACE}/zanzibar-ledger`;
/** A word of the private server's name no public server has. */
export const PRIVATE_WORD = "zanzibar";

/** A public server run from an npm package that needs a secret environment variable. */
export const SNIPPET_SERVER = {
  name: "io.modelcontextprotocol.anonymous/quokka-notes",
  packageIdentifier: "@quokka/notes-mcp",
  packageVersion: "1.4.2",
  secretVariable: "QUOKKA_API_KEY",
} as const;

/** A public server the report flow reports (and a maintainer then resolves). */
export const REPORTED_SERVER = "io.modelcontextprotocol.anonymous/wombat-relay";

/** A seeded server with an open report from the setup, so the review queue is never empty. */
export const QUEUED_REPORT_SERVER = "dev.weatherly/air-quality";

/** A seeded server the typo "forcast" finds, beside servers of other package types. */
export const TYPO_QUERY = "forcast";
export const TYPO_MATCH = "dev.weatherly/forecast";

const ENV_KEY = "BROWSER_TEST_FIXTURES";

export interface FixtureSecrets {
  /** A personal access token of a viewer of PRIVATE_GROUP (and of nothing else). */
  memberToken: string;
}

/** Called by the global setup: the workers inherit its environment. */
export function handOn(secrets: FixtureSecrets): void {
  process.env[ENV_KEY] = JSON.stringify(secrets);
}

export function fixtureSecrets(): FixtureSecrets {
  const text = process.env[ENV_KEY];
  if (text === undefined) throw new Error(`${ENV_KEY} is not set: run through playwright.config.ts's global setup`);
  return JSON.parse(text) as FixtureSecrets;
}

/** A page path of a server: `/server/` + its name (one slash), under a group's base if given. */
export const serverPath = (name: string, base = "") => `${base}/server/${name}`;
