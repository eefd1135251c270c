// A fake upstream (test/helpers/fake-upstream.ts) served over real HTTP on a loopback port, for what runs
// outside workerd: `npm run import -- URL` in the node tests. Node only.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeUpstream } from "../helpers/fake-upstream.ts";

export interface ServedUpstream {
  /** The upstream's base URL (http://127.0.0.1:<port>). */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `make(base)` on `host` (a free port unless `port` is given). The upstream is made once
 * the port is known, since its base URL is part of what it serves.
 */
export async function serveUpstreamOverHttp(
  make: (base: string) => FakeUpstream,
  host = "127.0.0.1",
  port = 0,
): Promise<ServedUpstream & { upstream: FakeUpstream }> {
  let upstream: FakeUpstream | undefined;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", `http://${req.headers.host ?? host}`);
    upstream!
      .handle(new Request(`${upstream!.base}${url.pathname}${url.search}`, { method: req.method ?? "GET" }))
      .then(async (response) => {
        res.writeHead(response.status, { "content-type": response.headers.get("content-type") ?? "application/json" });
        res.end(Buffer.from(await response.arrayBuffer()));
      })
      .catch(() => res.destroy()); // a failure the fake was told to make: the connection drops
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port, exclusive: true }, () => resolve());
  });
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  upstream = make(url);
  return {
    url,
    upstream,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
