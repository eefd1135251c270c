// POST /auth/dns and /auth/http (spec §10.4–10.5): key proofs with real Ed25519 and P-384 keys,
// DNS-over-HTTPS and the well-known URL stubbed.
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { base64Encode } from "../worker/src/auth/encoding.ts";
import { normalizeDomain } from "../worker/src/auth/proof/domain.ts";
import { decompressP384 } from "../worker/src/auth/proof/p384.ts";
import { parseRfc3339 } from "../worker/src/auth/proof/timestamp.ts";
import { decodeTxtData } from "../worker/src/auth/proof/txt-records.ts";
import { dnsExchange, httpExchange } from "../worker/src/http/routes/auth.ts";
import {
  callHandler,
  decodeJwtPart,
  ed25519ProofKey,
  isoNow,
  jsonResponse,
  p384ProofKey,
  postJson,
  stubFetch,
  type ProofKey,
} from "./helpers/auth-fixtures.ts";

const DOH = env.DNS_RESOLVER_URL;
const WELL_KNOWN = (domain: string) => `https://${domain}/.well-known/mcp-registry-auth`;

let ed: ProofKey;
let p384: ProofKey;
let stale: ProofKey;

beforeAll(async () => {
  [ed, p384, stale] = await Promise.all([ed25519ProofKey(), p384ProofKey(), ed25519ProofKey()]);
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** A DoH JSON answer with these TXT data strings (already in presentation form). */
function dohAnswer(domain: string, ...data: string[]) {
  return jsonResponse({
    Status: 0,
    Answer: data.map((d) => ({ name: `${domain}.`, type: 16, TTL: 300, data: d })),
  });
}

const quoted = (record: string) => `"${record}"`;

async function proof(key: ProofKey, domain = "example.com", timestamp = isoNow()) {
  return { domain, timestamp, signed_timestamp: await key.sign(timestamp) };
}

const dns = (body: unknown) => callHandler(dnsExchange, "/v0.1/auth/dns", postJson(body));
const http = (body: unknown) => callHandler(httpExchange, "/v0.1/auth/http", postJson(body));

async function expectRefused(
  call: Promise<{ status: number; body: any }>,
  detail: "DNS authentication failed" | "HTTP authentication failed",
  message: string | RegExp,
) {
  const { status, body } = await call;
  expect(status).toBe(401);
  expect(body.detail).toBe(detail);
  expect(body.errors).toHaveLength(1);
  if (typeof message === "string") expect(body.errors[0].message).toBe(message);
  else expect(body.errors[0].message).toMatch(message);
}

describe("key proof helpers", () => {
  it("decompresses P-384 points of both parities exactly as WebCrypto exports them", async () => {
    const seen = new Set<number>();
    for (let i = 0; i < 40 && seen.size < 2; i++) {
      const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-384" }, true, [
        "sign",
      ])) as CryptoKeyPair;
      const raw = new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer);
      const compressed = new Uint8Array(49);
      compressed[0] = 0x02 | (raw[96]! & 1);
      compressed.set(raw.subarray(1, 49), 1);
      seen.add(compressed[0]);
      expect(decompressP384(compressed)).toEqual(raw);
    }
    expect(seen).toEqual(new Set([0x02, 0x03]));
  });

  it("refuses points that are not on the curve or not compressed", () => {
    const offCurve = new Uint8Array(49);
    offCurve[0] = 0x02;
    offCurve[48] = 0x05; // x = 5 has no matching y on P-384
    expect(decompressP384(offCurve)).toBeNull();
    expect(decompressP384(new Uint8Array(49).fill(0xff))).toBeNull();
    expect(decompressP384(new Uint8Array(48))).toBeNull();
  });

  it.each([
    ['"v=MCPv1; k=ed25519; p=AAAA"', "v=MCPv1; k=ed25519; p=AAAA"],
    ['"v=MCPv1; k=ed25519; " "p=AAAA"', "v=MCPv1; k=ed25519; p=AAAA"],
    ['"a\\"b" "c\\\\d" "\\065"', 'a"bc\\dA'],
    ["v=MCPv1; k=ed25519; p=AAAA", "v=MCPv1; k=ed25519; p=AAAA"],
  ])("decodes TXT data %s", (data, expected) => {
    expect(decodeTxtData(data)).toBe(expected);
  });

  it.each([
    ["example.com", "example.com"],
    ["  Example.COM ", "example.com"],
    ["xn--bcher-kva.example", "xn--bcher-kva.example"],
    ["10.0.0.1.nip.io", "10.0.0.1.nip.io"],
    ["localhost", null],
    ["127.0.0.1", null],
    ["127.1", null],
    ["0x7f.0.0.1", null],
    ["1.0x7f", null],
    ["[::1]", null],
    ["::1", null],
    ["example.com.", null],
    ["-example.com", null],
    ["example-.com", null],
    ["a..com", null],
    ["exa mple.com", null],
    ["exämple.com", null],
    ["example.com/path", null],
    ["user@example.com", null],
    [`${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(60)}.com`, null],
  ])("normalizes domain %j → %j", (input, expected) => {
    expect(normalizeDomain(input)).toBe(expected);
  });

  it.each([
    ["2025-01-02T03:04:05Z", Date.UTC(2025, 0, 2, 3, 4, 5)],
    ["2025-01-02T03:04:05.250Z", Date.UTC(2025, 0, 2, 3, 4, 5, 250)],
    ["2025-01-02T05:04:05+02:00", Date.UTC(2025, 0, 2, 3, 4, 5)],
    ["2025-01-02T03:04:05-00:30", Date.UTC(2025, 0, 2, 3, 34, 5)],
    ["2024-02-29T00:00:00Z", Date.UTC(2024, 1, 29)],
    ["2025-02-29T00:00:00Z", null],
    ["2025-01-02 03:04:05Z", null],
    ["2025-01-02T03:04:05", null],
    ["2025-01-02t03:04:05z", null],
    ["2025-13-02T03:04:05Z", null],
    ["2025-01-02T24:00:00Z", null],
    ["2025-01-02T03:04:60Z", null],
    ["1735787045", null],
  ])("parses RFC 3339 %s", (text, expected) => {
    expect(parseRfc3339(text)).toBe(expected);
  });
});

