// Local development needs no secret setup: `.dev.vars` (git-ignored, read by wrangler dev)
// gets a random registry signing seed on first start, and the local-only switches.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";

const DEV_VARS = ".dev.vars";
const LOCAL_DEFAULTS: Record<string, () => string> = {
  JWT_PRIVATE_KEY: () => randomBytes(32).toString("hex"),
  // POST /auth/none works locally (off in wrangler.toml, the production config).
  ENABLE_ANONYMOUS_AUTH: () => "true",
  // No package-registry calls from a laptop (on in wrangler.toml).
  ENABLE_REGISTRY_VALIDATION: () => "false",
};

/** Adds the missing local defaults to .dev.vars, keeping whatever is already set there. */
export function ensureDevVars(): void {
  const current = existsSync(DEV_VARS) ? readFileSync(DEV_VARS, "utf8") : "";
  const present = new Set(
    current
      .split("\n")
      .map((line) => line.split("=")[0]?.trim())
      .filter((key): key is string => !!key),
  );
  const missing = Object.entries(LOCAL_DEFAULTS).filter(([key]) => !present.has(key));
  if (missing.length === 0) return;
  const lines = missing.map(([key, make]) => `${key}=${make()}`);
  const prefix = current === "" || current.endsWith("\n") ? current : `${current}\n`;
  writeFileSync(DEV_VARS, `${prefix}${lines.join("\n")}\n`, { mode: 0o600 });
  process.stderr.write(`wrote ${missing.map(([key]) => key).join(", ")} to ${DEV_VARS}\n`);
}
