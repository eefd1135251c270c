// The Worker's bindings and variables (wrangler.toml). Declared on Cloudflare.Env so that
// `env` from "cloudflare:workers" (tests) and the handlers' `env` share one type.
import type { NamespaceWriter } from "./durable/namespace-writer.ts";

declare global {
  namespace Cloudflare {
    interface Env {
      DB: D1Database;
      CACHE: KVNamespace;
      NAMESPACE_WRITER: DurableObjectNamespace<NamespaceWriter>;
      REGISTRY_VERSION: string;
      GIT_COMMIT: string;
      BUILD_TIME: string;
      /** How long an isolate trusts its memory copy of a cached answer (default 1000). */
      MEMORY_CACHE_TTL_MS?: string;
      /** Reported by /health for the CLI's GitHub device flow, when set. */
      GITHUB_CLIENT_ID?: string;
    }
    interface GlobalProps {
      mainModule: typeof import("./index.ts");
      durableNamespaces: "NamespaceWriter";
    }
  }
  type Env = Cloudflare.Env;
}

export {};