describe("POST /auth/dns", () => {
  it("grants the domain and its sub-namespaces for an Ed25519 key", async () => {
    const calls = stubFetch({ [DOH]: () => dohAnswer("example.com", quoted(ed.record)) });
    const { status, body } = await dns(await proof(ed));
    expect(status).toBe(200);
    const claims = decodeJwtPart(body.registry_token, 1);
    expect(claims).toMatchObject({
      auth_method: "dns",
      auth_method_sub: "example.com",
      permissions: [
        { action: "publish", resource: "com.example/*" },
        { action: "publish", resource: "com.example.*" },
      ],
    });
    expect(body.expires_at).toBe(claims.exp);
    expect(calls).toHaveLength(1);
    const url = new URL(calls[0]!.url);
    expect(`${url.origin}${url.pathname}`).toBe(DOH);
    expect(url.searchParams.get("name")).toBe("example.com");
    expect(url.searchParams.get("type")).toBe("TXT");
    expect(calls[0]!.headers.get("accept")).toBe("application/dns-json");
  });

  it("accepts an ECDSA P-384 key published in compressed form", async () => {
    stubFetch({ [DOH]: () => dohAnswer("example.com", quoted(p384.record)) });
    const { status, body } = await dns(await proof(p384));
    expect(status).toBe(200);
    expect(decodeJwtPart(body.registry_token, 1).auth_method_sub).toBe("example.com");
  });

  it("normalizes the domain before looking it up", async () => {
    const calls = stubFetch({ [DOH]: () => dohAnswer("sub.example.org", quoted(ed.record)) });
    const { status, body } = await dns(await proof(ed, "  Sub.Example.ORG "));
    expect(status).toBe(200);
    expect(new URL(calls[0]!.url).searchParams.get("name")).toBe("sub.example.org");
    expect(decodeJwtPart(body.registry_token, 1).permissions.map((p: any) => p.resource)).toEqual([
      "org.example.sub/*",
      "org.example.sub.*",
    ]);
  });

  it("joins a record split into several character-strings", async () => {
    const [head, tail] = [ed.record.slice(0, 30), ed.record.slice(30)];
    stubFetch({ [DOH]: () => dohAnswer("example.com", `"${head}" "${tail}"`) });
    expect((await dns(await proof(ed))).status).toBe(200);
  });

  it("passes when any of several records verifies (rotation), ignoring other TXT and CNAME answers", async () => {
    stubFetch({
      [DOH]: () =>
        jsonResponse({
          Status: 0,
          Answer: [
            { name: "example.com.", type: 5, data: "elsewhere.example.net." },
            { name: "example.com.", type: 16, data: '"v=spf1 -all"' },
            { name: "example.com.", type: 16, data: quoted(stale.record) },
            { name: "example.com.", type: 16, data: quoted(p384.record) },
          ],
        }),
    });
    expect((await dns(await proof(p384))).status).toBe(200);
  });

  it("names the keys it tried when none verifies", async () => {
    stubFetch({ [DOH]: () => dohAnswer("example.com", quoted(stale.record)) });
    await expectRefused(
      dns(await proof(ed)),
      "DNS authentication failed",
      /^signature verification failed \(tried published key ed25519:.{8}\); /,
    );
    const older = await ed25519ProofKey();
    stubFetch({ [DOH]: () => dohAnswer("example.com", quoted(stale.record), quoted(older.record)) });
    await expectRefused(
      dns(await proof(ed)),
      "DNS authentication failed",
      /^signature verification failed against all 2 published keys \(tried: ed25519:.{8}, ed25519:.{8}\)/,
    );
  });

  it("reports a structural problem over a plain mismatch", async () => {
    // A 64-byte Ed25519 signature cannot be a P-384 one: that is the more useful message.
    stubFetch({ [DOH]: () => dohAnswer("example.com", quoted(stale.record), quoted(p384.record)) });
    await expectRefused(dns(await proof(ed)), "DNS authentication failed", "invalid signature size for ECDSA P-384");
  });

  it("refuses a signature over another timestamp", async () => {
    stubFetch({ [DOH]: () => dohAnswer("example.com", quoted(ed.record)) });
    const body = { ...(await proof(ed)), signed_timestamp: await ed.sign(isoNow(-1000)) };
    await expectRefused(dns(body), "DNS authentication failed", /^signature verification failed/);
  });

  it("refuses a signature with a tampered byte", async () => {
    stubFetch({ [DOH]: () => dohAnswer("example.com", quoted(p384.record)) });
    const body = await proof(p384);
    const flipped = (Number.parseInt(body.signed_timestamp.slice(0, 2), 16) ^ 1).toString(16).padStart(2, "0");
    await expectRefused(
      dns({ ...body, signed_timestamp: flipped + body.signed_timestamp.slice(2) }),
      "DNS authentication failed",
      /^signature verification failed/,
    );
  });

  it.each([
    ["an Ed25519 signature of the wrong size", "ed", "ab".repeat(63), "invalid signature size for Ed25519"],
    ["a P-384 signature of the wrong size", "p384", "ab".repeat(64), "invalid signature size for ECDSA P-384"],
    ["a signature that is not hex", "ed", "zz".repeat(64), "invalid signature format, must be hex"],
    ["an odd-length hex signature", "ed", "abc", "invalid signature format, must be hex"],
  ])("refuses %s", async (_label, which, signature, message) => {
    const key = which === "ed" ? ed : p384;
    stubFetch({ [DOH]: () => dohAnswer("example.com", quoted(key.record)) });
    await expectRefused(
      dns({ domain: "example.com", timestamp: isoNow(), signed_timestamp: signature }),
      "DNS authentication failed",
      message,
    );
  });

  it.each([
    ["an old (replayed) timestamp", -20_000],
    ["a timestamp from the future", 20_000],
  ])("refuses %s, before any lookup", async (_label, offset) => {
    const calls = stubFetch({ [DOH]: () => dohAnswer("example.com", quoted(ed.record)) });
    await expectRefused(
      dns(await proof(ed, "example.com", isoNow(offset))),
      "DNS authentication failed",
      "timestamp outside valid window (±15 seconds)",
    );
    expect(calls).toHaveLength(0);
  });

  it("accepts a timestamp in another offset, signed exactly as sent", async () => {
    stubFetch({ [DOH]: () => dohAnswer("example.com", quoted(ed.record)) });
    const now = new Date(Date.now() + 2 * 3600_000).toISOString().replace(/\.\d+Z$/, "+02:00");
    expect((await dns(await proof(ed, "example.com", now))).status).toBe(200);
  });

  it("refuses a timestamp that is not RFC 3339", async () => {
    const timestamp = new Date().toUTCString();
    await expectRefused(
      dns(await proof(ed, "example.com", timestamp)),
      "DNS authentication failed",
      /^invalid timestamp format/,
    );
  });

  it.each(["localhost", "127.0.0.1", "[::1]", "0x7f.0.0.1", "example.com.", "a b.com"])(
    "refuses the domain %j before any lookup",
    async (domain) => {
      const calls = stubFetch({});
      await expectRefused(dns(await proof(ed, domain)), "DNS authentication failed", "invalid domain format");
      expect(calls).toHaveLength(0);
    },
  );

  it.each([
    ["no TXT records", () => jsonResponse({ Status: 0 }), "no MCP public key found in DNS TXT records"],
    [
      "only unrelated records",
      () => dohAnswer("example.com", '"v=spf1 -all"', '"google-site-verification=x"'),
      "no MCP public key found in DNS TXT records",
    ],
    [
      "an unsupported algorithm",
      () => dohAnswer("example.com", '"v=MCPv1; k=rsa; p=AAAA"'),
      "unsupported public key algorithm: rsa",
    ],
    [
      "a key of the wrong size",
      () => dohAnswer("example.com", '"v=MCPv1; k=ed25519; p=AAAA"'),
      "invalid Ed25519 public key size",
    ],
    [
      "a key that is not base64",
      () => dohAnswer("example.com", '"v=MCPv1; k=ed25519; p=AAA"'),
      "failed to decode public key: illegal base64 data",
    ],
    [
      "an uncompressed P-384 key",
      () => dohAnswer("example.com", `"v=MCPv1; k=ecdsap384; p=${base64Encode(new Uint8Array(49).fill(4))}"`),
      "invalid ECDSA P-384 public key format (must be compressed, with a leading 0x02 or 0x03 byte)",
    ],
    [
      "a P-384 point off the curve",
      () =>
        dohAnswer(
          "example.com",
          `"v=MCPv1; k=ecdsap384; p=${base64Encode(Uint8Array.from([2, ...new Array(47).fill(0), 5]))}"`,
        ),
      "failed to decompress ECDSA P-384 public key",
    ],
    [
      "a domain that does not exist",
      () => jsonResponse({ Status: 3 }),
      "failed to lookup DNS TXT records: DNS query failed: NXDOMAIN",
    ],
    [
      "a failing resolver",
      () => new Response("no", { status: 502 }),
      "failed to lookup DNS TXT records: resolver answered HTTP 502",
    ],
    [
      "a resolver answering garbage",
      () => new Response("<html>"),
      "failed to lookup DNS TXT records: resolver answer is not JSON",
    ],
    [
      "an unreachable resolver",
      () => {
        throw new TypeError("network down");
      },
      "failed to lookup DNS TXT records: request to cloudflare-dns.com failed: network down",
    ],
  ])("refuses %s", async (_label, answer, message) => {
    stubFetch({ [DOH]: answer });
    await expectRefused(dns(await proof(ed)), "DNS authentication failed", message);
  });

  it("422 lists every missing field", async () => {
    const { status, body } = await dns({});
    expect(status).toBe(422);
    expect(body.errors.map((e: any) => [e.message, e.location])).toEqual([
      ["expected required property domain to be present", "body"],
      ["expected required property timestamp to be present", "body"],
      ["expected required property signed_timestamp to be present", "body"],
    ]);
  });
});

