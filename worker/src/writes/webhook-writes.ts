// Webhook subscription writes on the "~sync" stream (issue 11: being built).
import type { WriteContext, WriteOutcome } from "./write-context.ts";

export type WebhookOp = { kind: "placeholder" };
export type WebhookOpResult = unknown;

export async function applyWebhookOp(_ctx: WriteContext, _op: WebhookOp): Promise<WriteOutcome<WebhookOpResult>> {
  throw new Error("not implemented");
}
