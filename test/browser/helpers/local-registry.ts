// Where the browser tests' registry runs, and the calls the fixtures and checks make to its API
// from Node (Playwright's runner and workers), with the local administrator's token.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The repository root (worker/cli/* expect to run there). */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** One of this suite's ports; BROWSER_TEST_PORT picks another. */
export const REGISTRY_PORT = Number(process.env.BROWSER_TEST_PORT ?? "8851");
export const REGISTRY_ORIGIN = `http://127.0.0.1:${REGISTRY_PORT}`;

/** Tokens live 5 minutes: one is reused for 4, then a fresh one is minted. */
const ADMIN_TOKEN_REUSE_MS = 4 * 60_000;
let cachedAdmin: { token: string; at: number } | undefined;

/**
 * An organisation administrator's token for the local registry, from the operator command
 * itself (signed with the key `npm start` wrote to .dev.vars).
 */
export function adminToken(): string {
  if (cachedAdmin === undefined || Date.now() - cachedAdmin.at > ADMIN_TOKEN_REUSE_MS) {
    const token = execFileSync(process.execPath, ["worker/cli/admin-token.ts"], { cwd: REPO_ROOT, encoding: "utf8" });
    cachedAdmin = { token: token.trim(), at: Date.now() };
  }
  return cachedAdmin.token;
}

export interface ApiAnswer {
  status: number;
  body: any;
}

/** A JSON call to the registry's API (a bearer token when given). */
export async function callApi(method: string, path: string, token?: string, body?: unknown): Promise<ApiAnswer> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${REGISTRY_ORIGIN}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: the text itself, for the error message.
  }
  return { status: response.status, body: parsed };
}

/** The same call, failing unless it answers `expected`. */
export async function expectApi(
  expected: number,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<any> {
  const answer = await callApi(method, path, token, body);
  if (answer.status !== expected) {
    throw new Error(`${method} ${path}: ${answer.status} (expected ${expected}) ${JSON.stringify(answer.body)}`);
  }
  return answer.body;
}
