// POST /auth/none (spec §10.4): an anonymous token for local development and tests, limited
// to the anonymous namespace. The route exists only when ENABLE_ANONYMOUS_AUTH is "true".
import { issueRegistryToken, type TokenResponse } from "../registry-token.ts";

export const ANONYMOUS_NAMESPACE = "io.modelcontextprotocol.anonymous";

export function exchangeAnonymous(env: Pick<Env, "JWT_PRIVATE_KEY">): Promise<TokenResponse> {
  return issueRegistryToken(env, "none", "anonymous", [
    { action: "publish", resource: `${ANONYMOUS_NAMESPACE}/*` },
    { action: "edit", resource: `${ANONYMOUS_NAMESPACE}/*` },
  ]);
}
