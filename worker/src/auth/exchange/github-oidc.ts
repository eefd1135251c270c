// POST /auth/github-oidc (spec §10.4): a GitHub Actions ID token (RS256, GitHub's JWKS, our
// audience) proves the namespace of the workflow repository's owner.
import { verifyIdToken } from "../id-token.ts";
import { issueRegistryToken, type TokenResponse } from "../registry-token.ts";
import { exchangeRefused, TOKEN_EXCHANGE_FAILED } from "./failure.ts";
import { GITHUB_NAME } from "./github-at.ts";

type GitHubOidcEnv = Pick<
  Env,
  "GITHUB_OIDC_ISSUER" | "GITHUB_OIDC_JWKS_URL" | "GITHUB_OIDC_AUDIENCE" | "JWT_PRIVATE_KEY"
>;

export async function exchangeGitHubOidcToken(
  env: GitHubOidcEnv,
  oidcToken: string,
  nowMs = Date.now(),
): Promise<TokenResponse> {
  const refuse = (reason: string) => exchangeRefused(TOKEN_EXCHANGE_FAILED, reason);
  if (!env.GITHUB_OIDC_AUDIENCE)
    throw refuse("GitHub OIDC exchange disabled: this deployment has no audience configured");
  const verified = await verifyIdToken(
    oidcToken,
    {
      jwksUrl: env.GITHUB_OIDC_JWKS_URL,
      issuer: env.GITHUB_OIDC_ISSUER,
      audience: env.GITHUB_OIDC_AUDIENCE,
      algorithms: ["RS256"],
      requireKid: true,
    },
    nowMs,
  );
  if (!verified.ok) throw refuse(`failed to validate OIDC token: ${verified.error}`);
  const { sub, repository_owner: owner } = verified.value;
  if (typeof owner !== "string" || owner === "")
    throw refuse("failed to validate OIDC token: repository owner claim is required");
  if (!GITHUB_NAME.test(owner))
    throw refuse("failed to validate OIDC token: repository owner is not a valid GitHub name");
  if (typeof sub !== "string" || sub === "") throw refuse("failed to validate OIDC token: sub claim is required");
  return issueRegistryToken(env, "github-oidc", sub, [{ action: "publish", resource: `io.github.${owner}/*` }]);
}
