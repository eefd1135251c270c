// Source configuration writes (/x/admin/sources) on the "~sync" stream: one Durable Object runs
// them one at a time, so "one source per URL" and the cap are decided against D1 without races,
// and each change is one D1 batch with its audit row. The mirroring itself is not a write of this
// stream (sync/mirror-source.ts).
import { actorKey } from "../domain/actor.ts";
import { GROUP_NOT_FOUND } from "../domain/governance-rules.ts";
import {
  freshProgress,
  MAX_SOURCES,
  SOURCE_NOT_FOUND,
  type SourceConfig,
  type SourceRecord,
} from "../domain/sources.ts";
import { abortUnlessGroupStatement, getGroup } from "../storage/d1-governance.ts";
import {
  deleteSourceStatement,
  getSource,
  insertSourceStatement,
  sourceByUrl,
  sourceCount,
} from "../storage/d1-sources.ts";
import { auditEntry, commit, refuse, type AuditFacts, type WriteContext, type WriteOutcome } from "./write-context.ts";

/** A new source as the route validated it (canonical URL and patterns). */
export type SourceSpec = Pick<SourceConfig, "url" | "into" | "include" | "exclude">;

export type SourceOp = { kind: "create"; spec: SourceSpec } | { kind: "delete"; id: string };
export type SourceOpResult = SourceRecord;

export function applySourceOp(ctx: WriteContext, op: SourceOp): Promise<WriteOutcome<SourceOpResult>> {
  return op.kind === "create" ? createSource(ctx, op.spec) : deleteSource(ctx, op.id);
}

/** Registers a source. 409 when its URL already has one or at MAX_SOURCES; 422 when its group is gone. */
async function createSource(ctx: WriteContext, spec: SourceSpec): Promise<WriteOutcome<SourceRecord>> {
  const db = ctx.env.DB;
  const facts: AuditFacts = { action: "source-create", detail: { ...spec, into: spec.into ?? "public" } };
  const existing = await sourceByUrl(db, spec.url);
  if (existing !== null) return refuse(ctx, facts, 409, `A source for ${spec.url} already exists (id ${existing.id})`);
  if ((await sourceCount(db)) >= MAX_SOURCES) {
    return refuse(ctx, facts, 409, `A registry mirrors at most ${MAX_SOURCES} sources`);
  }
  // The route checked the group; it may have been deleted since.
  if (spec.into !== null && (await getGroup(db, spec.into)) === null) {
    return refuse(ctx, facts, 422, "validation failed", `into: ${GROUP_NOT_FOUND}: ${spec.into}`);
  }
  const source: SourceConfig = {
    ...spec,
    id: crypto.randomUUID(),
    createdAt: ctx.now,
    createdBy: actorKey(ctx.actor),
  };
  const statements = [insertSourceStatement(db, source)];
  if (spec.into !== null) statements.unshift(abortUnlessGroupStatement(db, spec.into));
  try {
    await commit(ctx, statements, [auditEntry(ctx, { ...facts, name: source.id })]);
  } catch (err) {
    // The group's deletion (on its own stream) committed after the check above.
    if (spec.into !== null && (await getGroup(db, spec.into)) === null) {
      return refuse(ctx, facts, 422, "validation failed", `into: ${GROUP_NOT_FOUND}: ${spec.into}`);
    }
    throw err;
  }
  return { ok: true, value: { ...source, ...freshProgress() } };
}

/**
 * Removes a source: the cron stops mirroring it. Its mirrored versions stay, with their
 * provenance (no write path deletes version rows); a source registered again for the same URL
 * owns them again and resumes from the start, changing nothing that is unchanged.
 */
async function deleteSource(ctx: WriteContext, id: string): Promise<WriteOutcome<SourceRecord>> {
  const db = ctx.env.DB;
  const source = await getSource(db, id);
  const facts: AuditFacts = { action: "source-delete", name: id };
  if (source === null) return refuse(ctx, facts, 404, SOURCE_NOT_FOUND);
  await commit(ctx, [deleteSourceStatement(db, id)], [auditEntry(ctx, { ...facts, detail: { url: source.url } })]);
  return { ok: true, value: source };
}