describe("POST /auth/http", () => {
  it("grants only the exact domain's namespace, for an Ed25519 key", async () => {
    const calls = stubFetch({ [WELL_KNOWN("example.com")]: () => new Response(`${ed.record}\n`) });
    const { status, body } = await http(await proof(ed));
    expect(status).toBe(200);
    expect(decodeJwtPart(body.registry_token, 1)).toMatchObject({
      auth_method: "http",
      auth_method_sub: "example.com",
      permissions: [{ action: "publish", resource: "com.example/*" }],
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.redirect).toBe("manual");
    expect(calls[0]!.headers.get("accept")).toBe("text/plain");
  });

  it("accepts an ECDSA P-384 key", async () => {
    stubFetch({ [WELL_KNOWN("example.com")]: () => new Response(p384.record) });
    expect((await http(await proof(p384))).status).toBe(200);
  });

  it("does not follow redirects", async () => {
    const calls = stubFetch({
      [WELL_KNOWN("example.com")]: () =>
        new Response(null, { status: 308, headers: { location: "http://169.254.169.254/latest" } }),
    });
    await expectRefused(
      http(await proof(ed)),
      "HTTP authentication failed",
      "failed to fetch public key: HTTP 308: failed to fetch key from https://example.com/.well-known/mcp-registry-auth",
    );
    expect(calls).toHaveLength(1);
  });

  it("refuses a non-200 answer", async () => {
    stubFetch({ [WELL_KNOWN("example.com")]: () => new Response(ed.record, { status: 404 }) });
    await expectRefused(http(await proof(ed)), "HTTP authentication failed", /^failed to fetch public key: HTTP 404/);
  });

  it("reads at most 4 KiB", async () => {
    stubFetch({ [WELL_KNOWN("example.com")]: () => new Response(`${ed.record}\n${" ".repeat(5000)}`) });
    await expectRefused(
      http(await proof(ed)),
      "HTTP authentication failed",
      "failed to fetch public key: response body exceeds 4096 bytes",
    );
  });

  it("refuses a body without a key record", async () => {
    stubFetch({ [WELL_KNOWN("example.com")]: () => new Response("<html>hello</html>") });
    await expectRefused(
      http(await proof(ed)),
      "HTTP authentication failed",
      "no MCP public key found in HTTP response",
    );
  });

  it("refuses a key that does not verify", async () => {
    stubFetch({ [WELL_KNOWN("example.com")]: () => new Response(stale.record) });
    await expectRefused(
      http(await proof(ed)),
      "HTTP authentication failed",
      /^signature verification failed \(tried published key/,
    );
  });

  it("refuses an unreachable host", async () => {
    stubFetch({
      [WELL_KNOWN("example.com")]: () => {
        throw new TypeError("connect timeout");
      },
    });
    await expectRefused(
      http(await proof(ed)),
      "HTTP authentication failed",
      "failed to fetch public key: request to example.com failed: connect timeout",
    );
  });

  it("refuses an old timestamp", async () => {
    const calls = stubFetch({ [WELL_KNOWN("example.com")]: () => new Response(ed.record) });
    await expectRefused(
      http(await proof(ed, "example.com", isoNow(-16_000))),
      "HTTP authentication failed",
      "timestamp outside valid window (±15 seconds)",
    );
    expect(calls).toHaveLength(0);
  });

  describe("SSRF guard", () => {
    it.each([
      "127.0.0.1",
      "localhost",
      "[::1]",
      "::1",
      "169.254.169.254",
      "10.0.0.1",
      "127.1",
      "0x7f.0.0.1",
      "2130706433",
    ])("refuses %j as a domain, with no request", async (domain) => {
      const calls = stubFetch({});
      await expectRefused(http(await proof(ed, domain)), "HTTP authentication failed", "invalid domain format");
      expect(calls).toHaveLength(0);
    });

    it.each(["foo.localhost", "printer.local", "metadata.internal", "router.home.arpa"])(
      "refuses the non-public name %j, with no request",
      async (domain) => {
        const calls = stubFetch({});
        await expectRefused(
          http(await proof(ed, domain)),
          "HTTP authentication failed",
          `failed to fetch public key: non-public host not allowed: ${domain}`,
        );
        expect(calls).toHaveLength(0);
      },
    );

    it("lets a public name through even if it spells an address (the platform does not route to private networks)", async () => {
      const calls = stubFetch({ [WELL_KNOWN("10.0.0.1.nip.io")]: () => new Response(ed.record) });
      const { status, body } = await http(await proof(ed, "10.0.0.1.nip.io"));
      expect(status).toBe(200);
      expect(calls.map((c) => c.url)).toEqual([WELL_KNOWN("10.0.0.1.nip.io")]);
      expect(decodeJwtPart(body.registry_token, 1).permissions).toEqual([
        { action: "publish", resource: "io.nip.1.0.0.10/*" },
      ]);
    });
  });

  it("422 for a wrong type", async () => {
    const { status, body } = await http({ domain: "example.com", timestamp: 5, signed_timestamp: "aa" });
    expect(status).toBe(422);
    expect(body.errors).toEqual([{ message: "expected string", location: "body.timestamp", value: 5 }]);
  });
});
