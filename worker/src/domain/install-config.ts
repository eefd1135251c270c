// Install snippets: what a user pastes into an MCP client's configuration to run a server, made
// from its server.json (packages and remotes, with their arguments, headers and environment
// variables). Pure: the server page and the MCP endpoint's get_install_config both use it.
//
// What goes into a snippet: fixed values (`value`, with its `{var}` variables filled in), and
// every required input (its `default`, else a placeholder the user must replace). Optional
// inputs are left out, so the snippet runs the server as its publisher's defaults have it: a
// placeholder for an optional setting would be passed on literally. They are listed in
// `optional` instead.
import type {
  Argument,
  Input,
  KeyValueInput,
  ServerJson,
  ServerPackage,
  Transport,
} from "./server-json/framework-schema.ts";

export const INSTALL_CLIENTS = ["vscode", "claude-desktop", "cursor", "generic"] as const;
export type InstallClient = (typeof INSTALL_CLIENTS)[number];

/** A value the user must supply, shown in the snippet as a placeholder. */
export interface InstallInput {
  /** Where it goes: "env", "header", "argument" or "url-variable". */
  kind: "env" | "header" | "argument" | "url-variable";
  /** The variable, header or argument name (or the positional argument's value hint). */
  name: string;
  description?: string;
  isRequired: boolean;
  isSecret: boolean;
  /** The placeholder text as it appears in the snippet. */
  placeholder: string;
}

/** One way to run the server: a package (by its index) or a remote (by its index). */
export type InstallTarget = { kind: "package"; index: number } | { kind: "remote"; index: number };

export interface InstallConfig {
  client: InstallClient;
  /** The client's product name ("VS Code", "Claude Desktop", "Cursor", "Any MCP client"). */
  clientLabel: string;
  /** Where the snippet goes (e.g. ".vscode/mcp.json", "claude_desktop_config.json"). */
  file: string;
  target: InstallTarget;
  /** The configuration as an object (what the snippet's JSON text is of). */
  config: Record<string, unknown>;
  /** The snippet: `config` as pretty-printed JSON. */
  snippet: string;
  /** Inputs the user must fill in (also shown as placeholders in the snippet). */
  inputs: InstallInput[];
  /** Short caveats (e.g. "Claude Desktop runs stdio servers only: a bridge is used"). */
  notes: string[];
  /** The key of the server in the configuration (from the server's name). */
  serverKey: string;
  /**
   * Optional settings left out of the snippet (environment variables, headers, arguments with
   * no fixed value); `placeholder` is what to add if the user wants one.
   */
  optional: InstallInput[];
}

const CLIENT_LABELS: Record<InstallClient, string> = {
  vscode: "VS Code",
  "claude-desktop": "Claude Desktop",
  cursor: "Cursor",
  generic: "Any MCP client",
};

const CLIENT_FILES: Record<InstallClient, string> = {
  vscode: ".vscode/mcp.json",
  "claude-desktop": "claude_desktop_config.json",
  cursor: ".cursor/mcp.json",
  generic: "the client's MCP configuration (mcpServers)",
};

/**
 * The ways `server` can be run: one per package and per remote, in server.json order (the first
 * is what `installConfig` uses when no target is given). Empty when it has neither.
 */
export function installTargets(server: ServerJson): InstallTarget[] {
  const targets: InstallTarget[] = [];
  (server.packages ?? []).forEach((_, index) => targets.push({ kind: "package", index }));
  (server.remotes ?? []).forEach((_, index) => targets.push({ kind: "remote", index }));
  return targets;
}

/** "package-0" / "remote-1": how a target is named in a page's query. */
export function targetKey(target: InstallTarget): string {
  return `${target.kind}-${target.index}`;
}

/** The target a key names, if `server` has it. */
export function targetOfKey(server: ServerJson, key: string): InstallTarget | undefined {
  const match = /^(package|remote)-(\d{1,4})$/.exec(key);
  if (match === null) return undefined;
  const target = { kind: match[1], index: Number(match[2]) } as InstallTarget;
  return installTargets(server).some((t) => t.kind === target.kind && t.index === target.index) ? target : undefined;
}

