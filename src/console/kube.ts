/**
 * Calls to the API server on behalf of the caller: with the request's bearer token when it has one, else (on
 * loopback only, decided by the server) with the local kubeconfig's identity. Answers are passed back with
 * their status, so the API server's 403/404/409/422 reach the caller unchanged.
 */
import type { IncomingMessage } from "node:http";
import { KubeConfig } from "@kubernetes/client-node";
import { PooledKubeConfig } from "../kube/config.js";
import { JsonClient, type JsonMethod } from "../kube/json-client.js";
import { responseText } from "../kube/response-body.js";

export type Method = JsonMethod;

export interface KubeAnswer<T = unknown> {
  status: number;
  body: T;
}

/** One caller's view of the cluster: the JSON client's transport, answers passed on with their status. */
export class KubeCaller {
  private readonly client: JsonClient;

  constructor(kc: KubeConfig) {
    this.client = new JsonClient(kc);
  }

  /** The raw answer, for streams (logs). Rejects only when the API server cannot be reached. */
  open(method: Method, path: string, body?: unknown, contentType = "application/json") {
    return this.client.open(method, path, body, contentType);
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

/** The whole body of an answer as text. */
export async function readAll(res: IncomingMessage): Promise<string> {
  return (await responseText(res)).text;
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
