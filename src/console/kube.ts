/**
 * Calls to the API server on behalf of the caller: with the request's bearer token when it has one, else (on
 * loopback only, decided by the server) with the local kubeconfig's identity. Answers are passed back with
 * their status, so the API server's 403/404/409/422 reach the caller unchanged.
 */
import type { IncomingMessage } from "node:http";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { HttpMethod, KubeConfig, RequestContext } from "@kubernetes/client-node";
import { PooledKubeConfig } from "../kube/config.js";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface KubeAnswer<T = unknown> {
  status: number;
  body: T;
}

/** One caller's view of the cluster. */
export class KubeCaller {
  private readonly server: URL;

  constructor(private readonly kc: KubeConfig) {
    const server = kc.getCurrentCluster()?.server;
    if (!server) throw new Error("the kubeconfig has no current cluster with a server");
    this.server = new URL(server);
  }

  /** The raw answer, for streams (logs). Rejects only when the API server cannot be reached. */
  async open(method: Method, path: string, body?: unknown, contentType = "application/json") {
    const url = new URL(path, this.server);
    const context = new RequestContext(url.toString(), HttpMethod[method]);
    await this.kc.applySecurityAuthentication(context);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = { ...context.getHeaders(), accept: "application/json" };
    if (payload !== undefined) {
      headers["content-type"] = contentType;
      headers["content-length"] = Buffer.byteLength(payload);
    }
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const agent = context.getAgent();
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = send(url, { method, headers, ...(agent ? { agent } : {}) }, resolve);
      req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${url.pathname}: no answer in 60 s`)));
      req.on("error", reject);
      req.end(payload);
    });
  }

  /** The answer parsed as JSON (a Status object for errors), with its status code. */
  async call<T = unknown>(method: Method, path: string, body?: unknown, contentType?: string) {
    const res = await this.open(method, path, body, contentType);
    const text = await readAll(res);
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // A non-JSON answer (a pod log) stays text.
    }
    return { status: res.statusCode ?? 502, body: parsed as T } satisfies KubeAnswer<T>;
  }
}

export function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (c: Buffer) => chunks.push(c));
    res.on("error", reject);
    res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

/**
 * Callers per identity: the local one, and one per bearer token (same cluster and CA, that token as the only
 * credential, never the local user's certificate). Kept for a while so a token's connections are reused.
 */
export class Callers {
  private readonly byToken = new Map<string, KubeCaller>();
  readonly local: KubeCaller;

  constructor(private readonly kc: KubeConfig) {
    this.local = new KubeCaller(kc);
  }

  forToken(token: string): KubeCaller {
    let caller = this.byToken.get(token);
    if (caller) return caller;
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new Error("the kubeconfig has no current cluster");
    const user = new PooledKubeConfig();
    user.loadFromOptions({
      clusters: [cluster],
      users: [{ name: "bearer", token }],
      contexts: [{ name: "bearer", cluster: cluster.name, user: "bearer" }],
      currentContext: "bearer",
    });
    caller = new KubeCaller(user);
    if (this.byToken.size >= 256) this.byToken.delete(this.byToken.keys().next().value as string);
    this.byToken.set(token, caller);
    return caller;
  }
}

export { KubeConfig };
