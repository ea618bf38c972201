/**
 * A lean Kubernetes HTTP client for the benchmark's own traffic (creating SparkApplications, watching driver
 * pods, reading /metrics): one keep-alive TLS agent, raw JSON, no model conversion, so the load generator
 * and its measurements cost the shared CPUs as little as possible.
 */
import { readFileSync } from "node:fs";
import { Agent, request } from "node:https";
import { parse } from "yaml";

interface KubeconfigFile {
  clusters?: { name: string; cluster: { server: string; "certificate-authority-data"?: string } }[];
  users?: { name: string; user: { token?: string } }[];
  contexts?: { name: string; context: { cluster: string; user: string } }[];
  "current-context"?: string;
}

export interface KubeEndpoint {
  server: string;
  caPem: string;
  token: string;
}

/** Server, CA and bearer token of a kubeconfig's current context (the shape `sparkplane up` writes). */
export function readKubeconfig(path: string): KubeEndpoint {
  const kc = parse(readFileSync(path, "utf8")) as KubeconfigFile;
  const ctx = kc.contexts?.find((c) => c.name === kc["current-context"])?.context;
  const cluster = kc.clusters?.find((c) => c.name === ctx?.cluster)?.cluster;
  const user = kc.users?.find((u) => u.name === ctx?.user)?.user;
  if (!cluster?.server || !cluster["certificate-authority-data"] || !user?.token) {
    throw new Error(`${path}: expected a server, an inline CA and a token`);
  }
  return {
    server: cluster.server,
    caPem: Buffer.from(cluster["certificate-authority-data"], "base64").toString("utf8"),
    token: user.token,
  };
}

export class KubeHttpError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    readonly body: string,
  ) {
    super(`${method} ${path}: HTTP ${status}: ${body.slice(0, 300)}`);
  }
}

export interface WatchHandle {
  /** Resolves when the server ends the watch (or it fails, or `stop` was called). */
  done: Promise<void>;
  stop(): void;
}

export class KubeHttp {
  private readonly agent: Agent;
  private readonly base: URL;
  /** Requests this client has sent (watches included). */
  requests = 0;

  constructor(
    readonly endpoint: KubeEndpoint,
    opts: {
      maxSockets?: number /** Skip the server certificate check (self-signed loopback servers). */;
      insecure?: boolean;
    } = {},
  ) {
    this.base = new URL(endpoint.server);
    this.agent = new Agent({
      keepAlive: true,
      maxSockets: opts.maxSockets ?? 64,
      ca: endpoint.caPem,
      ...(opts.insecure ? { rejectUnauthorized: false } : {}),
    });
  }

  /** Sends a request; resolves with the body text of a 2xx answer, rejects with KubeHttpError otherwise. */
  async raw(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<string> {
    return (await this.bytes(method, path, body, contentType)).toString("utf8");
  }

  /** As `raw`, with the body as bytes. */
  bytes(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<Buffer> {
    this.requests++;
    const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.base.hostname,
          port: this.base.port,
          method,
          path,
          agent: this.agent,
          headers: {
            authorization: `Bearer ${this.endpoint.token}`,
            accept: "application/json, text/plain",
            "user-agent": "sparkplane-bench",
            ...(payload === undefined
              ? {}
              : { "content-type": contentType, "content-length": Buffer.byteLength(payload) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const data = Buffer.concat(chunks);
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve(data);
            else reject(new KubeHttpError(status, method, path, data.toString("utf8")));
          });
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
  }

  async json<T = unknown>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    return JSON.parse(await this.raw(method, path, body, contentType)) as T;
  }

  /** POST that treats 409 AlreadyExists as success. */
  async createIfAbsent(path: string, body: unknown): Promise<void> {
    try {
      await this.raw("POST", path, body);
    } catch (err) {
      if (!(err instanceof KubeHttpError && err.status === 409)) throw err;
    }
  }

  /**
   * A watch (`path` with `?watch=1&...` already in it): calls `onEvent` for every line, with the receipt time
   * (performance.now()) taken before the line is parsed.
   */
  watch(path: string, onEvent: (type: string, obj: unknown, receivedAt: number) => void): WatchHandle {
    this.requests++;
    let stopRequested = false;
    let stopFn = () => {
      stopRequested = true;
    };
    const done = new Promise<void>((resolve, reject) => {
      const req = request(
        {
          host: this.base.hostname,
          port: this.base.port,
          method: "GET",
          path,
          // Its own connection: a watch holds it for its whole life.
          agent: false,
          ca: this.endpoint.caPem,
          headers: {
            authorization: `Bearer ${this.endpoint.token}`,
            accept: "application/json",
            "user-agent": "sparkplane-bench",
          },
        },
        (res) => {
          if ((res.statusCode ?? 0) !== 200) {
            reject(new Error(`watch ${path}: HTTP ${res.statusCode}`));
            res.resume();
            return;
          }
          let buffered = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => {
            const at = performance.now();
            buffered += chunk;
            let nl = buffered.indexOf("\n");
            while (nl >= 0) {
              const line = buffered.slice(0, nl);
              buffered = buffered.slice(nl + 1);
              if (line.trim()) {
                const ev = JSON.parse(line) as { type: string; object: unknown };
                onEvent(ev.type, ev.object, at);
              }
              nl = buffered.indexOf("\n");
            }
          });
          res.on("end", () => resolve());
          res.on("error", (err) => (stopRequested ? resolve() : reject(err)));
        },
      );
      req.on("error", (err) => (stopRequested ? resolve() : reject(err)));
      stopFn = () => {
        stopRequested = true;
        req.destroy();
        resolve();
      };
      if (stopRequested) stopFn();
      req.end();
    });
    return { done, stop: () => stopFn() };
  }

  close(): void {
    this.agent.destroy();
  }
}