/** The configuration key of a server: the part of its name after the slash, sanitised. */
export function serverKeyOf(name: string): string {
  const rest = name.slice(name.indexOf("/") + 1);
  const key = rest.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[-.]+|[-.]+$/g, "");
  return key === "" ? "mcp-server" : key;
}

/**
 * The configuration of `client` for `server`, for `target` (default: the first of
 * installTargets); undefined when the server has no package or remote to run.
 */
export function installConfig(
  server: ServerJson,
  client: InstallClient,
  target: InstallTarget | undefined = installTargets(server)[0],
): InstallConfig | undefined {
  if (target === undefined) return undefined;
  const serverKey = serverKeyOf(server.name);
  const inputs = new Placeholders(client);
  const notes: string[] = [];
  let launch: Launch;
  if (target.kind === "package") {
    const pkg = server.packages?.[target.index];
    if (pkg === undefined) return undefined;
    launch = packageLaunch(pkg, inputs, notes);
  } else {
    const remote = server.remotes?.[target.index];
    if (remote === undefined) return undefined;
    launch = remoteLaunch(remote, inputs);
  }
  const entry = clientEntry(client, launch, inputs, notes);
  const config = client === "vscode" ? vscodeConfig(serverKey, entry, inputs) : { mcpServers: { [serverKey]: entry } };
  return {
    client,
    clientLabel: CLIENT_LABELS[client],
    file: CLIENT_FILES[client],
    target,
    config,
    snippet: JSON.stringify(config, null, 2),
    inputs: inputs.required,
    notes,
    serverKey,
    optional: inputs.optional,
  };
}

// ---- placeholders ---------------------------------------------------------------------------

interface VscodeInput {
  type: "promptString";
  id: string;
  description: string;
  password?: true;
}

/** The inputs of one snippet: each (kind, name) gets one placeholder, reused where it recurs. */
class Placeholders {
  readonly required: InstallInput[] = [];
  readonly optional: InstallInput[] = [];
  readonly vscodeInputs: VscodeInput[] = [];
  private readonly byKey = new Map<string, string>();
  private readonly ids = new Set<string>();

  readonly client: InstallClient;
  constructor(client: InstallClient) {
    this.client = client;
  }

  /** The placeholder for a value the snippet needs; records it as an input. */
  need(kind: InstallInput["kind"], name: string, input: Input): string {
    const key = `${kind}\u0000${name}`;
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    const placeholder = this.textFor(name, input);
    this.byKey.set(key, placeholder);
    this.required.push(inputOf(kind, name, input, placeholder));
    return placeholder;
  }

  /** Takes the inputs of another set (the start command of a package serving HTTP). */
  adopt(other: Placeholders): void {
    this.required.push(...other.required);
    this.optional.push(...other.optional);
  }

  /** Records a setting left out of the snippet. */
  leaveOut(kind: InstallInput["kind"], name: string, input: Input): void {
    this.optional.push(inputOf(kind, name, input, angle(name)));
  }

  private textFor(name: string, input: Input): string {
    if (this.client !== "vscode") return angle(name);
    let id = name.replace(/^-+/, "").replace(/[^A-Za-z0-9_.-]+/g, "_") || "value";
    for (let n = 2; this.ids.has(id); n++) id = `${id.replace(/_\d+$/, "")}_${n}`;
    this.ids.add(id);
    const description = input.description?.trim() || name;
    this.vscodeInputs.push({
      type: "promptString",
      id,
      description,
      ...(input.isSecret === true ? { password: true as const } : {}),
    });
    return `\${input:${id}}`;
  }
}

function angle(name: string): string {
  return `<${name.replace(/^-+/, "")}>`;
}

function inputOf(kind: InstallInput["kind"], name: string, input: Input, placeholder: string): InstallInput {
  return {
    kind,
    name,
    ...(input.description === undefined ? {} : { description: input.description }),
    isRequired: input.isRequired === true,
    isSecret: input.isSecret === true,
    placeholder,
  };
}

/** `text` with each `{var}` of `variables` filled in: its value, default, or a placeholder. */
function fillVariables(
  text: string,
  variables: Record<string, Input> | undefined,
  kind: InstallInput["kind"],
  inputs: Placeholders,
): string {
  if (variables === undefined) return text;
  return text.replace(/\{([^{}]+)\}/g, (whole, name: string) => {
    if (!Object.hasOwn(variables, name)) return whole; // unknown variables stay as written (schema)
    const variable = variables[name]!;
    return variable.value ?? variable.default ?? inputs.need(kind, name, { ...variable, isRequired: true });
  });
}

