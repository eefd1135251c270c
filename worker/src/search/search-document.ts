// Reduces a validated server.json to the fields search reads.
import { urlHost } from "../domain/url-host.ts";
import type { Hosting, SearchDocument, SearchStatus } from "./types.ts";

type Json = Record<string, unknown>;

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function objects(value: unknown): Json[] {
  if (!Array.isArray(value)) return [];
  return value.filter((item): item is Json => typeof item === "object" && item !== null && !Array.isArray(item));
}

function addOnce(list: string[], value: string | undefined): void {
  if (value !== undefined && value !== "" && !list.includes(value)) list.push(value);
}

/** Derives the document from a server.json object (already validated, plain JSON) and its status. */
export function searchDocument(server: Record<string, unknown>, status: SearchStatus): SearchDocument {
  const name = str(server.name) ?? "";
  const slash = name.indexOf("/");
  const packages = objects(server.packages);
  const remotes = objects(server.remotes);
  const packageIdentifiers: string[] = [];
  const registryTypes: string[] = [];
  const transports: string[] = [];
  const remoteHosts: string[] = [];
  for (const pkg of packages) {
    addOnce(packageIdentifiers, str(pkg.identifier));
    addOnce(registryTypes, str(pkg.registryType));
    const transport = pkg.transport;
    if (typeof transport === "object" && transport !== null) {
      addOnce(transports, str((transport as Json).type));
    }
  }
  for (const remote of remotes) {
    addOnce(transports, str(remote.type));
    const url = str(remote.url);
    if (url !== undefined) addOnce(remoteHosts, urlHost(url));
  }
  const hosting: Hosting[] = [];
  if (remotes.length > 0) hosting.push("remote");
  if (packages.length > 0) hosting.push("package");
  const doc: SearchDocument = {
    name,
    namespace: slash === -1 ? name : name.slice(0, slash),
    version: str(server.version) ?? "",
    status,
    description: str(server.description) ?? "",
    packageIdentifiers,
    remoteHosts,
    registryTypes,
    transports,
    hosting,
  };
  const title = str(server.title);
  if (title !== undefined && title !== "") doc.title = title;
  return doc;
}

/** Approximate memory of a document: its strings (UTF-16) and object and array overheads. */
export function searchDocumentBytes(doc: SearchDocument): number {
  let bytes = 256;
  for (const value of [doc.name, doc.namespace, doc.version, doc.description, doc.title ?? ""]) {
    bytes += 2 * value.length + 16;
  }
  for (const list of [doc.packageIdentifiers, doc.remoteHosts, doc.registryTypes, doc.transports, doc.hosting]) {
    bytes += 32;
    for (const value of list) bytes += 2 * value.length + 24;
  }
  return bytes;
}
