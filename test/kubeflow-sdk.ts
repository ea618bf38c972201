/** kubeflow's Python SDK for the SparkConnect tests: its virtualenv, and a pod that runs it in the cluster. */
import { execFile } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import type { V1Pod } from "@kubernetes/client-node";
import { cacheDir } from "../src/local/paths.js";
import { connectClientPins } from "../src/local/provision/connect-client.js";
import type { SparkInstall } from "../src/local/provision/spark.js";

const run = promisify(execFile);
const KUBEFLOW_SDK = ["kubeflow==0.5.0", "kubeflow-spark-api==2.4.0"];

/** The SDK, pinned, with the Connect client's pins for `spark` and that pyspark on its path (made once, cached). */
export async function kubeflowPython(spark: SparkInstall): Promise<string> {
  const dir = join(
    cacheDir(),
    spark.version.startsWith("3.") ? "kubeflow-sdk-0.5.0" : `kubeflow-sdk-0.5.0-${spark.version}`,
  );
  const python = join(dir, "bin", "python");
  if (existsSync(join(dir, ".installed"))) return python;
  await run(spark.python, ["-m", "venv", dir]);
  await run(
    join(dir, "bin", "pip"),
    ["install", "-q", "--disable-pip-version-check", ...KUBEFLOW_SDK, ...connectClientPins(spark)],
    { timeout: 600_000 },
  );
  const site = (
    await run(python, ["-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
  ).stdout.trim();
  writeFileSync(join(site, "sparkplane-pyspark.pth"), `${dirname(spark.sparkHome)}\n`);
  await run(python, ["-c", "from kubeflow.spark import SparkClient"]);
  writeFileSync(join(dir, ".installed"), `${KUBEFLOW_SDK.join("\n")}\n`);
  return python;
}

/**
 * The SDK's create path, in-cluster config: SparkClient().connect() with no base_url creates a session (its
 * own defaults, but Spark 4.2.0: see the script), waits for Ready, connects to the Service's cluster DNS name,
 * queries, and the session is deleted.
 */
export const KUBEFLOW_CREATE = `
from kubeflow.common.types import KubernetesBackendConfig
from kubeflow.spark import Driver, SparkClient
from kubeflow.spark.backends.kubernetes import constants
# The SDK's default (4.0.4) puts the Maven Central URL of spark-connect_2.13-4.0.4.jar into spark.jars, and
# Maven Central has no such jar (HTTP 404; 4.0.0, 4.0.1, 4.1.x and 4.2.0 are published): use 4.2.0's.
constants.DEFAULT_SPARK_VERSION = "4.2.0"
constants.DEFAULT_SPARK_IMAGE = "apache/spark:4.2.0"
client = SparkClient(KubernetesBackendConfig(namespace="default"))
# Without a driver ServiceAccount the server runs as the namespace's default one, which may not manage pods.
spark = client.connect(num_executors=1, driver=Driver(service_account="spark"), timeout=300, connect_timeout=240)
print("server", spark.version, flush=True)
print("count", spark.range(0, 1000, 1, 4).selectExpr("id % 10 AS k").distinct().count(), flush=True)
names = [s.name for s in client.list_sessions()]
print("sessions", names, flush=True)
spark.stop()
for name in names:
    client.delete_session(name)
print("deleted", flush=True)
`;

/** A pod of the host image running `python -c script` as ServiceAccount `serviceAccount` (a notebook in the cluster). */
export function sdkPod(name: string, python: string, script: string, serviceAccount: string): V1Pod {
  return {
    metadata: { name },
    spec: {
      restartPolicy: "Never",
      serviceAccountName: serviceAccount,
      containers: [{ name: "notebook", image: "python:3", command: [python, "-c", script] }],
    },
  };
}
