// Abuse limits: one Cloudflare Rate Limiting binding per class of request, each counting two
// keys: the client address (CF-Connecting-IP, IPv6 by its /64), checked before the body is read,
// and the token subject, checked right after authentication. The limits themselves live in the
// [[ratelimits]] blocks of wrangler.toml (Cloudflare fixes a binding's limit and period at
// deploy; the binding takes only a key), `RATE_LIMITS = "off"` in [vars] skips every check, and
// a binding that is not configured is not enforced. A class may borrow another's binding under
// keys of its own (`keyPrefix`): the same limit, a separate count. README "Rate limits" lists
// the defaults.
import { addressBlock } from "../auth/reporter-identity.ts";
import { actorKey } from "../domain/actor.ts";
import { ApiError } from "../errors.ts";

type RateLimitBinding =
  | "RATE_LIMIT_PUBLISH"
  | "RATE_LIMIT_AUTH"
  | "RATE_LIMIT_REPORT"
  | "RATE_LIMIT_ADMIN"
  | "RATE_LIMIT_SEARCH";

interface LimitClassDef {
  binding: RateLimitBinding;
  /**
   * The binding's `simple.period` in wrangler.toml (10 or 60 s; a test checks they agree). The
   * binding does not tell when its window ends, so a refusal asks the client to wait a period.
   */
  period: 10 | 60;
  /** What is counted, for the refusal's detail. */
  what: string;
  /** Set when the class shares its binding with another: its keys are counted apart. */
  keyPrefix?: string;
}

export const RATE_LIMIT_CLASSES = {
  /** POST /publish, PATCH …/status, PUT …/versions/{version}. */
  publish: { binding: "RATE_LIMIT_PUBLISH", period: 60, what: "publisher writes" },
  /** POST /auth/*; the subject is the identity a successful exchange proved. */
  auth: { binding: "RATE_LIMIT_AUTH", period: 60, what: "token exchanges" },
  /** POST /x/reports. */
  report: { binding: "RATE_LIMIT_REPORT", period: 60, what: "reports" },
  /** POST/DELETE /x/admin/denylist, POST /x/admin/reports/{id}/resolve. */
  admin: { binding: "RATE_LIMIT_ADMIN", period: 60, what: "maintainer writes" },
  /** GET /x/search, only for queries that are computed (not answered from the answer cache). */
  search: { binding: "RATE_LIMIT_SEARCH", period: 10, what: "searches" },
  /**
   * POST /validate, per address only (it is anonymous): the publisher writes' limit, counted
   * apart from them, since a worst-case body costs seconds of CPU.
   */
  validate: { binding: "RATE_LIMIT_PUBLISH", period: 60, what: "validations", keyPrefix: "validate:" },
} as const satisfies Record<string, LimitClassDef>;

export type LimitClass = keyof typeof RATE_LIMIT_CLASSES;

/** Who a subject check counts: a token's claims, or an actor of the audit trail. */
export type Subject = { auth_method: string; auth_method_sub: string } | { method: string; subject: string };

async function check(env: Env, limitClass: LimitClass, key: string, per: string): Promise<void> {
  if (env.RATE_LIMITS === "off") return;
  const def: LimitClassDef = RATE_LIMIT_CLASSES[limitClass];
  const { binding, period, what } = def;
  const limiter = env[binding];
  if (limiter === undefined) return;
  let allowed: boolean;
  try {
    allowed = (await limiter.limit({ key: `${def.keyPrefix ?? ""}${key}` })).success;
  } catch (err) {
    // A limiter that fails does not take the registry down with it.
    console.error(`rate limiter ${binding} failed; request allowed`, err);
    return;
  }
  if (allowed) return;
  throw new ApiError(429, `Too many ${what} from this ${per}: try again in ${period} s`, [], {
    "retry-after": String(period),
  });
}

/** The address part of a limit: IPv4 whole, IPv6 by its /64 (one host's usual block). */
export function addressKey(request: Request): string {
  return `ip:${addressBlock(request.headers.get("cf-connecting-ip") ?? "unknown")}`;
}

export function subjectKey(subject: Subject): string {
  const actor = "method" in subject ? subject : { method: subject.auth_method, subject: subject.auth_method_sub };
  return `sub:${actorKey(actor)}`;
}

/** 429 (problem+json, Retry-After) when the client address is over the class's limit. */
export function limitAddress(request: Request, env: Env, limitClass: LimitClass): Promise<void> {
  return check(env, limitClass, addressKey(request), "address");
}

/** 429 (problem+json, Retry-After) when the authenticated subject is over the class's limit. */
export function limitSubject(env: Env, limitClass: LimitClass, subject: Subject): Promise<void> {
  return check(env, limitClass, subjectKey(subject), "token subject");
}
