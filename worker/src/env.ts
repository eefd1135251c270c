// The Worker's bindings and variables (wrangler.toml). Declared on Cloudflare.Env so that
// `env` from "cloudflare:workers" (tests) and the handlers' `env` share one type.
import type { CatalogClock } from "./durable/catalog-clock.ts";
import type { StreamWriter } from "./durable/stream-writer.ts";
import type { WebhookMessage } from "./sync/webhook-consumer.ts";

declare global {
  namespace Cloudflare {
    interface Env {
      DB: D1Database;
      CACHE: KVNamespace;
      STREAM_WRITER: DurableObjectNamespace<StreamWriter>;
      CATALOG_CLOCK: DurableObjectNamespace<CatalogClock>;
      /** Webhook deliveries, one message per (subscription, change) (wrangler.toml queues). */
      WEBHOOKS: Queue<WebhookMessage>;
      /** The web pages' stylesheet and scripts (worker/web-assets, wrangler.toml [assets]). */
      ASSETS: Fetcher;
      REGISTRY_VERSION: string;
      GIT_COMMIT: string;
      BUILD_TIME: string;
      /**
       * How long an isolate trusts its memory copy of a cached answer before asking KV for the
       * generation token again, in ms (default 500, as wrangler.toml sets it).
       */
      MEMORY_CACHE_TTL_MS?: string;
      /** Reported by /health for the CLI's GitHub device flow, when set. */
      GITHUB_CLIENT_ID?: string;
      /** Secret: hex of the 32-byte Ed25519 seed that signs registry tokens. */
      JWT_PRIVATE_KEY?: string;
      /** "true" enables POST /auth/none (local development and tests only). */
      ENABLE_ANONYMOUS_AUTH: string;
      /** "true" runs package ownership checks on publish (spec §9). */
      ENABLE_REGISTRY_VALIDATION: string;
      GITHUB_API_BASE_URL: string;
      GITHUB_OIDC_ISSUER: string;
      GITHUB_OIDC_JWKS_URL: string;
      GITHUB_OIDC_AUDIENCE: string;
      /** DNS-over-HTTPS endpoint answering application/dns-json. */
      DNS_RESOLVER_URL: string;
      OIDC_ENABLED: string;
      OIDC_ISSUER: string;
      OIDC_CLIENT_ID: string;
      OIDC_JWKS_URL: string;
      /** JSON object of claim rules the OIDC token must satisfy, e.g. {"hd":"example.com"}. */
      OIDC_EXTRA_CLAIMS: string;
      /** Comma lists of permission patterns granted by POST /auth/oidc. */
      OIDC_PUBLISH_PERMISSIONS: string;
      OIDC_EDIT_PERMISSIONS: string;
      /**
       * "true" accepts the OIDC issuer's own access tokens as bearer tokens on every route
       * (docs/governance.md), verified against OIDC_JWKS_URL for OIDC_AUDIENCE (default
       * OIDC_CLIENT_ID); OIDC_GROUPS_CLAIM (default "groups") names the group claim.
       */
      OIDC_ACCESS_TOKENS?: string;
      OIDC_AUDIENCE?: string;
      OIDC_GROUPS_CLAIM?: string;
      NPM_REGISTRY_URL: string;
      PYPI_URL: string;
      NUGET_URL: string;
      /** Comma list of extra OCI registry hosts allowed for packages. */
      ADDITIONAL_OCI_REGISTRIES: string;
      /** Weighted open reports at which a server is marked under review (default 5). */
      REVIEW_THRESHOLD?: string;
      /** What one report counts for: anonymous (by address) and registry-token holders. */
      REPORT_WEIGHT_ANONYMOUS?: string;
      REPORT_WEIGHT_TOKEN?: string;
      /** Reports one reporter may file per hour (default 20). */
      REPORTS_PER_HOUR?: string;
      /** Secret: salt of the reporter address hash (falls back to JWT_PRIVATE_KEY). */
      REPORTER_HASH_SALT?: string;
      /** Failed token exchanges audited one row each per hour; the rest are counted (default 60). */
      AUTH_FAILURE_AUDIT_PER_HOUR?: string;
      /** "off" skips every abuse-limit check; anything else enforces the bindings below. */
      RATE_LIMITS?: string;
      /**
       * Upstream pages (100 versions each) one cron run reads across all sources, and one
       * POST /x/admin/sources/{id}/sync for its source (default 20; README "Mirroring upstream
       * registries", cron/mirror-sources.ts).
       */
      MIRROR_PAGES_PER_RUN?: string;
      /**
       * Seconds before a failed webhook delivery's first retry; each next one 4 times later, at
       * most 1 h apart (default 10; README "Webhooks", domain/webhooks.ts retryBaseSeconds).
       */
      WEBHOOK_RETRY_BASE_SECONDS?: string;
      /**
       * Abuse limits ([[ratelimits]] in wrangler.toml; see http/rate-limits.ts). A missing
       * binding is not enforced.
       */
      RATE_LIMIT_PUBLISH?: RateLimit;
      RATE_LIMIT_AUTH?: RateLimit;
      RATE_LIMIT_REPORT?: RateLimit;
      RATE_LIMIT_ADMIN?: RateLimit;
      RATE_LIMIT_SEARCH?: RateLimit;
    }
    interface GlobalProps {
      mainModule: typeof import("./index.ts");
      durableNamespaces: "StreamWriter" | "CatalogClock";
    }
  }
  type Env = Cloudflare.Env;
}
