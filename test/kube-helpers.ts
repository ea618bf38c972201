import { connect, createServer, type Server, type Socket } from "node:net";
import { ApiextensionsV1Api, KubeConfig, type KubernetesObject } from "@kubernetes/client-node";
import { createIfAbsent } from "../src/kube/retry.js";
import { eventually as poll } from "./poll.js";

/** Polls `check` (every 20 ms) until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export function eventually<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  return poll(what, check, { timeoutMs, intervalMs: 20 });
}

/**
 * A TCP proxy in front of the API server that a test can cut: `breakConnections` resets every open
 * connection (as a dying load balancer would), `refuse`/`accept` stop and restart listening.
 */
export class BreakableProxy {
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  port = 0;

  constructor(private readonly upstream: URL) {}

  async accept(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(Number(this.upstream.port), this.upstream.hostname);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  breakConnections(): void {
    // A reset of a socket already shutting down gracefully can keep Node from exiting (seen on Node 20).
    for (const s of this.sockets) s.writableEnded ? s.destroy() : s.resetAndDestroy();
  }

  /** Stops listening (open connections stay until broken). */
  refuse(): void {
    this.server?.close();
    this.server = undefined;
  }

  close(): void {
    this.refuse();
    this.breakConnections();
  }

  /** A copy of `kc` whose current cluster is reached through this proxy. */
  kubeConfig(kc: KubeConfig): KubeConfig {
    const proxied = new KubeConfig();
    proxied.loadFromOptions({
      clusters: kc.clusters.map((c) => ({ ...c, server: `https://127.0.0.1:${this.port}` })),
      users: kc.users,
      contexts: kc.contexts,
      currentContext: kc.currentContext,
    });
    return proxied;
  }
}

export const WIDGET_GROUP = "kubetest.sparkplane.dev";
export const WIDGET_VERSION = "v1";
export const WIDGET_PLURAL = "widgets";
export const WIDGET_RESOURCE = {
  apiVersion: `${WIDGET_GROUP}/${WIDGET_VERSION}`,
  kind: "Widget",
  plural: WIDGET_PLURAL,
} as const;

export type Widget = KubernetesObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> };

/** A tiny namespaced CRD with a status subresource (created once per cluster). */
export async function installWidgetCrd(kc: KubeConfig): Promise<void> {
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  const name = `${WIDGET_PLURAL}.${WIDGET_GROUP}`;
  const anything = { type: "object", x_kubernetes_preserve_unknown_fields: true };
  await createIfAbsent(
    () =>
      ext.createCustomResourceDefinition({
        body: {
          metadata: { name },
          spec: {
            group: WIDGET_GROUP,
            scope: "Namespaced",
            names: { plural: WIDGET_PLURAL, singular: "widget", kind: "Widget", listKind: "WidgetList" },
            versions: [
              {
                name: WIDGET_VERSION,
                served: true,
                storage: true,
                subresources: { status: {} },
                schema: {
                  openAPIV3Schema: { type: "object", properties: { spec: anything, status: anything } },
                },
              },
            ],
          },
        },
      }),
    () => ext.readCustomResourceDefinition({ name }),
  );
  await eventually("CRD established", async () => {
    const crd = await ext.readCustomResourceDefinition({ name });
    return crd.status?.conditions?.some((c) => c.type === "Established" && c.status === "True");
  });
}
