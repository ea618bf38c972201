import type { Command } from "commander";
import { startConsole } from "../../console/server.js";
import { KUBECONFIG_FLAG_HELP, loadChosenKubeConfig, resolveKubeconfig } from "../kubeconfig-choice.js";

interface ConsoleFlags {
  address: string;
  port: number;
  kubeconfig?: string;
  stateDir?: string;
  batchNamespace: string;
  batchImage: string;
  sparkVersion: string;
  batchServiceAccount: string;
  localIdentity: boolean;
}

export function registerConsole(program: Command): void {
  program
    .command("console")
    .description("serve the REST API (/api/v1) and Livy-compatible batches (/batches), acting as each caller")
    .option("--address <ip>", "address to listen on", "127.0.0.1")
    .option("--port <port>", "port to listen on", Number, 8998)
    .option("--kubeconfig <path>", KUBECONFIG_FLAG_HELP)
    .option("--state-dir <dir>", "the embedded cluster's state dir (env: SPARKPLANE_STATE_DIR)")
    .option("--batch-namespace <ns>", "namespace of the SparkApplications made for Livy batches", "default")
    .option("--batch-image <image>", "image of Livy batches", "spark:3.5.9")
    .option("--spark-version <v>", "sparkVersion of Livy batches", "3.5.9")
    .option("--batch-service-account <sa>", "driver service account of Livy batches", "spark")
    .option("--no-local-identity", "require a bearer token even from loopback")
    .action(async (flags: ConsoleFlags) => {
      const kc = loadChosenKubeConfig(resolveKubeconfig(flags));
      const server = await startConsole({
        kc,
        address: flags.address,
        port: flags.port,
        localIdentity: flags.localIdentity,
        batches: {
          namespace: flags.batchNamespace,
          image: flags.batchImage,
          sparkVersion: flags.sparkVersion,
          serviceAccount: flags.batchServiceAccount,
          memory: "512m",
        },
        log: (line) => console.error(line),
      });
      const a = server.address();
      const where = typeof a === "object" && a ? `${a.address}:${a.port}` : String(a);
      console.log(
        `sparkplane console on http://${where}/ (API /api/v1, OpenAPI /api/v1/openapi.json, Livy /batches)`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => server.close(() => resolve());
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    });
}
