// Publishes awaiting approval, as the API shows them (docs/governance.md): the submitted
// server.json unchanged under `server`, the approval state in a sibling `_meta`, like the
// ServerResponse of a published version (domain/server-response.ts).
import { formatRfc3339 } from "./timestamps.ts";

/** Our `_meta` key for a version that awaits a manager's decision. */
export const APPROVAL_META_KEY = "dev.mcp-registry-workers/approval";

/** Longest message a manager may give with a decision (it goes into the audit trail). */
export const MAX_DECISION_MESSAGE = 1000;

export const DECISIONS = ["approve", "reject"] as const;

/** Versions that may await approval at once in one group, and of one name (the queue is bounded). */
export const MAX_PENDING_PER_GROUP = 1000;
export const MAX_PENDING_PER_NAME = 100;

/** Why one more submission would overfill the queue (counts before it), if it would. */
export function pendingBoundRefusal(
  counts: { inGroup: number; ofName: number },
  group: string,
  name: string,
): string | undefined {
  if (counts.ofName >= MAX_PENDING_PER_NAME) {
    return `too many versions of ${name} awaiting approval (at most ${MAX_PENDING_PER_NAME}): a manager must decide on some first`;
  }
  if (counts.inGroup >= MAX_PENDING_PER_GROUP) {
    return `too many versions awaiting approval in group ${group} (at most ${MAX_PENDING_PER_GROUP}): a manager must decide on some first`;
  }
  return undefined;
}

/** What a pending version's `_meta` says about it. */
export interface PendingFacts {
  group: string;
  /** µs */
  submittedAt: number;
  /** The submitter's actor key, shown to the group's managers only. */
  submittedBy?: string;
}

/** The JSON text of a pending version: its compact server.json text and its approval state. */
export function renderPending(serverJson: string, facts: PendingFacts): string {
  const meta = JSON.stringify({
    [APPROVAL_META_KEY]: {
      state: "pending",
      group: facts.group,
      submittedAt: formatRfc3339(facts.submittedAt),
      ...(facts.submittedBy === undefined ? {} : { submittedBy: facts.submittedBy }),
    },
  });
  return `{"server":${serverJson},"_meta":${meta}}`;
}
