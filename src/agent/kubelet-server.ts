import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { Logger } from "pino";
import { parseLogQuery } from "./logs.js";
import { runPaths } from "./pod-fs.js";
import { streamLog } from "./pod-logs.js";
import type { PodWorker } from "./pod-worker.js";
import type { StatsSummary } from "./usage.js";

export interface KubeletServerOptions {
  host: string;
  /** Preferred port; 0 or a taken port falls back to a free one. */
  port: number;
  cert: string;
  key: string;
  lookup: (namespace: string, name: string) => PodWorker | undefined;
  /** The node's Summary API document (stats.k8s.io/v1alpha1). */
  summary: () => StatsSummary;
  log: Logger;
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  res.end(`${body}\n`);
}

/** The log file of a container's current (or previous) run, as the kubelet picks it. */
function logSource(worker: PodWorker, container: string, previous: boolean) {
  const c = worker.container(container);
  const pod = worker.name.split("/")[1];
  if (!c) return { error: `container ${container} is not valid for pod ${pod}` };
  const n = c.record.restartCount - (previous ? 1 : 0);
  if (previous && (n < 0 || !c.record.last))
    return { error: `previous terminated container "${container}" in pod "${pod}" not found` };
  if (!previous && !c.record.containerID) {
    const reason = c.record.current.state === "waiting" ? c.record.current.reason : "ContainerCreating";
    return { error: `container "${container}" in pod "${pod}" is waiting to start: ${reason}` };
  }
  const paths = runPaths(worker.dirs, container, n);
  return {
    file: paths.logFile,
    indexFile: paths.indexFile,
    live: () => {
      const now = worker.container(container);
      return !previous && Boolean(now?.running) && now?.record.restartCount === n;
    },
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, opts: KubeletServerOptions): Promise<void> {
  const url = new URL(req.url ?? "/", "https://kubelet");
  const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  if (req.method !== "GET") return text(res, 405, "method not allowed");
  if (url.pathname === "/healthz") return text(res, 200, "ok");
  if (url.pathname === "/stats/summary") {
    res.writeHead(200, { "content-type": "application/json" });
    return void res.end(JSON.stringify(opts.summary()));
  }
  if (parts[0] === "containerLogs" && parts.length === 4) {
    const [, namespace, name, container] = parts as [string, string, string, string];
    const worker = opts.lookup(namespace, name);
    if (!worker) return text(res, 404, `pod "${name}" in namespace "${namespace}" not found on this node`);
    let query: ReturnType<typeof parseLogQuery>;
    try {
      query = parseLogQuery(url.searchParams);
    } catch (err) {
      return text(res, 400, (err as Error).message);
    }
    const src = logSource(worker, container, query.previous);
    if ("error" in src) return text(res, 400, src.error ?? "");
    return streamLog(res, src, query);
  }
  if (["exec", "attach", "portForward", "run"].includes(parts[0] ?? "")) {
    return text(
      res,
      501,
      `${parts[0]} is not supported by the sparkplane agent (pods run as local processes)`,
    );
  }
  return text(res, 404, "not found");
}

/**
 * The node's kubelet endpoint over HTTPS: /containerLogs for `kubectl logs` (through the API server),
 * /stats/summary (CPU and memory of its pods, for cost and `kubectl get --raw`), /healthz.
 */
export async function startKubeletServer(
  opts: KubeletServerOptions,
): Promise<{ server: Server; port: number }> {
  const server = createServer({ cert: opts.cert, key: opts.key }, (req, res) => {
    handle(req, res, opts).catch((err) => {
      opts.log.warn({ err: (err as Error).message, url: req.url }, "kubelet endpoint request failed");
      if (!res.headersSent) text(res, 500, (err as Error).message);
      else res.end();
    });
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: opts.host, port, exclusive: true }, () => {
        server.off("error", reject);
        const addr = server.address();
        resolve(typeof addr === "object" && addr ? addr.port : port);
      });
    });
  try {
    return { server, port: await listen(opts.port) };
  } catch (err) {
    if (
      (err as NodeJS.ErrnoException).code !== "EADDRINUSE" &&
      (err as NodeJS.ErrnoException).code !== "EACCES"
    )
      throw err;
    return { server, port: await listen(0) };
  }
}
