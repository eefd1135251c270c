// The README ownership token of PyPI and NuGet packages: "mcp-name: <server name>".

/** Characters a server name can contain; the token must not be followed by one of them. */
const NAME_CHAR = /^[A-Za-z0-9._/-]$/;

/**
 * True when `content` holds "mcp-name: <serverName>" as a whole token. The name must end at
 * a non-name character or the end of the text, so "mcp-name: io.github.a/bc" does not vouch
 * for io.github.a/b. Anything may precede it, so the token works inside an HTML comment
 * ("<!-- mcp-name: io.github.a/b -->"), which keeps it out of the rendered README.
 */
export function readmeDeclaresMcpName(content: string, serverName: string): boolean {
  if (serverName === "") return false;
  const token = `mcp-name: ${serverName}`;
  for (let from = 0; ; ) {
    const at = content.indexOf(token, from);
    if (at < 0) return false;
    const next = content[at + token.length];
    if (next === undefined || !NAME_CHAR.test(next)) return true;
    from = at + 1;
  }
}