/** The value of an input the snippet includes: fixed, default, or a placeholder. */
function settingValue(
  kind: InstallInput["kind"],
  name: string,
  input: Input & { variables?: Record<string, Input> },
  inputs: Placeholders,
): string {
  if (input.value !== undefined) return fillVariables(input.value, input.variables, kind, inputs);
  return input.default ?? inputs.need(kind, name, input);
}

// ---- what runs: a command or a URL ----------------------------------------------------------

interface CommandLaunch {
  kind: "command";
  command: string;
  args: string[];
  env: Record<string, string>;
}

interface UrlLaunch {
  kind: "url";
  transport: "streamable-http" | "sse";
  url: string;
  headers: Record<string, string>;
  /** For a package serving HTTP: the command that starts it. */
  start?: CommandLaunch;
}

type Launch = CommandLaunch | UrlLaunch;

function environmentOf(variables: readonly KeyValueInput[] | undefined, inputs: Placeholders): Record<string, string> {
  const env: Record<string, string> = {};
  for (const variable of variables ?? []) {
    if (variable.value !== undefined || variable.isRequired === true) {
      env[variable.name] = settingValue("env", variable.name, variable, inputs);
    } else {
      inputs.leaveOut("env", variable.name, variable);
    }
  }
  return env;
}

function headersOf(headers: readonly KeyValueInput[] | undefined, inputs: Placeholders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const header of headers ?? []) {
    if (header.value !== undefined || header.isRequired === true) {
      out[header.name] = settingValue("header", header.name, header, inputs);
    } else {
      inputs.leaveOut("header", header.name, header);
    }
  }
  return out;
}

/** The command-line words of one argument; empty when it is optional and has no fixed value. */
function argumentWords(arg: Argument, runtime: boolean, inputs: Placeholders, notes: string[]): string[] {
  if (arg.type !== "named") {
    const label = arg.valueHint ?? arg.name ?? "value";
    if (arg.value === undefined && arg.isRequired !== true) {
      inputs.leaveOut("argument", label, arg);
      return [];
    }
    if (arg.isRepeated === true) notes.push(`The argument ${label} may be repeated.`);
    return [settingValue("argument", label, arg, inputs)];
  }
  const flag = arg.name ?? "";
  if (flag === "") return [];
  // A boolean flag is present or absent (`-i true` would make "true" a positional word).
  if (arg.format === "boolean" && arg.value !== undefined) return arg.value === "false" ? [] : [flag];
  const takesValue = arg.valueHint !== undefined || arg.default !== undefined || (arg.choices?.length ?? 0) > 0;
  if (arg.value === undefined && arg.isRequired !== true) {
    // A runtime's own switches (docker's -i, --rm, -e before a word) are its command as the
    // publisher spelt it; a package's optional switches change what it does: left out.
    if (runtime && !takesValue && (arg.format === undefined || arg.format === "boolean")) return [flag];
    inputs.leaveOut("argument", flag, arg);
    return [];
  }
  if (arg.isRepeated === true) notes.push(`The argument ${flag} may be repeated.`);
  const value = settingValue("argument", arg.valueHint ?? flag, arg, inputs);
  // The schema's form is `--flag=value`; a one-dash flag takes its value as the next word, as
  // most parsers read `-e=X` as the value "=X".
  return flag.startsWith("--") ? [`${flag}=${value}`] : [flag, value];
}

function argumentsWords(
  args: readonly Argument[] | undefined,
  runtime: boolean,
  inputs: Placeholders,
  notes: string[],
): string[] {
  return (args ?? []).flatMap((arg) => argumentWords(arg, runtime, inputs, notes));
}

/** An OCI reference already naming a tag or digest. */
function hasOciTag(reference: string): boolean {
  if (reference.includes("@")) return true;
  const last = reference.slice(reference.lastIndexOf("/") + 1);
  return last.includes(":");
}

/** An image reference without tag, digest, Docker Hub host or `library/`, for comparisons. */
function imageName(reference: string): string {
  let name = reference.split("@")[0]!;
  const slash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  if (colon > slash) name = name.slice(0, colon);
  return name
    .toLowerCase()
    .replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, "")
    .replace(/^library\//, "");
}

