import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { up } from "../../local/cluster.js";
import { examplesSourceDir } from "../../local/provision/examples.js";
import { provision } from "../../local/provision/index.js";
import { appContext } from "../apps/context.js";
import { runAndFollow, sparkApplicationsIn } from "../apps/run.js";
import { stateDirOf, withStateDir } from "../state-dir.js";

const PI_LINE = /Pi is roughly [0-9.]+/;

export function registerDemo(program: Command): void {
  withStateDir(program.command("demo"))
    .description(
      "provision if needed, start the embedded cluster, run SparkPi (Java, 2 executors) and print the result",
    )
    .action(async (flags: { stateDir?: string }) => {
      const started = Date.now();
      const stateDir = stateDirOf(flags);
      await provision();
      console.log(
        "starting the embedded cluster (etcd, kube-apiserver, controller-manager, scheduler, operator, node agent)...",
      );
      const cluster = await up({ stateDir, onActivity: (a) => console.log(`  ${a}`) });
      console.log(`cluster ready: ${cluster.server} (Kubernetes ${cluster.kubernetesVersion})`);
      const file = join(examplesSourceDir(), "spark-pi.yaml");
      const [doc] = sparkApplicationsIn(readFileSync(file, "utf8"), file);
      // The cluster it just started, whatever KUBECONFIG says.
      const ctx = appContext({ stateDir, kubeconfig: cluster.kubeconfig }, doc!.metadata.namespace);
      console.log(`running ${file}`);
      const final = await runAndFollow(ctx, doc!, { follow: false, timeoutMs: 15 * 60_000 });
      const driver = final.status?.driverInfo?.podName;
      const log = driver
        ? await ctx.core
            .readNamespacedPodLog({
              name: driver,
              namespace: ctx.namespace,
              container: "spark-kubernetes-driver",
            })
            .catch(() => "")
        : "";
      const pi = PI_LINE.exec(log)?.[0];
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      if (final.status?.applicationState?.state !== "COMPLETED" || !pi) {
        console.log(log.trim().split("\n").slice(-30).join("\n"));
        throw new Error(
          `SparkPi ended ${final.status?.applicationState?.state}${pi ? "" : " without printing Pi"} after ${secs} s`,
        );
      }
      console.log(`\n${pi}\n`);
      console.log(`SparkPi completed in ${secs} s (the cluster stays up). Try next:`);
      const sd = flags.stateDir ? ` --state-dir ${stateDir}` : "";
      for (const line of [
        `sparkplane get${sd}                       # your SparkApplications`,
        `sparkplane describe spark-pi${sd}         # state, attempts, driver, executors, events`,
        `sparkplane logs spark-pi${sd}             # the driver log (through the API server)`,
        `sparkplane run examples/spark-pi-python.yaml --follow${sd}`,
        `sparkplane kubectl${sd} get sparkapp,pods,nodes`,
        `sparkplane down${sd}                      # stop everything`,
      ])
        console.log(`  ${line}`);
    });
}
