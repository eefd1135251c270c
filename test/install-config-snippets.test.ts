// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${input:…} (VS Code) and ${VAR} (mcp-remote) are literal text of the snippets
// Install snippets from a server.json: each client's real configuration shape, the command per
// registry type, arguments, environment variables, headers and URL variables.
import { describe, expect, it } from "vitest";
import {
  INSTALL_CLIENTS,
  type InstallConfig,
  installConfig,
  installTargets,
  serverKeyOf,
  targetOfKey,
} from "../worker/src/domain/install-config.ts";
import type { ServerJson, ServerPackage } from "../worker/src/domain/server-json/framework-schema.ts";

const SCHEMA = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json";

function server(fields: Partial<ServerJson>): ServerJson {
  return { $schema: SCHEMA, name: "io.github.alice/weather", description: "Forecasts.", version: "1.0.0", ...fields };
}

function pkg(fields: Partial<ServerPackage>): ServerPackage {
  return {
    registryType: "npm",
    identifier: "@alice/weather-mcp",
    version: "1.0.0",
    transport: { type: "stdio" },
    ...fields,
  };
}

/** The single server entry of a configuration, whatever the client's top-level key. */
function entryOf(config: InstallConfig): Record<string, unknown> {
  const servers = (config.config.servers ?? config.config.mcpServers) as Record<string, Record<string, unknown>>;
  expect(Object.keys(servers)).toEqual([config.serverKey]);
  return servers[config.serverKey]!;
}

function must(config: InstallConfig | undefined): InstallConfig {
  expect(config).toBeDefined();
  return config!;
}

const npmServer = server({
  packages: [
    pkg({
      packageArguments: [
        { type: "positional", valueHint: "config_path" },
        { type: "named", name: "--port", value: "8080" },
        { type: "named", name: "--region", isRequired: true, valueHint: "region", description: "Cloud region" },
      ],
      environmentVariables: [
        { name: "WEATHER_API_KEY", isSecret: true, isRequired: true, description: "API key from weather.example" },
        { name: "UNITS", default: "metric" },
        { name: "LOG_LEVEL", value: "info" },
      ],
    }),
  ],
});

describe("npm package", () => {
  it("VS Code: stdio entry with ${input:…} for required values and promptString inputs", () => {
    const config = must(installConfig(npmServer, "vscode"));
    expect(config.file).toBe(".vscode/mcp.json");
    expect(config.clientLabel).toBe("VS Code");
    expect(JSON.parse(config.snippet)).toEqual(config.config);
    expect(config.config).toEqual({
      servers: {
        weather: {
          type: "stdio",
          command: "npx",
          args: ["-y", "@alice/weather-mcp@1.0.0", "--port=8080", "--region=${input:region}"],
          env: { WEATHER_API_KEY: "${input:WEATHER_API_KEY}", LOG_LEVEL: "info" },
        },
      },
      inputs: [
        { type: "promptString", id: "WEATHER_API_KEY", description: "API key from weather.example", password: true },
        { type: "promptString", id: "region", description: "Cloud region" },
      ],
    });
    expect(config.inputs.map((i) => [i.kind, i.name, i.isSecret, i.placeholder])).toEqual([
      ["env", "WEATHER_API_KEY", true, "${input:WEATHER_API_KEY}"],
      ["argument", "region", false, "${input:region}"],
    ]);
    // Optional settings without a fixed value are left out of the snippet and listed.
    expect(config.optional.map((i) => [i.kind, i.name])).toEqual([
      ["env", "UNITS"],
      ["argument", "config_path"],
    ]);
  });

  it("Claude Desktop, Cursor and generic: mcpServers with <NAME> placeholders", () => {
    for (const client of ["claude-desktop", "cursor", "generic"] as const) {
      const config = must(installConfig(npmServer, client));
      expect(Object.keys(config.config)).toEqual(["mcpServers"]);
      expect(entryOf(config)).toEqual({
        command: "npx",
        args: ["-y", "@alice/weather-mcp@1.0.0", "--port=8080", "--region=<region>"],
        env: { WEATHER_API_KEY: "<WEATHER_API_KEY>", LOG_LEVEL: "info" },
      });
      expect(config.inputs.find((i) => i.name === "WEATHER_API_KEY")).toMatchObject({
        isRequired: true,
        isSecret: true,
        placeholder: "<WEATHER_API_KEY>",
      });
    }
    expect(must(installConfig(npmServer, "claude-desktop")).file).toBe("claude_desktop_config.json");
    expect(must(installConfig(npmServer, "cursor")).file).toBe(".cursor/mcp.json");
  });

  it("runtimeHint wins, runtime arguments go before the package and package arguments after", () => {
    const config = must(
      installConfig(
        server({
          packages: [
            pkg({
              runtimeHint: "bunx",
              runtimeArguments: [{ type: "named", name: "--bun" }],
              packageArguments: [{ type: "positional", value: "serve" }],
            }),
          ],
        }),
        "generic",
      ),
    );
    expect(entryOf(config)).toEqual({ command: "bunx", args: ["--bun", "@alice/weather-mcp@1.0.0", "serve"] });
  });
});

