import { createHash } from "node:crypto";
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

/** Standard resolution: an explicit path, else KUBECONFIG / ~/.kube/config, else in-cluster. */
export function loadKubeConfig(path?: string): KubeConfig {
  const kc = new PooledKubeConfig();
  if (path) kc.loadFromFile(path);
  else kc.loadFromDefault();
  return kc;
}
