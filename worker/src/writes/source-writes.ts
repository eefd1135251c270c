// Source configuration writes on the "~sync" stream (issue 11: being built).
import type { WriteContext, WriteOutcome } from "./write-context.ts";

export type SourceOp = { kind: "placeholder" };
export type SourceOpResult = unknown;

export async function applySourceOp(_ctx: WriteContext, _op: SourceOp): Promise<WriteOutcome<SourceOpResult>> {
  throw new Error("not implemented");
}