describe("commands per registry type", () => {
  const argsOf = (p: ServerPackage) => entryOf(must(installConfig(server({ packages: [p] }), "cursor")));

  it("pypi runs with uvx name==version", () => {
    expect(argsOf(pkg({ registryType: "pypi", identifier: "weather-mcp", version: "0.3.1" }))).toEqual({
      command: "uvx",
      args: ["weather-mcp==0.3.1"],
    });
  });

  it("nuget runs with dnx name@version --yes, package arguments after --", () => {
    expect(
      argsOf(
        pkg({
          registryType: "nuget",
          identifier: "Alice.Weather",
          version: "2.0.0",
          packageArguments: [{ type: "positional", value: "mcp" }],
        }),
      ),
    ).toEqual({ command: "dnx", args: ["Alice.Weather@2.0.0", "--yes", "--", "mcp"] });
  });

  it("oci runs docker run -i --rm with -e for each environment variable, the tag in the identifier kept", () => {
    expect(
      argsOf(
        pkg({
          registryType: "oci",
          identifier: "ghcr.io/alice/weather:1.0.0",
          version: undefined,
          environmentVariables: [{ name: "TOKEN", isRequired: true, isSecret: true }],
          packageArguments: [
            { type: "named", name: "--verbose" },
            { type: "named", name: "--stdio", value: "true" },
          ],
        }),
      ),
    ).toEqual({
      command: "docker",
      args: ["run", "-i", "--rm", "-e", "TOKEN", "ghcr.io/alice/weather:1.0.0", "--stdio=true"],
      env: { TOKEN: "<TOKEN>" },
    });
    expect(argsOf(pkg({ registryType: "oci", identifier: "alice/weather", version: "2.1" })).args).toEqual([
      "run",
      "-i",
      "--rm",
      "alice/weather:2.1",
    ]);
    expect(
      argsOf(pkg({ registryType: "oci", identifier: "alice/weather@sha256:abc", version: undefined })).args,
    ).toEqual(["run", "-i", "--rm", "alice/weather@sha256:abc"]);
  });

  it("oci: a docker command spelt out in runtimeArguments is not repeated", () => {
    const entry = argsOf(
      pkg({
        registryType: "oci",
        identifier: "ghcr.io/alice/weather:1.0.0",
        version: undefined,
        runtimeArguments: [
          { type: "positional", value: "run" },
          { type: "named", name: "-i" },
          { type: "named", name: "--rm" },
          { type: "named", name: "-e" },
          { type: "positional", value: "TOKEN" },
          { type: "positional", value: "ghcr.io/alice/weather" },
        ],
        environmentVariables: [{ name: "TOKEN", isRequired: true, isSecret: true }],
      }),
    );
    expect(entry.args).toEqual(["run", "-i", "--rm", "-e", "TOKEN", "ghcr.io/alice/weather:1.0.0"]);
  });

  it("mcpb: a bundle to download, noted with its URL", () => {
    const config = must(
      installConfig(
        server({
          packages: [
            pkg({
              registryType: "mcpb",
              identifier: "https://github.com/alice/weather/releases/download/v1/weather.mcpb",
              fileSha256: "a".repeat(64),
            }),
          ],
        }),
        "claude-desktop",
      ),
    );
    expect(config.notes.join(" ")).toContain("https://github.com/alice/weather/releases/download/v1/weather.mcpb");
    expect(config.notes.join(" ")).toContain("a".repeat(64));
  });
});

