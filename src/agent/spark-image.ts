import { posix } from "node:path";
import { ConfKey, SparkEnv, SparkPath } from "../spark/constants.js";
import type { Mount } from "./volumes.js";

/** The provisioned Spark a Spark-image container runs with. */
export interface SparkRuntime {
  /** Spark's version ("user-provided" for a user's SPARK_HOME). */
  version: string;
  /** The pyspark install (holds bin/, jars/). */
  sparkHome: string;
  /** The interpreter that has pyspark (the virtualenv's python). */
  python: string;
  /** Holds sparkplane-examples.jar, the stand-ins for Apache's examples and the Python examples; mounted at /opt/spark/examples. */
  examplesDir?: string;
  /** Holds the Spark Connect server jar (Spark 3.5; 4.x has it in its jars); mounted at /opt/spark/connect-jars. */
  connectJarsDir?: string;
  /** The host's JAVA_HOME, when set. */
  javaHome?: string;
}

export const EXECUTOR_BACKEND = "org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBackend";
const GENERIC_PYTHONS = new Set(["python", "python3"]);

/** SPARK_JAVA_OPT_<n> values in numeric order of n. */
export function sparkJavaOpts(env: Record<string, string>): string[] {
  const re = new RegExp(`^${SparkEnv.JavaOptPrefix}(\\d+)$`);
  return Object.keys(env)
    .map((k) => [k, re.exec(k)?.[1]] as const)
    .filter((e): e is readonly [string, string] => e[1] !== undefined)
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map(([k]) => env[k]!);
}

/**
 * The executor classpath as the image's entrypoint builds it: SPARK_CONF_DIR, HADOOP_CONF_DIR,
 * SPARK_CLASSPATH, $SPARK_HOME/jars/*, SPARK_EXTRA_CLASSPATH, the working directory, SPARK_DIST_CLASSPATH.
 */
export function executorClasspath(
  env: Record<string, string>,
  sparkHome: string,
  workingDir: string,
): string {
  return [
    env[SparkEnv.ConfDir],
    env[SparkEnv.HadoopConfDir],
    env[SparkEnv.Classpath],
    posix.join(sparkHome, "jars", "*"),
    env.SPARK_EXTRA_CLASSPATH,
    workingDir,
    env.SPARK_DIST_CLASSPATH,
  ]
    .filter((p): p is string => Boolean(p))
    .join(":");
}

/** An `entrypoint.sh` command (e.g. /opt/entrypoint.sh) stands for the image's entrypoint itself. */
function isEntrypoint(command: string[]): boolean {
  return command.length > 0 && posix.basename(command[0]!) === "entrypoint.sh";
}

/**
 * What a Spark image runs for a container: `driver` -> spark-submit in client mode bound to the pod IP,
 * `executor` -> the executor backend on the JVM, anything else as given. Returns the argv (a command of
 * the container, other than the entrypoint, is run as given, as in the image).
 */
export function sparkArgv(
  cmd: { command: string[]; args: string[] },
  env: Record<string, string>,
  podIP: string,
  spark: SparkRuntime,
  workingDir: string,
): string[] {
  const entry = cmd.command.length === 0 || isEntrypoint(cmd.command);
  const args = entry ? [...cmd.command.slice(1), ...cmd.args] : [...cmd.command, ...cmd.args];
  if (!entry) return args;
  const [first, ...rest] = args;
  if (first === "driver") {
    const bind = env[SparkEnv.DriverBindAddress] || podIP;
    return [
      posix.join(spark.sparkHome, "bin", "spark-submit"),
      "--conf",
      `spark.driver.bindAddress=${bind}`,
      "--conf",
      `spark.executorEnv.${SparkEnv.DriverPodIp}=${bind}`,
      // Pods share the host's network here: a Spark Connect server must listen on its pod's address only
      // (on a real node it listens on every address of its own network namespace).
      "--conf",
      `${ConfKey.ConnectGrpcBindingAddress}=${bind}`,
      "--deploy-mode",
      "client",
      ...rest,
    ];
  }
  if (first === "executor") {
    const memory = env[SparkEnv.ExecutorMemory];
    const java = spark.javaHome ? posix.join(spark.javaHome, "bin", "java") : "java";
    return [
      java,
      ...sparkJavaOpts(env),
      ...(memory ? [`-Xms${memory}`, `-Xmx${memory}`] : []),
      "-cp",
      executorClasspath(env, spark.sparkHome, workingDir),
      EXECUTOR_BACKEND,
      "--driver-url",
      env[SparkEnv.DriverUrl] ?? "",
      "--executor-id",
      env[SparkEnv.ExecutorId] ?? "",
      "--cores",
      env[SparkEnv.ExecutorCores] ?? "",
      "--app-id",
      env[SparkEnv.ApplicationId] ?? "",
      "--hostname",
      env[SparkEnv.ExecutorPodIp] || podIP,
      "--resourceProfileId",
      env[SparkEnv.ResourceProfileId] ?? "",
      "--podName",
      env[SparkEnv.ExecutorPodName] ?? "",
    ];
  }
  return args;
}

/**
 * The image's environment, with the provisioned Spark: SPARK_HOME (the pyspark install), JAVA_HOME, a PATH
 * with the virtualenv and Spark's bin first, and PYSPARK_PYTHON / PYSPARK_DRIVER_PYTHON pointing at the
 * interpreter that has pyspark when the pod leaves them unset or generic ("python3"), and SPARK_LOCAL_IP
 * (unless set) the pod IP.
 */
export function sparkEnv(
  env: Record<string, string>,
  spark: SparkRuntime,
  hostPath: string,
  podIP: string,
): Record<string, string> {
  const out: Record<string, string> = { ...env, SPARK_HOME: spark.sparkHome };
  // What Spark would bind to 0.0.0.0 (the UI, ...) goes to SPARK_LOCAL_IP: the pod's own address here,
  // since pods share the host's network namespace.
  out.SPARK_LOCAL_IP ||= podIP;
  if (spark.javaHome) out.JAVA_HOME = spark.javaHome;
  else delete out.JAVA_HOME;
  out.PATH = [posix.dirname(spark.python), posix.join(spark.sparkHome, "bin"), hostPath].join(":");
  for (const k of [SparkEnv.PysparkPython, SparkEnv.PysparkDriverPython]) {
    const v = out[k];
    if (!v || GENERIC_PYTHONS.has(v)) out[k] = spark.python;
  }
  return out;
}

/** The image layout under /opt/spark: Spark's bin, sbin and jars, the examples, and a per-container work-dir. */
export function sparkMounts(spark: SparkRuntime, workDirSource: string): Mount[] {
  const home = SparkPath.Home;
  const mounts: Mount[] = ["bin", "sbin", "jars"].map((d) => ({
    source: posix.join(spark.sparkHome, d),
    target: posix.join(home, d),
    readOnly: true,
  }));
  if (spark.examplesDir)
    mounts.push({ source: spark.examplesDir, target: posix.join(home, "examples"), readOnly: true });
  if (spark.connectJarsDir)
    mounts.push({ source: spark.connectJarsDir, target: SparkPath.ConnectJarsDir, readOnly: true });
  mounts.push({ source: workDirSource, target: SparkPath.WorkDir, readOnly: false, createSource: true });
  return mounts;
}
