// The token exchanges, POST {prefix}/auth/* (spec §10.4). Each reads its body as the official
// framework would (strict keys, required fields → 422), then hands over to worker/auth.
import * as v from "valibot";
import { exchangeAnonymous } from "../../auth/exchange/none.ts";
import { exchangeDnsProof } from "../../auth/exchange/dns.ts";
import { exchangeGitHubAccessToken } from "../../auth/exchange/github-at.ts";
import { exchangeGitHubOidcToken } from "../../auth/exchange/github-oidc.ts";
import { exchangeHttpProof } from "../../auth/exchange/http.ts";
import { exchangeOidcToken } from "../../auth/exchange/oidc.ts";
import { toFieldErrors } from "../../domain/server-json/field-errors.ts";
import { goStruct, text } from "../../domain/server-json/huma-schema-kit.ts";
import { ApiError } from "../problem.ts";
import { readJsonBody } from "../request-body.ts";
import { endpointNotFound } from "../request-guards.ts";
import { json } from "../responses.ts";

const GitHubTokenBody = goStruct({ github_token: text });
const OidcTokenBody = goStruct({ oidc_token: text });
const KeyProofBody = goStruct({ domain: text, timestamp: text, signed_timestamp: text });

async function readBody<TSchema extends v.GenericSchema>(request: Request, schema: TSchema): Promise<v.InferOutput<TSchema>> {
  const parsed = v.safeParse(schema, await readJsonBody(request));
  if (!parsed.success) throw ApiError.validation(toFieldErrors(parsed.issues, "body"));
  return parsed.output;
}

/** POST {prefix}/auth/github-at */
export async function githubAccessTokenExchange(request: Request, env: Env): Promise<Response> {
  const body = await readBody(request, GitHubTokenBody);
  return json(await exchangeGitHubAccessToken(env, body.github_token));
}

/** POST {prefix}/auth/github-oidc */
export async function githubOidcExchange(request: Request, env: Env): Promise<Response> {
  const body = await readBody(request, OidcTokenBody);
  return json(await exchangeGitHubOidcToken(env, body.oidc_token));
}

/** POST {prefix}/auth/dns */
export async function dnsExchange(request: Request, env: Env): Promise<Response> {
  return json(await exchangeDnsProof(env, await readBody(request, KeyProofBody)));
}

/** POST {prefix}/auth/http */
export async function httpExchange(request: Request, env: Env): Promise<Response> {
  return json(await exchangeHttpProof(env, await readBody(request, KeyProofBody)));
}

/** POST {prefix}/auth/oidc: answers as an unknown route unless OIDC_ENABLED is "true". */
export async function oidcExchange(request: Request, env: Env, _ctx: unknown, url: URL): Promise<Response> {
  if (env.OIDC_ENABLED !== "true") throw endpointNotFound(url);
  const body = await readBody(request, OidcTokenBody);
  return json(await exchangeOidcToken(env, body.oidc_token));
}

/**
 * POST {prefix}/auth/none: answers as an unknown route unless ENABLE_ANONYMOUS_AUTH is "true".
 * Takes no body; whatever is sent is ignored, as the official operation declares no input.
 */
export async function anonymousExchange(_request: Request, env: Env, _ctx: unknown, url: URL): Promise<Response> {
  if (env.ENABLE_ANONYMOUS_AUTH !== "true") throw endpointNotFound(url);
  return json(await exchangeAnonymous(env));
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
