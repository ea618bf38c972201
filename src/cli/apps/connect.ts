/**
 * `sparkplane connect <session>`: waits until a SparkConnect is Ready (its states and messages on stderr)
 * and prints a Spark Connect URL that works from this host; `sparkplane env`: the client-mode settings of a
 * SparkContext on this host whose executors run on the embedded cluster.
 */
import { existsSync } from "node:fs";
import type { Command } from "commander";
import {
  SPARK_CONNECT_PORT,
  SparkConnectNames,
  SparkConnectState,
  VERSION_V1ALPHA1,
} from "../../api/v1alpha1/constants.js";
import type { SparkConnect } from "../../api/v1alpha1/sparkconnect.js";
import { GROUP } from "../../api/v1beta2/constants.js";
import { statePaths } from "../../local/paths.js";
import { findSpark } from "../../local/provision/spark.js";
import { stateDirOf } from "../state-dir.js";
import { asShell, clientModeEnv } from "./client-mode.js";
import { type AppFlags, appContext, withAppFlags } from "./context.js";

/** The URL a client on this host uses: the server pod's address on the embedded cluster (pods are local processes). */
export function hostConnectURL(conn: SparkConnect, embedded: boolean): string | undefined {
  if (!embedded) return conn.status?.connectionURL;
  const ip = conn.status?.server?.podIp;
  return ip ? `sc://${ip}:${SPARK_CONNECT_PORT}` : undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function registerConnect(program: Command): void {
  withAppFlags(program.command("connect <session>"))
    .description(
      "wait until a SparkConnect session is Ready and print its Spark Connect URL usable from this host (last line)",
    )
    .option("--timeout <seconds>", "give up after this long", "600")
    .option("--in-cluster", "print the in-cluster URL (sc://<service>.<namespace>.svc:15002) instead")
    .action(async (name: string, flags: AppFlags & { timeout: string; inCluster?: boolean }) => {
      const ctx = appContext(flags);
      const embedded = !flags.kubeconfig && existsSync(statePaths(stateDirOf(flags)).kubeconfig);
      const ref = {
        group: GROUP,
        version: VERSION_V1ALPHA1,
        plural: SparkConnectNames.plural,
        namespace: ctx.namespace,
      };
      const started = Date.now();
      const deadline = started + Number(flags.timeout) * 1000;
      let said = "";
      for (;;) {
        let conn: SparkConnect | undefined;
        try {
          conn = (await ctx.custom.getNamespacedCustomObject({ ...ref, name })) as SparkConnect;
        } catch (err) {
          if ((err as { code?: number }).code !== 404) throw err;
        }
        if (!conn)
          throw new Error(
            `no SparkConnect "${name}" in namespace ${ctx.namespace} (list them with \`sparkplane kubectl get sparkconn -n ${ctx.namespace}\`)`,
          );
        const state = conn.status?.state || "New";
        const line = `${state}${conn.status?.message ? `: ${conn.status.message}` : ""}`;
        if (line !== said) {
          process.stderr.write(`[${Math.round((Date.now() - started) / 1000)}s] ${name}: ${line}\n`);
          said = line;
        }
        if (state === SparkConnectState.Failed)
          throw new Error(`SparkConnect ${name} failed: ${conn.status?.message ?? "see its events"}`);
        const url = flags.inCluster ? conn.status?.connectionURL : hostConnectURL(conn, embedded);
        if (state === SparkConnectState.Ready && url) {
          if (!embedded && !flags.inCluster)
            process.stderr.write(
              `not the embedded cluster: from outside, forward the port first (kubectl port-forward svc/${conn.status?.server?.serviceName} ${SPARK_CONNECT_PORT}) and use sc://localhost:${SPARK_CONNECT_PORT}\n`,
            );
          console.log(url);
          return;
        }
        if (Date.now() > deadline)
          throw new Error(`SparkConnect ${name} is not Ready after ${flags.timeout}s (last: ${line})`);
        await sleep(1000);
      }
    });

  program
    .command("env")
    .description(
      "client mode: the environment and Spark conf for a SparkContext on this host with executors on the embedded cluster",
    )
    .option("-n, --namespace <ns>", "namespace of the executors", "default")
    .option("--state-dir <dir>", "the embedded cluster's state dir (env: SPARKPLANE_STATE_DIR)")
    .option("--image <image>", "the executors' Spark image")
    .option("--service-account <name>", "the executors' service account")
    .option("--json", "as JSON {env, sparkConf} instead of shell exports")
    .action(
      (flags: {
        namespace: string;
        stateDir?: string;
        image?: string;
        serviceAccount?: string;
        json?: boolean;
      }) => {
        const kubeconfig = statePaths(stateDirOf(flags)).kubeconfig;
        if (!existsSync(kubeconfig))
          throw new Error(`no embedded cluster (no ${kubeconfig}): run \`sparkplane up\` first`);
        const ctx = appContext({ ...flags, kubeconfig });
        const spark = findSpark();
        if (!spark) throw new Error("Spark is not provisioned: run `sparkplane provision`");
        const out = clientModeEnv({
          server: ctx.kc.getCurrentCluster()?.server ?? "",
          kubeconfig,
          namespace: flags.namespace,
          sparkHome: spark.sparkHome,
          python: spark.python,
          ...(flags.image ? { image: flags.image } : {}),
          ...(flags.serviceAccount ? { serviceAccount: flags.serviceAccount } : {}),
        });
        console.log(flags.json ? JSON.stringify(out, null, 2) : asShell(out));
      },
    );
}
