/** Reading and waiting for a SparkConnect session from the CLI (`connect`, `notebook`). */
import {
  SPARK_CONNECT_PORT,
  SparkConnectNames,
  SparkConnectState,
  VERSION_V1ALPHA1,
} from "../../api/v1alpha1/constants.js";
import type { SparkConnect } from "../../api/v1alpha1/sparkconnect.js";
import { GROUP } from "../../api/v1beta2/constants.js";
import type { AppContext } from "./context.js";

/** The URL a client on this host uses: the server pod's address on the embedded cluster (pods are local processes). */
export function hostConnectURL(conn: SparkConnect, embedded: boolean): string | undefined {
  if (!embedded) return conn.status?.connectionURL;
  const ip = conn.status?.server?.podIp;
  return ip ? `sc://${ip}:${SPARK_CONNECT_PORT}` : undefined;
}

export function sessionRef(namespace: string) {
  return { group: GROUP, version: VERSION_V1ALPHA1, plural: SparkConnectNames.plural, namespace };
}

export async function getSession(ctx: AppContext, name: string): Promise<SparkConnect | undefined> {
  try {
    return (await ctx.custom.getNamespacedCustomObject({
      ...sessionRef(ctx.namespace),
      name,
    })) as SparkConnect;
  } catch (err) {
    if ((err as { code?: number }).code === 404) return undefined;
    throw err;
  }
}

/** One line for a session's state, with its message (what does not fit, why it stopped). */
export function sessionLine(conn: SparkConnect): string {
  const state = conn.status?.state || "New";
  return `${state}${conn.status?.message ? `: ${conn.status.message}` : ""}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls until the session is Ready with a URL (`urlOf`), writing each new state line to `out` with the
 * seconds waited; throws on Failed, Stopped, absence or the timeout, with the last state and message.
 */
export async function waitForSession(
  ctx: AppContext,
  name: string,
  opts: {
    timeoutSeconds: number;
    urlOf: (c: SparkConnect) => string | undefined;
    out: NodeJS.WritableStream;
  },
): Promise<{ conn: SparkConnect; url: string }> {
  const started = Date.now();
  const deadline = started + opts.timeoutSeconds * 1000;
  let said = "";
  for (;;) {
    const conn = await getSession(ctx, name);
    if (!conn)
      throw new Error(
        `no SparkConnect "${name}" in namespace ${ctx.namespace} (list them with \`sparkplane kubectl get sparkconn -n ${ctx.namespace}\`)`,
      );
    const line = sessionLine(conn);
    if (line !== said) {
      opts.out.write(`[${Math.round((Date.now() - started) / 1000)}s] ${name}: ${line}\n`);
      said = line;
    }
    const state = conn.status?.state;
    if (state === SparkConnectState.Failed)
      throw new Error(`SparkConnect ${name} failed: ${conn.status?.message ?? "see its events"}`);
    if (state === SparkConnectState.Stopped)
      throw new Error(`SparkConnect ${name} is stopped: ${conn.status?.message ?? "see its events"}`);
    const url = opts.urlOf(conn);
    if (state === SparkConnectState.Ready && url) return { conn, url };
    if (Date.now() > deadline)
      throw new Error(
        `SparkConnect ${name} is not Ready after ${opts.timeoutSeconds}s (last: ${line}); see \`sparkplane kubectl describe sparkconn ${name} -n ${ctx.namespace}\``,
      );
    await sleep(1000);
  }
}