describe("arguments", () => {
  const argsFor = (packageArguments: ServerPackage["packageArguments"]) =>
    entryOf(must(installConfig(server({ packages: [pkg({ packageArguments })] }), "generic"))).args;

  it("named: --flag=value, one-dash flags as two words, booleans present or absent, optional switches left out", () => {
    expect(
      argsFor([
        { type: "named", name: "--mode", value: "static" },
        { type: "named", name: "-t", value: "stdio" },
        { type: "named", name: "--headless" },
        { type: "named", name: "-i", format: "boolean", value: "true" },
        { type: "named", name: "--debug", format: "boolean", value: "false" },
        { type: "named", name: "--level", valueHint: "level" },
      ]),
    ).toEqual(["-y", "@alice/weather-mcp@1.0.0", "--mode=static", "-t", "stdio", "-i"]);
  });

  it("required: the default when there is one, else a placeholder named by valueHint", () => {
    expect(
      argsFor([
        { type: "named", name: "--port", isRequired: true, default: "3000" },
        { type: "positional", valueHint: "workspace", isRequired: true },
        { type: "named", name: "--dir", isRequired: true, isRepeated: true, valueHint: "directory" },
      ]),
    ).toEqual(["-y", "@alice/weather-mcp@1.0.0", "--port=3000", "<workspace>", "--dir=<directory>"]);
  });

  it("fixed values fill {var} from their variables: value, default, else a placeholder", () => {
    const config = must(
      installConfig(
        server({
          packages: [
            pkg({
              registryType: "oci",
              identifier: "alice/weather:1",
              version: undefined,
              runtimeArguments: [
                {
                  type: "named",
                  name: "-v",
                  value: "{source}:/data:{mode}",
                  variables: { source: { description: "Folder to share", isRequired: true }, mode: { default: "ro" } },
                },
                { type: "named", name: "--label", value: "{unknown}" },
              ],
            }),
          ],
        }),
        "vscode",
      ),
    );
    expect(entryOf(config).args).toEqual([
      "run",
      "-i",
      "--rm",
      "-v",
      "${input:source}:/data:ro",
      "--label={unknown}",
      "alice/weather:1",
    ]);
    expect(config.config.inputs).toEqual([{ type: "promptString", id: "source", description: "Folder to share" }]);
  });
});

