import { createServer, type Server } from "node:http";
import { request } from "node:https";
import type { KubeConfig, V1Pod } from "@kubernetes/client-node";
import type { Command } from "commander";
import { SparkLabel, SparkPortName } from "../../spark/constants.js";
import {
  type AppContext,
  type AppFlags,
  appContext,
  driverPodOf,
  requireApp,
  withAppFlags,
} from "./context.js";

/** The API server path that proxies to a Service port. */
export function serviceProxyPath(namespace: string, service: string, port: number): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/services/${encodeURIComponent(service)}:${port}/proxy`;
}

/**
 * Serves http://127.0.0.1:PORT/ and forwards every request to the API server's service proxy with the
 * kubeconfig's credentials, so a browser reaches the Spark UI without a token. Spark's absolute links
 * (/jobs/, /static/...) map onto the proxy path because the local root is the proxy root.
 */
export async function startUiProxy(kc: KubeConfig, target: string, port = 0): Promise<Server> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error("the kubeconfig has no current cluster");
  const base = new URL(cluster.server);
  const opts: {
    headers: Record<string, string>;
    ca?: Buffer;
    cert?: Buffer;
    key?: Buffer;
    rejectUnauthorized?: boolean;
  } = { headers: {} };
  await kc.applyToHTTPSOptions(opts as never);
  const server = createServer((req, res) => {
    const upstream = request(
      {
        protocol: base.protocol,
        hostname: base.hostname,
        port: base.port,
        method: req.method,
        path: `${target}${req.url ?? "/"}`,
        headers: { ...req.headers, host: base.host, ...opts.headers },
        ca: opts.ca,
        cert: opts.cert,
        key: opts.key,
        rejectUnauthorized: opts.rejectUnauthorized,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on("error", (err) => {
      res.writeHead(502, { "content-type": "text/plain" });
      res.end(`cannot reach the Spark UI through the API server: ${err.message}`);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return server;
}

interface UiTarget {
  service: string;
  port: number;
}

/** kubeflow's UI Service, from the app's status. */
function uiServiceTarget(
  info: { webUIServiceName?: string; webUIPort?: number } | undefined,
): UiTarget | undefined {
  return info?.webUIServiceName
    ? { service: info.webUIServiceName, port: info.webUIPort ?? 4040 }
    : undefined;
}

/**
 * Without a UI Service (`sparkplane operator --enable-ui-service=false`): Spark's own headless driver Service,
 * which has the UI port too.
 */
async function driverServiceTarget(
  ctx: AppContext,
  appId: string | undefined,
): Promise<UiTarget | undefined> {
  if (!appId) return undefined;
  const services = await ctx.core.listNamespacedService({
    namespace: ctx.namespace,
    labelSelector: `${SparkLabel.AppId}=${appId}`,
  });
  for (const svc of services.items) {
    const port = svc.spec?.ports?.find((p) => p.name === SparkPortName.Ui);
    if (port && svc.metadata?.name) return { service: svc.metadata.name, port: port.port };
  }
  return undefined;
}

export function registerUi(program: Command): void {
  withAppFlags(program.command("ui").argument("<app>"))
    .description("open the Spark UI of a running app through the API server's service proxy")
    .option("--port <port>", "local port (default: any free one)", Number, 0)
    .action(async (name: string, flags: AppFlags & { port: number }) => {
      const ctx = appContext(flags);
      const app = await requireApp(ctx, name);
      const target =
        uiServiceTarget(app.status?.driverInfo) ??
        (await driverServiceTarget(ctx, app.status?.sparkApplicationId));
      if (!target)
        throw new Error(
          `${name} has no Spark UI service (state ${app.status?.applicationState?.state || "NEW"}); it exists while the driver runs`,
        );
      const driver = await driverPodOf(ctx, app);
      const podIP = driver?.status?.podIP;
      // The API server refuses to proxy to loopback addresses, which is where the local agent's pods live;
      // they are reachable from this host directly.
      if (podIP && isLoopback(podIP)) {
        console.log(
          `Spark UI of ${ctx.namespace}/${name}: http://${podIP}:${uiTargetPort(driver)}/  (the driver runs on this machine)`,
        );
        return;
      }
      const server = await startUiProxy(
        ctx.kc,
        serviceProxyPath(ctx.namespace, target.service, target.port),
        flags.port,
      );
      const addr = server.address();
      console.log(
        `Spark UI of ${ctx.namespace}/${name}: http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : flags.port}/  (Ctrl-C to stop)`,
      );
    });
}

export function isLoopback(ip: string): boolean {
  return ip.startsWith("127.") || ip === "::1";
}

/** The driver container's spark-ui port (4040 unless spark.ui.port moved it). */
function uiTargetPort(pod: V1Pod | undefined): number {
  const ports = pod?.spec?.containers.flatMap((c) => c.ports ?? []) ?? [];
  return ports.find((p) => p.name === "spark-ui")?.containerPort ?? 4040;
}
