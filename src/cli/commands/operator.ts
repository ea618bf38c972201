import type { Command } from "commander";
import { loadKubeConfig } from "../../kube/config.js";
import { defaultListenHost, defaultOwnNamespace, serviceAccountNamespace } from "../../kube/pod-env.js";
import { findSpark } from "../../local/provision/spark.js";
import { SPARK4_VERSION } from "../../local/versions.js";
import { DEFAULT_NODE_STATS_INTERVAL_MS } from "../../operator/controllers/cost/index.js";
import { parseBuckets, parseMetricLabels, parseMetricPrefix } from "../../operator/metrics/labels.js";
import type { AppMetricsConfig } from "../../operator/metrics.js";
import { startOperator } from "../../operator/operator.js";

interface OperatorFlags {
  kubeconfig?: string;
  namespaces?: string;
  workers: number;
  submitter: string;
  metricsPort: number;
  metricsHost?: string;
  metricsPrefix: string;
  metricsLabels?: string[];
  metricsJobSubmitLatencyBuckets?: string;
  metricsJobStartLatencyBuckets?: string;
  installCrds: boolean;
  enableUiService: boolean;
  queueCapacityCheck: boolean;
  queueAdmitAtSubmission: boolean;
  resyncSeconds: number;
  nodeStatsInterval: number;
  sparkSubmitTimeoutSeconds: number;
  sparkSubmitConcurrency?: number;
  logLevel: string;
  stateDir?: string;
  leaderElect: boolean;
  leaderElectionNamespace?: string;
  leaderElectionName: string;
}

/** kubeflow's boolean flags: `--flag`, `--flag=true`, `--flag=false`. */
function bool(name: string) {
  return (v: string) => {
    if (v === "true") return true;
    if (v === "false") return false;
    throw new Error(`${name} must be true or false, got "${v}"`);
  };
}