describe("remotes", () => {
  const remoteServer = server({
    remotes: [
      {
        type: "streamable-http",
        url: "https://{tenant}.weather.example/mcp",
        headers: [
          {
            name: "Authorization",
            value: "Bearer {token}",
            variables: { token: { isSecret: true } },
            isRequired: true,
          },
          { name: "X-Units", description: "metric or imperial" },
          { name: "X-Client", value: "registry" },
        ],
        variables: { tenant: { description: "Your tenant", isRequired: true } },
      },
      { type: "sse", url: "https://weather.example/sse" },
    ],
  });

  it("VS Code: http with headers and inputs for URL variables and secret header parts", () => {
    const config = must(installConfig(remoteServer, "vscode"));
    expect(config.target).toEqual({ kind: "remote", index: 0 });
    expect(config.config).toEqual({
      servers: {
        weather: {
          type: "http",
          url: "https://${input:tenant}.weather.example/mcp",
          headers: { Authorization: "Bearer ${input:token}", "X-Client": "registry" },
        },
      },
      inputs: [
        { type: "promptString", id: "tenant", description: "Your tenant" },
        { type: "promptString", id: "token", description: "token", password: true },
      ],
    });
    expect(config.optional.map((i) => i.name)).toEqual(["X-Units"]);
  });

  it("Cursor: url and headers; generic: type too; sse stays sse", () => {
    expect(entryOf(must(installConfig(remoteServer, "cursor")))).toEqual({
      url: "https://<tenant>.weather.example/mcp",
      headers: { Authorization: "Bearer <token>", "X-Client": "registry" },
    });
    expect(entryOf(must(installConfig(remoteServer, "generic", { kind: "remote", index: 1 })))).toEqual({
      type: "sse",
      url: "https://weather.example/sse",
    });
    expect(entryOf(must(installConfig(remoteServer, "vscode", { kind: "remote", index: 1 })))).toEqual({
      type: "sse",
      url: "https://weather.example/sse",
    });
  });

  it("Claude Desktop: the mcp-remote bridge, headers through environment variables, and a note", () => {
    const config = must(installConfig(remoteServer, "claude-desktop"));
    expect(entryOf(config)).toEqual({
      command: "npx",
      args: [
        "-y",
        "mcp-remote",
        "https://<tenant>.weather.example/mcp",
        "--header",
        "Authorization:${HEADER_AUTHORIZATION}",
        "--header",
        "X-Client:${HEADER_X_CLIENT}",
      ],
      env: { HEADER_AUTHORIZATION: "Bearer <token>", HEADER_X_CLIENT: "registry" },
    });
    expect(config.notes.join(" ")).toContain("mcp-remote");
  });

  it("a package serving HTTP: its URL's variables come from its arguments, and how to start it is noted", () => {
    const config = must(
      installConfig(
        server({
          packages: [
            pkg({
              transport: { type: "streamable-http", url: "http://localhost:{--port}/mcp" },
              packageArguments: [{ type: "named", name: "--port", default: "8080" }],
            }),
          ],
        }),
        "vscode",
      ),
    );
    expect(entryOf(config)).toEqual({ type: "http", url: "http://localhost:8080/mcp" });
    expect(config.notes.join(" ")).toContain("npx -y @alice/weather-mcp@1.0.0");
  });
});

describe("targets and keys", () => {
  it("one target per package then per remote; none for a server with neither", () => {
    const both = server({
      packages: [pkg({}), pkg({ registryType: "pypi", identifier: "weather" })],
      remotes: [{ type: "sse", url: "https://w.example/sse" }],
    });
    expect(installTargets(both)).toEqual([
      { kind: "package", index: 0 },
      { kind: "package", index: 1 },
      { kind: "remote", index: 0 },
    ]);
    expect(targetOfKey(both, "package-1")).toEqual({ kind: "package", index: 1 });
    expect(targetOfKey(both, "remote-1")).toBeUndefined();
    expect(targetOfKey(both, "package-01x")).toBeUndefined();
    expect(must(installConfig(both, "cursor", { kind: "package", index: 1 })).snippet).toContain("uvx");
    expect(installConfig(both, "cursor", { kind: "remote", index: 3 })).toBeUndefined();
    for (const client of INSTALL_CLIENTS) expect(installConfig(server({}), client)).toBeUndefined();
  });

  it("the server key is the name after the slash, sanitised", () => {
    expect(serverKeyOf("io.github.alice/weather")).toBe("weather");
    expect(serverKeyOf("com.example/My_Server.v2")).toBe("My_Server.v2");
    expect(serverKeyOf("com.example/-.-")).toBe("mcp-server");
  });

  it("hostile text stays data: JSON escapes it and nothing is evaluated", () => {
    const hostile = '"}]<script>alert(1)</script>';
    const config = must(
      installConfig(
        server({
          packages: [pkg({ environmentVariables: [{ name: hostile, isRequired: true, description: hostile }] })],
        }),
        "vscode",
      ),
    );
    const parsed = JSON.parse(config.snippet) as { servers: { weather: { env: Record<string, string> } } };
    expect(Object.keys(parsed.servers.weather.env)).toEqual([hostile]);
  });
});
