// RFC 9728 protected resource metadata: where OAuth-capable clients (MCP clients, IDEs) find the
// issuer of the access tokens we accept, and the challenge that points them there on a 401.
import type { IRequest } from "itty-router";
import { accessTokenIssuer } from "../../auth/principal.ts";
import { GROUP_NAME_PATTERN } from "../../domain/groups.ts";
import { groupPathOf, isExchangePath } from "../group-view.ts";
import { endpointNotFound } from "../request-guards.ts";

const METADATA_PATH = "/.well-known/oauth-protected-resource";

/**
 * GET /.well-known/oauth-protected-resource[/groups/{group}]: the registry, or a group's
 * sub-registry, as a protected resource. A group's document is answered for every valid group
 * name without looking the group up, so it tells nobody which private groups exist.
 */
export async function protectedResourceMetadata(
  request: IRequest,
  env: Env,
  _ctx: unknown,
  url: URL,
): Promise<Response> {
  const group = request.params.group;
  if (group !== undefined && !GROUP_NAME_PATTERN.test(group)) throw endpointNotFound(url);
  const issuer = accessTokenIssuer(env);
  const document = {
    resource: group === undefined ? url.origin : `${url.origin}/groups/${group}`,
    authorization_servers: issuer === undefined ? [] : [issuer],
    bearer_methods_supported: ["header"],
    resource_name: "MCP Registry",
    resource_documentation: `${url.origin}/docs`,
  };
  return new Response(JSON.stringify(document), {
    headers: { "content-type": "application/json", "cache-control": "public, max-age=300" },
  });
}

/**
 * The metadata document for a request's path: a group's under /groups/{group}/, the registry's
 * under /x/; none elsewhere (the official API answers its 401s exactly as upstream does) nor for
 * token exchanges, whose refusals are no bearer challenge.
 */
function metadataUrlFor(url: URL): string | undefined {
  const inGroup = groupPathOf(url.pathname);
  if (inGroup !== undefined) {
    if (!GROUP_NAME_PATTERN.test(inGroup.group) || isExchangePath(inGroup.inner)) return undefined;
    return `${url.origin}${METADATA_PATH}/groups/${inGroup.group}`;
  }
  return url.pathname.startsWith("/x/") ? `${url.origin}${METADATA_PATH}` : undefined;
}

/**
 * A 401 under /groups/ or /x/ with its RFC 9728 §5.1 challenge; `error="invalid_token"` when a
 * bearer token was presented (RFC 6750 §3.1). Every other response as it is.
 */
export function withResourceChallenge(request: Request, response: Response): Response {
  if (response.status !== 401) return response;
  const url = new URL(request.url);
  const metadata = metadataUrlFor(url);
  if (metadata === undefined) return response;
  const presented = /^bearer /i.test(request.headers.get("authorization") ?? "");
  const challenged = new Response(response.body, response);
  challenged.headers.set(
    "www-authenticate",
    `Bearer resource_metadata="${metadata}"${presented ? ', error="invalid_token"' : ""}`,
  );
  return challenged;
}
