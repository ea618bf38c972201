import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { KubeConfig, type RequestContext } from "@kubernetes/client-node";

/** Idle keep-alive connections are closed after this long (well under the API server's 90 s). */
const IDLE_SOCKET_MS = 15_000;

/**
 * A KubeConfig whose typed API clients share keep-alive connections. client-node builds a new https.Agent
 * for every request, so every API call paid a TCP connect and a full TLS handshake (with a new
 * SecureContext parsing the CA) on both ends; that was over half of the operator's CPU. This keeps one
 * keep-alive agent per distinct TLS identity (CA, client certificate, verification settings) and hands it to
 * every request; headers (tokens, refreshed by client-node's authenticators) are still applied per request.
 * Watches (applyToFetchOptions) keep their own connection each, as before.
 */
export class PooledKubeConfig extends KubeConfig {
  private readonly agents = new Map<string, HttpAgent | HttpsAgent>();

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const fresh = context.getAgent();
    if (!fresh) return;
    // Only plain agents are pooled; proxy agents (socks/http proxies) are left as client-node made them.
    const proto = Object.getPrototypeOf(fresh) as object;
    const tls = proto === HttpsAgent.prototype;
    if (!tls && proto !== HttpAgent.prototype) return;
    const o = (fresh as unknown as { options?: Record<string, unknown> }).options ?? {};
    const key = createHash("sha256")
      .update(JSON.stringify([tls, o.rejectUnauthorized, o.servername, o.passphrase]))
      .update(String(o.ca ?? ""))
      .update("\0")
      .update(String(o.cert ?? ""))
      .update("\0")
      .update(String(o.key ?? ""))
      .update("\0")
      .update(String(o.pfx ?? ""))
      .digest("hex");
    let pooled = this.agents.get(key);
    if (!pooled) {
      const options = { ...o, keepAlive: true, timeout: IDLE_SOCKET_MS };
      pooled = tls ? new HttpsAgent(options) : new HttpAgent(options);
      this.agents.set(key, pooled);
    }
    context.setAgent(pooled);
  }
}

/** Where the projected service-account volume puts the pod's token, CA and namespace. */
export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

export type KubeConfigSource =
  | { kind: "file"; path: string }
  | { kind: "in-cluster" }
  /** KUBECONFIG, else ~/.kube/config, else client-node's fallback. */
  | { kind: "default" };

/**
 * Where a process's kubeconfig comes from, in controller-runtime's order: an explicit path, KUBECONFIG,
 * in-cluster (KUBERNETES_SERVICE_HOST/PORT and a service-account token), then ~/.kube/config. In-cluster
 * comes before ~/.kube/config so that a pod always runs with its own service account, even where the home
 * directory holds someone's kubeconfig (as on the embedded cluster, whose pods share the host's files).
 */
export function kubeConfigSource(
  path: string | undefined,
  env: NodeJS.ProcessEnv,
  exists: (file: string) => boolean,
): KubeConfigSource {
  if (path) return { kind: "file", path };
  if (env.KUBECONFIG) return { kind: "default" };
  if (hasInClusterConfig(env, exists)) return { kind: "in-cluster" };
  return { kind: "default" };
}

/** Whether this process runs in a pod with its service account: the service env and the projected token. */
export function hasInClusterConfig(env: NodeJS.ProcessEnv, exists: (file: string) => boolean): boolean {
  return Boolean(
    env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT && exists(`${SERVICE_ACCOUNT_DIR}/token`),
  );
}

/**
 * The kubeconfig by kubeConfigSource. In-cluster, client-node authenticates with the token file and re-reads
 * it when the token it holds is over a minute old (as client-go does), so a rotated projected token (the
 * kubelet, or the agent, rewrites it at 80% of its lifetime) is picked up; the CA file is read per connection.
 */
export function loadKubeConfig(path?: string): KubeConfig {
  return kubeConfigFrom(kubeConfigSource(path, process.env, existsSync));
}

/** A pooled KubeConfig loaded from a source its caller chose. */
export function kubeConfigFrom(source: KubeConfigSource): KubeConfig {
  const kc = new PooledKubeConfig();
  if (source.kind === "file") kc.loadFromFile(source.path);
  else if (source.kind === "in-cluster") kc.loadFromCluster();
  else kc.loadFromDefault();
  return kc;
}
