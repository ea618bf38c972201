import type { Command } from "commander";
import { cacheDir } from "../../local/paths.js";
import { provision } from "../../local/provision/index.js";

export function registerProvision(program: Command): void {
  program
    .command("provision")
    .description(
      "build/install Kubernetes, etcd, Spark 3.5 and 4, the example programs, helm, Prometheus/promtool, argocheck and Argo Workflows into the cache, and Debian's Chromium (idempotent)",
    )
    .option("--json", "print what was provisioned as JSON")
    .action(async (opts: { json?: boolean }) => {
      const started = Date.now();
      const tools = await provision({ all: true });
      if (opts.json) {
        console.log(JSON.stringify(tools, null, 2));
        return;
      }
      console.log(`cache: ${cacheDir()}`);
      console.log(
        `kubernetes ${tools.kube.version}: ${tools.kube["kube-apiserver"]} (+ scheduler, controller-manager, kubectl)`,
      );
      console.log(`etcd ${tools.etcd.version}: ${tools.etcd.etcd}`);
      console.log(`spark ${tools.spark.version}: ${tools.spark.sparkHome}`);
      console.log(`examples: ${tools.examples.jar}`);
      console.log(
        `spark ${tools.spark4.version}: ${tools.spark4.sparkHome} (examples: ${tools.examples4.jar})`,
      );
      console.log(`helm ${tools.helm.version}: ${tools.helm.helm}`);
      console.log(`prometheus ${tools.prometheus.version}: ${tools.prometheus.prometheus} (+ promtool)`);
      console.log(`argocheck: ${tools.argocheck.argocheck}`);
      console.log(`chromium: ${tools.browser.chromium}`);
      console.log(`argo workflows ${tools.argo.version}: ${tools.argo.workflowController} (+ argoexec)`);
      console.log(`provisioned in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });
}
