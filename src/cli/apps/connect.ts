/**
 * `sparkplane connect <session>`: waits until a SparkConnect is Ready (its states and messages on stderr)
 * and prints a Spark Connect URL that works from this host; `sparkplane env`: the client-mode settings of a
 * SparkContext on this host whose executors run on the embedded cluster.
 */
import type { Command } from "commander";
import { SPARK_CONNECT_PORT } from "../../api/v1alpha1/constants.js";
import { findSpark } from "../../local/provision/spark.js";
import { embeddedKubeconfig, kubeconfigInputs } from "../kubeconfig-choice.js";
import { asShell, clientModeEnv } from "./client-mode.js";
import { type AppFlags, appContext, withAppFlags } from "./context.js";
import { hostConnectURL, waitForSession } from "./session-wait.js";

export { hostConnectURL };

export function registerConnect(program: Command): void {
  withAppFlags(program.command("connect <session>"))
    .description(
      "wait until a SparkConnect session is Ready and print its Spark Connect URL usable from this host (last line)",
    )
    .option("--timeout <seconds>", "give up after this long", "600")
    .option("--in-cluster", "print the in-cluster URL (sc://<service>.<namespace>.svc:15002) instead")
    .action(async (name: string, flags: AppFlags & { timeout: string; inCluster?: boolean }) => {
      const ctx = appContext(flags);
      const embedded = ctx.kubeconfig.embedded;
      const { conn, url } = await waitForSession(ctx, name, {
        timeoutSeconds: Number(flags.timeout),
        urlOf: (c) => (flags.inCluster ? c.status?.connectionURL : hostConnectURL(c, embedded)),
        out: process.stderr,
      });
      if (!embedded && !flags.inCluster)
        process.stderr.write(
          `not the embedded cluster: from outside, forward the port first (kubectl port-forward svc/${conn.status?.server?.serviceName} ${SPARK_CONNECT_PORT}) and use sc://localhost:${SPARK_CONNECT_PORT}\n`,
        );
      console.log(url);
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
        const found = embeddedKubeconfig(kubeconfigInputs(flags).embedded);
        if ("message" in found) throw new Error(found.message);
        const kubeconfig = found.path;
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
