// POST /auth/github-at (spec §10.3–10.4): a GitHub user or OAuth token proves the login's
// namespace and those of the orgs the user owns (active membership with role admin).
import { fetchConfigured, type OutboundResponse } from "../../net/outbound.ts";
import type { Permission } from "../claims.ts";
import { issueRegistryToken, type TokenResponse } from "../registry-token.ts";
import { fail, ok, type Result } from "../result.ts";
import { exchangeRefused, TOKEN_EXCHANGE_FAILED } from "./failure.ts";

/** Logins and org names become namespaces; nothing else may slip into a pattern. */
export const GITHUB_NAME = /^[a-zA-Z0-9-]+$/;

const PAGE_SIZE = 100;
/** 1,000 memberships; past that, fail closed rather than grant from a truncated list. */
const MAX_PAGES = 10;
const MAX_RESPONSE_BYTES = 1024 * 1024;

async function githubGet(
  env: Pick<Env, "GITHUB_API_BASE_URL">,
  path: string,
  token: string,
): Promise<Result<OutboundResponse>> {
  try {
    return ok(
      await fetchConfigured(`${env.GITHUB_API_BASE_URL.replace(/\/+$/, "")}${path}`, {
        headers: {
          authorization: `Bearer ${token}`,
          accept: "application/vnd.github+json",
          "x-github-api-version": "2022-11-28",
          "user-agent": "mcp-registry",
        },
        maxBytes: MAX_RESPONSE_BYTES,
      }),
    );
  } catch (err) {
    return fail((err as Error).message);
  }
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

async function githubLogin(env: Pick<Env, "GITHUB_API_BASE_URL">, token: string): Promise<Result<string>> {
  const response = await githubGet(env, "/user", token);
  if (!response.ok) return fail(`failed to get GitHub user: ${response.error}`);
  // GitHub's error bodies are not echoed (they may describe the token).
  if (response.value.status !== 200)
    return fail(`failed to get GitHub user: GitHub API error (status ${response.value.status})`);
  const login = (parseJson(response.value.body) as { login?: unknown } | undefined)?.login;
  if (typeof login !== "string") return fail("failed to get GitHub user: failed to decode user response");
  if (!GITHUB_NAME.test(login)) return fail("failed to get GitHub user: login is not a valid GitHub name");
  return ok(login);
}

/** One page of memberships; null when the token may not list them (no read:org scope). */
async function membershipsPage(
  env: Pick<Env, "GITHUB_API_BASE_URL">,
  token: string,
  page: number,
): Promise<Result<unknown[] | null>> {
  const response = await githubGet(
    env,
    `/user/memberships/orgs?state=active&per_page=${PAGE_SIZE}&page=${page}`,
    token,
  );
  if (!response.ok) return fail(`failed to get GitHub organizations: ${response.error}`);
  const { status, headers, body } = response.value;
  if (status === 403) {
    // A throttled or SSO-blocked owner must not silently lose the org grant: fail closed.
    if (headers.get("x-ratelimit-remaining") === "0" || headers.get("retry-after") !== null) {
      return fail("failed to get GitHub organizations: GitHub API rate limit exceeded (status 403)");
    }
    if (headers.get("x-github-sso") !== null) {
      return fail(
        "failed to get GitHub organizations: org memberships require SSO authorization for this token (status 403)",
      );
    }
    return ok(null);
  }
  if (status !== 200) return fail(`failed to get GitHub organizations: GitHub API error (status ${status})`);
  const memberships = parseJson(body);
  if (!Array.isArray(memberships))
    return fail("failed to get GitHub organizations: failed to decode memberships response");
  return ok(memberships);
}

/** Orgs where the membership is active with role admin (an Owner); odd names are skipped. */
export function ownedOrgs(memberships: readonly unknown[]): string[] {
  const orgs: string[] = [];
  for (const m of memberships) {
    const { state, role, organization } = (m ?? {}) as {
      state?: unknown;
      role?: unknown;
      organization?: { login?: unknown };
    };
    const login = organization?.login;
    if (state === "active" && role === "admin" && typeof login === "string" && GITHUB_NAME.test(login))
      orgs.push(login);
  }
  return orgs;
}

async function githubOwnedOrgs(env: Pick<Env, "GITHUB_API_BASE_URL">, token: string): Promise<Result<string[]>> {
  const orgs: string[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const memberships = await membershipsPage(env, token, page);
    if (!memberships.ok) return memberships;
    if (memberships.value === null) return ok([]);
    orgs.push(...ownedOrgs(memberships.value));
    if (memberships.value.length < PAGE_SIZE) return ok(orgs);
  }
  return fail(`failed to get GitHub organizations: more than ${MAX_PAGES} pages of memberships`);
}

export async function exchangeGitHubAccessToken(
  env: Pick<Env, "GITHUB_API_BASE_URL" | "JWT_PRIVATE_KEY">,
  githubToken: string,
): Promise<TokenResponse> {
  const login = await githubLogin(env, githubToken);
  if (!login.ok) throw exchangeRefused(TOKEN_EXCHANGE_FAILED, login.error);
  const orgs = await githubOwnedOrgs(env, githubToken);
  if (!orgs.ok) throw exchangeRefused(TOKEN_EXCHANGE_FAILED, orgs.error);
  const namespaces = [...new Set([login.value, ...orgs.value])];
  const permissions: Permission[] = namespaces.map((n) => ({ action: "publish", resource: `io.github.${n}/*` }));
  return issueRegistryToken(env, "github-at", login.value, permissions);
}
