/** One /validate issue. */
export interface ValidationIssue {
  type: "json" | "schema" | "semantic" | "linter";
  /** e.g. "packages[0].transport.url", "version", "schema" */
  path: string;
  message: string;
  severity: "error" | "warning" | "info";
  /** slug, e.g. "version-looks-like-range" */
  reference: string;
}

/** The official validator reports every semantic rule failure as severity "error". */
export function semanticError(path: string, message: string, reference: string): ValidationIssue {
  return { type: "semantic", path, message, severity: "error", reference };
}

export function schemaError(path: string, message: string, reference: string): ValidationIssue {
  return { type: "schema", path, message, severity: "error", reference };
}

/** Builds issue paths the way the official ValidationContext does: "a.b[0].c". */
export function field(parent: string, name: string): string {
  return parent === "" ? name : `${parent}.${name}`;
}

export function index(parent: string, i: number): string {
  return `${parent}[${i}]`;
}
