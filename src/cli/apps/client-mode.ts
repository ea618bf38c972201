/**
 * What a PySpark SparkContext on this host needs to run its executors as pods on the embedded cluster
 * (client mode, seed 003): the API server as master, the namespace and a Spark image for the executors, the
 * kubeconfig for the driver's Kubernetes client, and a driver address the executors reach. Executors run as
 * processes of this host, so the driver binds and advertises loopback; Python workers use the provisioned
 * interpreter (the driver sends its PYSPARK_PYTHON to the executors, and that path exists on this host).
 */
import { SPARK_VERSION } from "../../local/versions.js";

export interface ClientModeInput {
  /** The API server URL, https://host:port. */
  server: string;
  kubeconfig: string;
  namespace: string;
  sparkHome: string;
  python: string;
  /** The executors' image (any image the agent runs as Spark); default spark:<version>. */
  image?: string;
  /** The executors' service account, when not the namespace's default. */
  serviceAccount?: string;
}

export interface ClientModeEnv {
  /** Environment for the process that starts the SparkContext (before the JVM starts). */
  env: Record<string, string>;
  /** SparkConf entries: SparkConf().setAll(sparkConf.items()). */
  sparkConf: Record<string, string>;
}

export function clientModeEnv(input: ClientModeInput): ClientModeEnv {
  const sparkConf: Record<string, string> = {
    "spark.master": `k8s://${input.server}`,
    "spark.submit.deployMode": "client",
    "spark.kubernetes.namespace": input.namespace,
    "spark.kubernetes.container.image": input.image ?? `spark:${SPARK_VERSION}`,
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    // Executors as pods exit with their driver; the driver deletes them when the SparkContext stops.
    "spark.kubernetes.executor.deleteOnTermination": "true",
  };
  if (input.serviceAccount)
    sparkConf["spark.kubernetes.authenticate.executor.serviceAccountName"] = input.serviceAccount;
  return {
    env: {
      KUBECONFIG: input.kubeconfig,
      SPARK_HOME: input.sparkHome,
      PYSPARK_PYTHON: input.python,
    },
    sparkConf,
  };
}

const shellQuote = (v: string) => `'${v.replaceAll("'", `'"'"'`)}'`;

/** As shell lines: exports, then PYSPARK_SUBMIT_ARGS carrying the conf (read by pyspark when it starts the JVM). */
export function asShell(e: ClientModeEnv): string {
  const confArgs = Object.entries(e.sparkConf)
    .map(([k, v]) => `--conf ${k}=${v}`)
    .join(" ");
  return [
    ...Object.entries(e.env).map(([k, v]) => `export ${k}=${shellQuote(v)}`),
    `export PYSPARK_SUBMIT_ARGS=${shellQuote(`${confArgs} pyspark-shell`)}`,
  ].join("\n");
}