function positiveInt(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number >= 0, got "${v}"`);
    return n;
  };
}

/** kubeflow's metric flags, checked before anything connects. */
function appMetricsConfig(flags: OperatorFlags): Partial<AppMetricsConfig> {
  const submit = flags.metricsJobSubmitLatencyBuckets;
  const start = flags.metricsJobStartLatencyBuckets;
  return {
    prefix: parseMetricPrefix(flags.metricsPrefix),
    ...(flags.metricsLabels ? { labels: parseMetricLabels(flags.metricsLabels) } : {}),
    ...(submit ? { submitLatencyBuckets: parseBuckets("--metrics-job-submit-latency-buckets", submit) } : {}),
    ...(start ? { startLatencyBuckets: parseBuckets("--metrics-job-start-latency-buckets", start) } : {}),
  };
}

export function registerOperator(program: Command): void {
  program
    .command("operator")
    .description("run the SparkApplication operator (sparkoperator.k8s.io/v1beta2) against a cluster")
    .option("--kubeconfig <path>", "kubeconfig (default: KUBECONFIG, ~/.kube/config, or in-cluster)")
    .option("--namespaces <list>", "comma-separated namespaces to watch (default: all)")
    .option("--workers <n>", "concurrent reconciles", positiveInt("--workers"), 10)
    .option(
      "--submitter <kind>",
      "native (build driver objects in-process) or spark-submit (reference/fallback)",
      "native",
    )
    .option(
      "--metrics-port <port>",
      "port of /metrics, /healthz, /readyz",
      positiveInt("--metrics-port"),
      8080,
    )
    .option(
      "--metrics-host <host>",
      "address of /metrics, /healthz, /readyz (default: POD_IP, else 127.0.0.1)",
    )
    .option("--metrics-prefix <prefix>", "put in front of the SparkApplication and executor metric names", "")
    .option(
      "--metrics-labels <labels>",
      "labels of the SparkApplication and executor metrics, taken from the app's labels (namespace: its namespace); comma-separated or repeated",
      (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
    )
    .option(
      "--metrics-job-submit-latency-buckets <list>",
      "buckets (s) of spark_application_submit_latency_seconds_histogram (default 0.5,1,2,4,8,16,32,64,128,256)",
    )
    .option(
      "--metrics-job-start-latency-buckets <list>",
      "buckets (s) of spark_application_start_latency_seconds_histogram (default 30,60,...,300)",
    )
    .option("--no-install-crds", "do not create or update the CRDs at start-up")
    .option(
      "--enable-ui-service [bool]",
      "create kubeflow's Spark UI Service (<app>-ui-svc) for each running app; =false saves a Service, a ClusterIP and an EndpointSlice per app (the UI stays reachable through the driver's own Service)",
      bool("--enable-ui-service"),
      true,
    )
    .option(
      "--no-queue-capacity-check",
      "SparkQueues admit within their quotas only, without checking that the nodes' allocatable takes the app",
    )
    .option(
      "--no-queue-admit-at-submission",
      "create every queued driver gated, even when its queue would admit it at once (then the gate is removed)",
    )
    .option(
      "--resync-seconds <s>",
      "re-deliver every cached object this often",
      positiveInt("--resync-seconds"),
      300,
    )
    .option(
      "--node-stats-interval <s>",
      "read the used CPU of Spark pods from their nodes' /stats/summary this often (the kubelet authorizes it as nodes/stats get; 0: off, cost records requests only)",
      positiveInt("--node-stats-interval"),
      DEFAULT_NODE_STATS_INTERVAL_MS / 1000,
    )
    .option(
      "--spark-submit-timeout-seconds <s>",
      "kill a spark-submit that runs longer",
      positiveInt("--spark-submit-timeout-seconds"),
      120,
    )
    .option(
      "--spark-submit-concurrency <n>",
      "spark-submit JVMs at once (default: the machine's CPUs)",
      positiveInt("--spark-submit-concurrency"),
    )
    .option("--log-level <level>", "pino level", "info")
    .option("--leader-elect", "run workers only while holding a Lease (for several replicas)", false)
    .option(
      "--leader-election-namespace <ns>",
      "namespace of the Lease (default: POD_NAMESPACE, the service account's namespace in-cluster, else default)",
    )
    .option("--leader-election-name <name>", "name of the Lease", "sparkplane-operator")
    .option("--state-dir <dir>", "(set by `sparkplane up`; marks the process as the embedded cluster's)")
    .action(async (flags: OperatorFlags) => {
      if (flags.submitter !== "native" && flags.submitter !== "spark-submit") {
        throw new Error(`--submitter must be native or spark-submit, got "${flags.submitter}"`);
      }
      if (flags.sparkSubmitConcurrency === 0) {
        throw new Error("--spark-submit-concurrency must be at least 1");
      }
      const metrics = appMetricsConfig(flags);
      const spark = flags.submitter === "spark-submit" ? findSpark() : undefined;
      const spark4 = flags.submitter === "spark-submit" ? findSpark(SPARK4_VERSION) : undefined;
      const running = await startOperator({
        kc: loadKubeConfig(flags.kubeconfig),
        namespaces: flags.namespaces
          ? flags.namespaces
              .split(",")
              .map((s) => s.trim())
              .filter(Boolean)
          : [],
        workers: Math.max(1, flags.workers),
        submitter: flags.submitter,
        sparkSubmit: spark && {
          sparkSubmit: spark.sparkSubmit,
          sparkHome: spark.sparkHome,
          version: spark.version,
          others: spark4 ? [spark4] : [],
          kubeconfigPath: flags.kubeconfig,
          timeoutMs: flags.sparkSubmitTimeoutSeconds * 1000,
          maxConcurrent: flags.sparkSubmitConcurrency,
        },
        metricsPort: flags.metricsPort,
        metricsHost: flags.metricsHost ?? defaultListenHost(process.env),
        metrics,
        installCrds: flags.installCrds,
        decide: { enableUIService: flags.enableUiService },
        queueCapacityCheck: flags.queueCapacityCheck,
        queueAdmitAtSubmission: flags.queueAdmitAtSubmission,
        resyncMs: flags.resyncSeconds * 1000,
        nodeStatsIntervalMs: flags.nodeStatsInterval * 1000,
        logLevel: flags.logLevel,
        leaderElection: flags.leaderElect
          ? {
              namespace:
                flags.leaderElectionNamespace ?? defaultOwnNamespace(process.env, serviceAccountNamespace()),
              name: flags.leaderElectionName,
            }
          : undefined,
      });
      const stop = async () => {
        await running.stop();
        process.exit(0);
      };
      process.once("SIGTERM", () => void stop());
      process.once("SIGINT", () => void stop());
    });
}
