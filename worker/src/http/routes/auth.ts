// The token exchanges, POST {prefix}/auth/* (spec §10.4). Each reads its body as the official
// framework would (strict keys, required fields → 422), then hands over to worker/src/auth.
import { exchangeAnonymous } from "../../auth/exchange/none.ts";
import { exchangeDnsProof } from "../../auth/exchange/dns.ts";
import { exchangeGitHubAccessToken } from "../../auth/exchange/github-at.ts";
import { exchangeGitHubOidcToken } from "../../auth/exchange/github-oidc.ts";
import { exchangeHttpProof } from "../../auth/exchange/http.ts";
import { exchangeOidcToken } from "../../auth/exchange/oidc.ts";
import { goStruct, text } from "../../domain/server-json/huma-schema-kit.ts";
import { issuedClaims, type AuthMethod, type TokenResponse } from "../../auth/registry-token.ts";
import { outcomeOf, type Caller } from "../../writes/write-context.ts";
import { ApiError } from "../../errors.ts";
import { limitAddress, limitSubject } from "../rate-limits.ts";
import { readBodyAs } from "../request-body.ts";
import { requestIdOf } from "../request-id.ts";
import { endpointNotFound } from "../request-guards.ts";
import { json } from "../responses.ts";
import { refusalReason, runWrite } from "./write-support.ts";

/** The audit stream of token exchanges. */
export const AUTH_STREAM = "~auth";

export const GitHubTokenBody = goStruct({ github_token: text });
export const OidcTokenBody = goStruct({ oidc_token: text });
export const KeyProofBody = goStruct({ domain: text, timestamp: text, signed_timestamp: text });

/**
 * Hands a refused exchange to the "~auth" writer (best effort: the refusal stands). Anyone may
 * send these, so the writer counts them per hour, method and status and gives only the first
 * AUTH_FAILURE_AUDIT_PER_HOUR of an hour an audit row of their own (docs/storage.md).
 */
async function recordFailure(env: Env, caller: Caller, err: ApiError): Promise<void> {
  const facts = { action: "token-exchange", outcome: outcomeOf(err.status), reason: refusalReason(err) };
  try {
    await runWrite(env, AUTH_STREAM, (writer) => writer.recordFailedExchange(caller, AUTH_STREAM, facts, err.status));
  } catch (failure) {
    console.error("recording a failed token exchange failed", failure);
  }
}

/**
 * Runs an exchange and appends its outcome to the "~auth" audit stream: the subject and
 * permissions granted, or the refusal and the identity claimed (never the secret presented).
 * A token is only handed out once its issue is on record, and only while the identity it
 * proves is within its abuse limit (checked before anything is recorded).
 */
async function auditedExchange(
  request: Request,
  env: Env,
  method: AuthMethod,
  claimed: string,
  exchange: () => Promise<TokenResponse>,
): Promise<Response> {
  const requestId = requestIdOf(request);
  // The identity claimed comes from the request body: bounded before it reaches the trail.
  claimed = claimed.slice(0, 255);
  let token: TokenResponse;
  try {
    token = await exchange();
  } catch (err) {
    if (err instanceof ApiError) await recordFailure(env, { actor: { method, subject: claimed }, requestId }, err);
    throw err;
  }
  const claims = issuedClaims(token.registry_token);
  const caller: Caller = { actor: { method, subject: claims?.auth_method_sub ?? claimed }, requestId };
  await limitSubject(env, "auth", caller.actor);
  const detail = { permissions: claims?.permissions ?? [], expiresAt: token.expires_at };
  await runWrite(env, AUTH_STREAM, (writer) =>
    writer.record(caller, AUTH_STREAM, { action: "token-exchange", detail }),
  );
  return json(token);
}

/** POST {prefix}/auth/github-at */
export async function githubAccessTokenExchange(request: Request, env: Env): Promise<Response> {
  await limitAddress(request, env, "auth");
  const body = await readBodyAs(request, GitHubTokenBody);
  return auditedExchange(request, env, "github-at", "unknown", () => exchangeGitHubAccessToken(env, body.github_token));
}

/** POST {prefix}/auth/github-oidc */
export async function githubOidcExchange(request: Request, env: Env): Promise<Response> {
  await limitAddress(request, env, "auth");
  const body = await readBodyAs(request, OidcTokenBody);
  return auditedExchange(request, env, "github-oidc", "unknown", () => exchangeGitHubOidcToken(env, body.oidc_token));
}

/** POST {prefix}/auth/dns */
export async function dnsExchange(request: Request, env: Env): Promise<Response> {
  await limitAddress(request, env, "auth");
  const body = await readBodyAs(request, KeyProofBody);
  return auditedExchange(request, env, "dns", body.domain, () => exchangeDnsProof(env, body));
}

/** POST {prefix}/auth/http */
export async function httpExchange(request: Request, env: Env): Promise<Response> {
  await limitAddress(request, env, "auth");
  const body = await readBodyAs(request, KeyProofBody);
  return auditedExchange(request, env, "http", body.domain, () => exchangeHttpProof(env, body));
}

/**
 * Whether a path is an exchange this deployment switched off (/auth/oidc without OIDC_ENABLED,
 * /auth/none without ENABLE_ANONYMOUS_AUTH): it answers as an unknown route, whatever the method.
 */
export function isDisabledExchange(path: string, env: Env): boolean {
  if (path.endsWith("/auth/oidc")) return env.OIDC_ENABLED !== "true";
  if (path.endsWith("/auth/none")) return env.ENABLE_ANONYMOUS_AUTH !== "true";
  return false;
}

/** POST {prefix}/auth/oidc: answers as an unknown route unless OIDC_ENABLED is "true". */
export async function oidcExchange(request: Request, env: Env, _ctx: unknown, url: URL): Promise<Response> {
  if (isDisabledExchange(url.pathname, env)) throw endpointNotFound(url);
  await limitAddress(request, env, "auth");
  const body = await readBodyAs(request, OidcTokenBody);
  return auditedExchange(request, env, "oidc", "unknown", () => exchangeOidcToken(env, body.oidc_token));
}

/**
 * POST {prefix}/auth/none: answers as an unknown route unless ENABLE_ANONYMOUS_AUTH is "true".
 * Takes no body; whatever is sent is ignored, as the official operation declares no input.
 */
export async function anonymousExchange(request: Request, env: Env, _ctx: unknown, url: URL): Promise<Response> {
  if (isDisabledExchange(url.pathname, env)) throw endpointNotFound(url);
  await limitAddress(request, env, "auth");
  return auditedExchange(request, env, "none", "anonymous", () => exchangeAnonymous(env));
}

/** Path (after the API prefix) → handler, for the router: all POST. */
type ExchangeHandler = (request: Request, env: Env, ctx: unknown, url: URL) => Promise<Response>;

export const AUTH_ROUTES: readonly (readonly [string, ExchangeHandler])[] = [
  ["/auth/github-at", githubAccessTokenExchange],
  ["/auth/github-oidc", githubOidcExchange],
  ["/auth/dns", dnsExchange],
  ["/auth/http", httpExchange],
  ["/auth/oidc", oidcExchange],
  ["/auth/none", anonymousExchange],
];
