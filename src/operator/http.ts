import { createServer, type Server } from "node:http";
import type { Registry } from "prom-client";

/** /metrics (Prometheus), /healthz (the process is alive), /readyz (caches synced and, if electing, leading or standing by). */
export function startOperatorHttp(opts: {
  port: number;
  host?: string;
  registry: Registry;
  ready: () => boolean;
}): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/metrics") {
      opts.registry
        .metrics()
        .then((text) => {
          res.writeHead(200, { "content-type": opts.registry.contentType });
          res.end(text);
        })
        .catch((err: Error) => {
          res.writeHead(500);
          res.end(err.message);
        });
      return;
    }
    if (path === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok");
      return;
    }
    if (path === "/readyz") {
      const ok = opts.ready();
      res.writeHead(ok ? 200 : 503, { "content-type": "text/plain" });
      res.end(ok ? "ok" : "caches not synced");
      return;
    }
    res.writeHead(404);
    res.end("not found");
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host ?? "127.0.0.1", () => resolve(server));
  });
}
