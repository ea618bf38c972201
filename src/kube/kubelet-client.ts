/**
 * GET on a node's kubelet endpoint directly (as metrics-server reads /stats/summary), not through the API
 * server: its node proxy refuses nodes whose address is not global unicast, which every node of the embedded
 * cluster is (127.x). Authenticates with the kubeconfig's own credentials (a kubelet authorizes them as
 * `nodes/stats` etc.). The kubelet's certificate must chain to the cluster's CA; its host name is not checked
 * (serving certificates rarely name every address a node has).
 */
import { type RequestOptions, request } from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import { responseText } from "./response-body.js";

export interface KubeletAddress {
  host: string;
  port: number;
}

/** A Node's address for its kubelet: its InternalIP (else the first address) and daemonEndpoints port. */
export function kubeletAddress(node: {
  status?: {
    addresses?: { type?: string; address?: string }[];
    daemonEndpoints?: { kubeletEndpoint?: { Port?: number } };
  };
}): KubeletAddress | undefined {
  const addresses = node.status?.addresses ?? [];
  const host = (addresses.find((a) => a.type === "InternalIP") ?? addresses[0])?.address;
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  return host && port ? { host, port } : undefined;
}

export class KubeletError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export async function kubeletGet<T>(
  kc: KubeConfig,
  at: KubeletAddress,
  path: string,
  timeoutMs = 10_000,
): Promise<T> {
  const opts: RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  return new Promise<T>((resolve, reject) => {
    const req = request(
      {
        ...opts,
        host: at.host,
        port: at.port,
        path,
        method: "GET",
        headers: { ...opts.headers, accept: "application/json" },
        checkServerIdentity: () => undefined,
        timeout: timeoutMs,
      },
      (res) => {
        responseText(res).then(({ code, text }) => {
          if (code < 200 || code >= 300)
            return reject(
              new KubeletError(`kubelet ${at.host}:${at.port}${path}: ${code} ${text.trim()}`, code),
            );
          try {
            resolve(JSON.parse(text) as T);
          } catch {
            reject(new KubeletError(`kubelet ${at.host}:${at.port}${path}: not JSON`, code));
          }
        }, reject);
      },
    );
    req.on("timeout", () =>
      req.destroy(new KubeletError(`kubelet ${at.host}:${at.port}: no answer in ${timeoutMs} ms`)),
    );
    req.on("error", reject);
    req.end();
  });
}
