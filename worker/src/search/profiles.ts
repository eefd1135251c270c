// A profile is what filters and facets look at: status and hosting flags, registry types and
// transports. Real catalogues have a few dozen distinct profiles, so a query decides each
// filter once per profile and counts facets with one increment per document.
import { DEPRECATED_FLAG, PACKAGE_FLAG, REMOTE_FLAG } from "./serialized-index.ts";
import type { SearchDocument } from "./types.ts";

export interface Profile {
  flags: number;
  registryIds: readonly number[];
  transportIds: readonly number[];
}

export function documentFlags(doc: SearchDocument): number {
  return (
    (doc.status === "deprecated" ? DEPRECATED_FLAG : 0) |
    (doc.hosting.includes("remote") ? REMOTE_FLAG : 0) |
    (doc.hosting.includes("package") ? PACKAGE_FLAG : 0)
  );
}

/** Values with stable ids; new values get the next id. */
export class Dictionary {
  readonly values: string[];
  readonly ids: Map<string, number>;

  constructor(values: readonly string[]) {
    this.values = [...values];
    this.ids = new Map(this.values.map((v, i) => [v, i]));
  }

  idOf(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.ids.set(value, id);
    }
    return id;
  }
}

/** Deduplicating profile list. */
export class ProfileTable {
  readonly profiles: Profile[];
  private readonly ids = new Map<string, number>();

  constructor(initial: readonly Profile[]) {
    this.profiles = [...initial];
    this.profiles.forEach((p, i) => this.ids.set(signature(p), i));
  }

  idOf(doc: SearchDocument, registryTypes: Dictionary, transports: Dictionary): number {
    const profile: Profile = {
      flags: documentFlags(doc),
      registryIds: sortedIds(doc.registryTypes, registryTypes),
      transportIds: sortedIds(doc.transports, transports),
    };
    const key = signature(profile);
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.profiles.length;
      this.profiles.push(profile);
      this.ids.set(key, id);
    }
    return id;
  }
}

function sortedIds(values: readonly string[], dictionary: Dictionary): number[] {
  return [...new Set(values.map((v) => dictionary.idOf(v)))].sort((a, b) => a - b);
}

function signature(p: Profile): string {
  return `${p.flags}|${p.registryIds.join(",")}|${p.transportIds.join(",")}`;
}
