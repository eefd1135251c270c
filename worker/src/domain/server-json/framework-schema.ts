// Layer 1: the official API's request body model (Go structs + huma tags, spec §2.3 and §8.1).
// Entries are listed in Go struct field order, which is also the order of the output keys.

import * as v from "valibot";
import {
  bool,
  freeFormObject,
  goMap,
  goStruct,
  list,
  maxLength,
  minLength,
  oneOf,
  pattern,
  text,
  uriFormat,
} from "./huma-schema-kit.ts";

/** Longest server name (code points); the pattern makes every legal name ASCII. */
export const MAX_NAME_LENGTH = 200;
export const NAME_PATTERN = "^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$";
/** Longest version (code points): server.schema.json's maxLength, for the server and packages. */
export const MAX_VERSION_LENGTH = 255;

const inputEntries = {
  description: v.optional(text),
  isRequired: v.optional(bool),
  // The Go model has enum:"string,number,boolean,filepath" here, but production data holds
  // "integer" from before that tag existed (io.github.jztan/redmine-mcp-server 0.4.4), and
  // import must accept every stored entry; the enum is checked by layer 3 instead.
  format: v.optional(text),
  value: v.optional(text),
  isSecret: v.optional(bool),
  default: v.optional(text),
  placeholder: v.optional(text),
  choices: v.optional(list(text)),
};

export const InputSchema = goStruct(inputEntries);

const inputWithVariablesEntries = {
  ...inputEntries,
  variables: v.optional(goMap(InputSchema)),
};

export const KeyValueInputSchema = goStruct({
  ...inputWithVariablesEntries,
  name: text,
});

/** One Go struct for both positional and named arguments; the type enum is a layer-3 rule. */
export const ArgumentSchema = goStruct({
  ...inputWithVariablesEntries,
  type: text,
  name: v.optional(text),
  valueHint: v.optional(text),
  isRepeated: v.optional(bool),
});

/** Shared by package transports and remotes (Go's model.Transport). */
export const TransportSchema = goStruct({
  type: text,
  url: v.optional(text),
  headers: v.optional(list(KeyValueInputSchema)),
  variables: v.optional(goMap(InputSchema)),
});

export const PackageSchema = goStruct({
  registryType: v.pipe(text, minLength(1)),
  registryBaseUrl: v.optional(v.pipe(text, uriFormat)),
  identifier: v.pipe(text, minLength(1)),
  version: v.optional(v.pipe(text, minLength(1), maxLength(MAX_VERSION_LENGTH))),
  fileSha256: v.optional(v.pipe(text, pattern("^[a-f0-9]{64}$"))),
  runtimeHint: v.optional(text),
  transport: TransportSchema,
  runtimeArguments: v.optional(list(ArgumentSchema)),
  packageArguments: v.optional(list(ArgumentSchema)),
  environmentVariables: v.optional(list(KeyValueInputSchema)),
});

/** Every field optional in the Go model, so `{}` is accepted (real data has 271 of them). */
export const RepositorySchema = goStruct({
  url: v.optional(v.pipe(text, uriFormat)),
  source: v.optional(text),
  id: v.optional(text),
  subfolder: v.optional(text),
});

export const IconSchema = goStruct({
  src: v.pipe(text, maxLength(255), uriFormat),
  mimeType: v.optional(oneOf(["image/png", "image/jpeg", "image/jpg", "image/svg+xml", "image/webp"])),
  sizes: v.optional(list(v.pipe(text, pattern("^(\\d+x\\d+|any)$")))),
  theme: v.optional(oneOf(["light", "dark"])),
});

/** Only publisher-provided is modelled; its inside is free-form. */
export const ServerMetaSchema = goStruct({
  "io.modelcontextprotocol.registry/publisher-provided": v.optional(freeFormObject),
});

export const ServerJsonSchema = goStruct({
  $schema: v.pipe(text, minLength(1), uriFormat),
  name: v.pipe(text, minLength(3), maxLength(MAX_NAME_LENGTH), pattern(NAME_PATTERN)),
  description: v.pipe(text, minLength(1), maxLength(100)),
  title: v.optional(v.pipe(text, minLength(1), maxLength(100))),
  repository: v.optional(RepositorySchema),
  version: v.pipe(text, maxLength(MAX_VERSION_LENGTH)),
  websiteUrl: v.optional(v.pipe(text, uriFormat)),
  icons: v.optional(list(IconSchema)),
  packages: v.optional(list(PackageSchema)),
  remotes: v.optional(list(TransportSchema)),
  _meta: v.optional(ServerMetaSchema),
});

/** A parsed server.json (layer-1 output). */
export type ServerJson = v.InferOutput<typeof ServerJsonSchema>;
export type ServerPackage = v.InferOutput<typeof PackageSchema>;
export type Transport = v.InferOutput<typeof TransportSchema>;
export type Argument = v.InferOutput<typeof ArgumentSchema>;
export type KeyValueInput = v.InferOutput<typeof KeyValueInputSchema>;
export type Input = v.InferOutput<typeof InputSchema>;
export type Repository = v.InferOutput<typeof RepositorySchema>;
export type Icon = v.InferOutput<typeof IconSchema>;
