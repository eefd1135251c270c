// `npm run admin-token [-- --subject NAME]`: prints a 5-minute registry token of an
// organisation administrator (`edit` and `publish` on "*") for the LOCAL registry, signed with
// the JWT_PRIVATE_KEY that `npm start` wrote to .dev.vars. In production, administrators sign
// in through the OIDC exchange instead (OIDC_EDIT_PERMISSIONS="*"); see docs/governance.md.
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { issueRegistryToken } from "../src/auth/registry-token.ts";

const { values } = parseArgs({ options: { subject: { type: "string", default: "local-admin" } } });
const devVars = existsSync(".dev.vars") ? readFileSync(".dev.vars", "utf8") : "";
const seed = /^JWT_PRIVATE_KEY=(\S+)$/m.exec(devVars)?.[1];
if (seed === undefined) {
  process.stderr.write("no JWT_PRIVATE_KEY in .dev.vars: run `npm start` once first\n");
  process.exit(1);
}
const { registry_token } = await issueRegistryToken({ JWT_PRIVATE_KEY: seed }, "oidc", String(values.subject), [
  { action: "edit", resource: "*" },
  { action: "publish", resource: "*" },
]);
process.stdout.write(`${registry_token}\n`);