function packageCommand(pkg: ServerPackage, inputs: Placeholders, notes: string[]): CommandLaunch {
  const env = environmentOf(pkg.environmentVariables, inputs);
  const runtime = argumentsWords(pkg.runtimeArguments, true, inputs, notes);
  const packageArgs = argumentsWords(pkg.packageArguments, false, inputs, notes);
  const hint = pkg.runtimeHint?.trim() || undefined;
  const { identifier, version } = pkg;
  switch (pkg.registryType) {
    case "npm": {
      const command = hint ?? "npx";
      const yes = command === "npx" && !runtime.includes("-y") && !runtime.includes("--yes") ? ["-y"] : [];
      const spec = version === undefined ? identifier : `${identifier}@${version}`;
      return { kind: "command", command, args: [...yes, ...runtime, spec, ...packageArgs], env };
    }
    case "pypi": {
      const spec = version === undefined ? identifier : `${identifier}==${version}`;
      return { kind: "command", command: hint ?? "uvx", args: [...runtime, spec, ...packageArgs], env };
    }
    case "nuget": {
      const spec = version === undefined ? identifier : `${identifier}@${version}`;
      const rest = packageArgs.length > 0 ? ["--", ...packageArgs] : [];
      return { kind: "command", command: hint ?? "dnx", args: [...runtime, spec, "--yes", ...rest], env };
    }
    case "oci":
      return { kind: "command", command: hint ?? "docker", args: dockerArgs(pkg, runtime, packageArgs, env), env };
    case "mcpb":
      notes.push(
        `This server is an MCP bundle (.mcpb) to download from ${identifier}${pkg.fileSha256 === undefined ? "" : ` (SHA-256 ${pkg.fileSha256})`}: open it with a client that installs bundles (Claude Desktop: Settings → Extensions), or unpack it and replace <bundle command> with the command of its manifest.json.`,
      );
      return { kind: "command", command: hint ?? "<bundle command>", args: [...runtime, ...packageArgs], env };
    default:
      notes.push(`No standard runner is known for "${pkg.registryType}" packages: replace the command as needed.`);
      return {
        kind: "command",
        command: hint ?? pkg.registryType,
        args: [...runtime, version === undefined ? identifier : `${identifier}@${version}`, ...packageArgs],
        env,
      };
  }
}

/**
 * `docker run -i --rm -e NAME… <image> <package args>`. Many publishers spell the whole docker
 * command in runtimeArguments ("run", "-i", the image again): what they already say is kept and
 * not repeated.
 */
function dockerArgs(
  pkg: ServerPackage,
  runtime: string[],
  packageArgs: string[],
  env: Record<string, string>,
): string[] {
  const image =
    hasOciTag(pkg.identifier) || pkg.version === undefined ? pkg.identifier : `${pkg.identifier}:${pkg.version}`;
  const name = imageName(pkg.identifier);
  const own = runtime.filter((word, i) => i === 0 || imageName(word) !== name || word.startsWith("-"));
  const prefix: string[] = [];
  if (own[0] !== "run") {
    prefix.push("run");
    if (!own.includes("-i") && !own.includes("--interactive")) prefix.push("-i");
    if (!own.includes("--rm")) prefix.push("--rm");
  }
  const forwarded = Object.keys(env)
    .filter((key) => !own.some((word) => word === key || word.startsWith(`${key}=`)))
    .flatMap((key) => ["-e", key]);
  return [...prefix, ...own, ...forwarded, image, ...packageArgs];
}

function packageLaunch(pkg: ServerPackage, inputs: Placeholders, notes: string[]): Launch {
  const transport = pkg.transport;
  if (transport.type !== "streamable-http" && transport.type !== "sse") return packageCommand(pkg, inputs, notes);
  // A package serving HTTP is started by hand (a shell command: <NAME> placeholders, whatever
  // the client) and reached at its URL, whose {vars} name its arguments and environment variables.
  const shell = new Placeholders("generic");
  const command = packageCommand(pkg, shell, notes);
  const url = fillPackageUrl(transport.url ?? "", pkg, command, shell);
  inputs.adopt(shell);
  notes.push(`Start the server first: ${commandLine(command, true)}`);
  return { kind: "url", transport: transport.type, url, headers: headersOf(transport.headers, inputs), start: command };
}

