// Which failures are outages (503 with Retry-After: retrying later can succeed) and which keep
// their own handling: the one classification the problem conversion and the writers' failure
// path share.
import { describe, expect, it } from "vitest";
import { ApiError, isOutage } from "../worker/src/errors.ts";
import { problemResponse } from "../worker/src/http/problem.ts";
import { D1_OUTAGES } from "./helpers/faults.ts";

const rpcError = (message: string, props: Record<string, unknown>) => Object.assign(new Error(message), props);

const OUTAGES: unknown[] = [
  ...D1_OUTAGES.map((m) => new Error(m)),
  new Error("D1_ERROR: D1 DB is overloaded. Too many requests queued."),
  new Error("D1_ERROR: D1 DB's isolate exceeded its memory limit and was reset."),
  new Error("D1_ERROR: D1 DB exceeded its CPU time limit and was reset."),
  new Error("D1_ERROR: Internal error in D1 DB storage caused object to be reset."),
  new Error("D1_ERROR: Can't read from request stream because client disconnected."),
  new Error("Network connection lost."),
  rpcError("Durable Object reset because its code was updated.", { retryable: true }),
  rpcError("Durable Object is overloaded. Too many requests queued.", { overloaded: true }),
  rpcError("injected reset", { durableObjectReset: true }),
];

const NOT_OUTAGES: unknown[] = [
  new Error("D1_ERROR: remote URL is already used by another server: SQLITE_CONSTRAINT"),
  new Error("D1_ERROR: CHECK constraint failed: reports_within_rate_limit: SQLITE_CONSTRAINT"),
  new Error("D1_ERROR: audit entries are append-only: SQLITE_CONSTRAINT"),
  new Error("D1_ERROR: UNIQUE constraint failed: audit_log.namespace, audit_log.seq: SQLITE_CONSTRAINT"),
  new Error("D1_ERROR: injected failure: SQLITE_CONSTRAINT"),
  new Error("D1_ERROR: no such table: nowhere: SQLITE_ERROR"),
  // A constraint violation is never an outage, whatever else its message says.
  new Error("D1_ERROR: connection lost while overloaded and reset: SQLITE_CONSTRAINT"),
  // Our own code's remote errors (a bug, not an outage), even from a Durable Object.
  rpcError("Cannot read properties of undefined", { remote: true }),
  new TypeError("x is not a function"),
  new ApiError(400, "Failed to publish server"),
  "Network connection lost.",
  undefined,
  null,
];

describe("isOutage", () => {
  it.each(OUTAGES.map((e) => [String(e), e]))("%s is an outage", (_label, err) => {
    expect(isOutage(err)).toBe(true);
  });

  it.each(NOT_OUTAGES.map((e) => [String(e), e]))("%s is not", (_label, err) => {
    expect(isOutage(err)).toBe(false);
  });
});

describe("problemResponse", () => {
  it("answers an outage with 503 problem+json and Retry-After, without the platform's message", async () => {
    const response = problemResponse(new Error("D1_ERROR: Network connection lost."));
    expect(response.status).toBe(503);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
    const text = await response.text();
    expect(text).not.toContain("D1_ERROR");
    expect(JSON.parse(text)).toEqual({ title: "Service Unavailable", status: 503, detail: expect.any(String) });
  });

  it("still answers anything else it does not know with a generic 500", async () => {
    const response = problemResponse(new Error("D1_ERROR: injected failure: SQLITE_CONSTRAINT"));
    expect(response.status).toBe(500);
    expect(response.headers.get("retry-after")).toBeNull();
    expect(await response.json()).toEqual({
      title: "Internal Server Error",
      status: 500,
      detail: "Internal server error",
    });
  });
});