function fillPackageUrl(url: string, pkg: ServerPackage, command: CommandLaunch, inputs: Placeholders): string {
  return url.replace(/\{([^{}]+)\}/g, (whole, name: string) => {
    if (Object.hasOwn(command.env, name)) return command.env[name]!;
    const arg = [...(pkg.runtimeArguments ?? []), ...(pkg.packageArguments ?? [])].find(
      (a) => a.name === name || a.valueHint === name,
    );
    if (arg !== undefined)
      return settingValue("argument", arg.valueHint ?? arg.name ?? name, { ...arg, isRequired: true }, inputs);
    const variable = pkg.environmentVariables?.find((e) => e.name === name);
    if (variable === undefined) return whole;
    return settingValue("env", name, { ...variable, isRequired: true }, inputs);
  });
}

function remoteLaunch(remote: Transport, inputs: Placeholders): UrlLaunch {
  const url = fillVariables(remote.url ?? "", remote.variables, "url-variable", inputs);
  return {
    kind: "url",
    transport: remote.type === "sse" ? "sse" : "streamable-http",
    url,
    headers: headersOf(remote.headers, inputs),
  };
}

/** A command line for reading (POSIX shell quoting where a word needs it). */
export function commandLine(
  launch: { command: string; args: readonly string[]; env?: Record<string, string> },
  withEnv = false,
): string {
  const env = withEnv ? Object.entries(launch.env ?? {}).map(([name, value]) => `${name}=${shellWord(value)}`) : [];
  return [...env, ...[launch.command, ...launch.args].map(shellWord)].join(" ");
}

function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

// ---- each client's shape --------------------------------------------------------------------

function nonEmpty<T extends object>(key: string, value: T): Record<string, T> {
  return Object.keys(value).length > 0 ? { [key]: value } : {};
}

function commandEntry(launch: CommandLaunch, withType: boolean): Record<string, unknown> {
  return {
    ...(withType ? { type: "stdio" } : {}),
    command: launch.command,
    args: launch.args,
    ...nonEmpty("env", launch.env),
  };
}

function clientEntry(
  client: InstallClient,
  launch: Launch,
  inputs: Placeholders,
  notes: string[],
): Record<string, unknown> {
  if (launch.kind === "command") return commandEntry(launch, client === "vscode");
  switch (client) {
    case "vscode":
      return {
        type: launch.transport === "sse" ? "sse" : "http",
        url: launch.url,
        ...nonEmpty("headers", launch.headers),
      };
    case "cursor":
      return { url: launch.url, ...nonEmpty("headers", launch.headers) };
    case "generic":
      return { type: launch.transport, url: launch.url, ...nonEmpty("headers", launch.headers) };
    case "claude-desktop":
      return mcpRemoteEntry(launch, inputs, notes);
  }
}

/**
 * Claude Desktop's file runs stdio servers only: the mcp-remote bridge connects to the URL. Each
 * header's value goes through an environment variable (`Name:${VAR}`, no space), as mcp-remote
 * recommends, since clients mangle arguments holding spaces on some systems.
 */
function mcpRemoteEntry(launch: UrlLaunch, _inputs: Placeholders, notes: string[]): Record<string, unknown> {
  const args = ["-y", "mcp-remote", launch.url];
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(launch.headers)) {
    let variable = `HEADER_${name.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}`;
    for (let n = 2; Object.hasOwn(env, variable); n++) variable = `${variable}_${n}`;
    env[variable] = value;
    args.push("--header", `${name}:\${${variable}}`);
  }
  if (launch.transport === "sse") args.push("--transport", "sse-only");
  notes.push(
    "Claude Desktop's configuration file runs local (stdio) servers only: this uses the mcp-remote bridge (npx mcp-remote, needs Node.js). Claude can also add remote servers as custom connectors in its settings.",
  );
  return { command: "npx", args, ...nonEmpty("env", env) };
}

function vscodeConfig(key: string, entry: Record<string, unknown>, inputs: Placeholders): Record<string, unknown> {
  return {
    servers: { [key]: entry },
    ...(inputs.vscodeInputs.length > 0 ? { inputs: inputs.vscodeInputs } : {}),
  };
}
