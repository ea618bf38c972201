/** The options and figures of `sparkplane bench submit` (the figures are what `--json` writes). */
import type { LatencySummary } from "./stats.js";

export type SubmitterKind = "native" | "spark-submit";

export interface SubmitBenchOptions {
  /** SparkApplications of the native run (and of a spark-submit-only run). */
  apps: number;
  /** Creations per second; undefined = one burst (`concurrency` creations in flight). */
  rate?: number;
  submitter: SubmitterKind | "both";
  /** SparkApplications of the spark-submit run when `submitter` is "both" (each one is a JVM). */
  sparkSubmitApps: number;
  /** The operator's --workers. */
  workers: number;
  /** Burst mode: creations in flight at once. */
  concurrency: number;
  /** After the burst settles, watch the operator's memory for `steadySeconds` more. */
  steady: boolean;
  /** Pods per window of apiserverCpuMsPerAppByWindow (default a fifth of the apps, at least 100). */
  windowApps?: number;
  steadySeconds: number;
  /**
   * Write the operator's V8 CPU profile (node --cpu-prof) into this directory, and Go CPU profiles of the API
   * server, controller-manager and scheduler over the `cpuProfSeconds` after the first create.
   */
  cpuProfDir?: string;
  cpuProfSeconds?: number;
  /** Extra arguments for `sparkplane operator`. */
  operatorArgs: string[];
  /** Extra arguments for the operator's node (e.g. --heapsnapshot-signal=SIGUSR2). */
  nodeArgs?: string[];
  /** Give up waiting for driver pods after this long (default from the app count). */
  timeoutMs?: number;
  /** GOGC of the control plane's Go processes (etcd, kube-apiserver, controller-manager, scheduler). */
  gogc?: number;
  /** Apps name a SparkQueue (no quota reached): latency runs to the driver's queue gate removal. */
  queue?: boolean;
  /** Keep the embedded cluster running afterwards (its state dir is printed). */
  keep: boolean;
  log: (line: string) => void;
}

/** The figures of one submitter's run. */
export interface RunResult {
  submitter: SubmitterKind;
  namespace: string;
  apps: number;
  /** Apps whose driver pod the watch saw. */
  appsWithDriverPod: number;
  mode: "burst" | "rate";
  /** Through a SparkQueue: latency and throughput count admitted (ungated) driver pods. */
  queue: boolean;
  ratePerSec: number | null;
  concurrency: number | null;
  workers: number;
  /** The operator's node flags (OPERATOR_NODE_FLAGS, then --node-arg, then profiling flags). */
  operatorNodeArgs: string[];
  /** appsWithDriverPod / (last driver pod ADDED - first create sent), apps/s. */
  throughputAppsPerSec: number;
  /** The most driver pods seen in any 5 s window, per second. */
  peakThroughput5sAppsPerSec: number;
  /** Seconds from the first create sent to the last driver pod seen. */
  burstSeconds: number;
  /** Seconds the bench took to create every SparkApplication. */
  createSeconds: number;
  createErrors: number;
  /** Create response received -> driver pod ADDED received, per app (ms). */
  latencyMs: LatencySummary;
  /** Create request sent -> driver pod ADDED received (ms). */
  latencyFromRequestMs: LatencySummary;
  /** Through a queue: the admission alone, gated driver pod seen -> its gate removal seen (ms). */
  admissionMs?: LatencySummary;
  /** Through a queue: drivers created ungated, the queue having admitted their app at its submission. */
  admittedAtSubmission?: number;
  /** Duration of the bench's create requests (ms). */
  createRequestMs: LatencySummary;
  /** Operator CPU (user + system, plus its reaped children: the spark-submit JVMs), first create -> settled. */
  operatorCpuSeconds: number;
  /** Of which the operator process itself. */
  operatorCpuSecondsSelf: number;
  operatorCpuMsPerApp: number;
  /** CPU of start-up and cache sync, before the first create. */
  operatorStartupCpuSeconds: number;
  /** VmHWM of the operator process. */
  operatorPeakRssMB: number;
  /** Highest sampled RSS of the operator and its children (the spark-submit JVMs), sampled every 250 ms. */
  operatorTreePeakRssMB: number;
  operatorRssAfterSettleMB: number;
  operatorHeapUsedAfterSettleMB: number;
  /** The operator's API requests (APF flow schema of its identity) / apps. */
  apiRequestsPerApp: number;
  apiRequestsOperator: number;
  /** Every client's requests (apiserver_request_total delta) by "VERB resource[/subresource]", per app. */
  apiRequestsAllClientsPerApp: Record<string, number>;
  /** The operator's own requests per app by "verb resource" (the API server's audit log). */
  apiRequestsOperatorPerApp: Record<string, number>;
  /**
   * kube-apiserver CPU per driver pod in consecutive windows of the run (`windowApps` pods each): flat when
   * the cost per app does not grow with the number of apps already pending.
   */
  apiserverCpuMsPerAppByWindow: { pods: number; cpuMsPerApp: number }[];
  /** Seconds from the last driver pod to a quiet operator (queue empty, no API requests for 3 s). */
  settleSeconds: number;
  /** CPU seconds of each process over the same interval as operatorCpuSeconds. */
  cpuSecondsByProcess: Record<string, number>;
  /** Peak RSS (VmHWM) of each control-plane process at the end of the run (MB). */
  peakRssMBByProcess: Record<string, number>;
  /** sparkplane_submit_duration_seconds: mean in the operator (ms). */
  operatorSubmitMeanMs: number;
  /** workqueue_queue_duration_seconds mean (ms): time keys waited for a worker. */
  operatorQueueWaitMeanMs: number;
  reconciles: number;
  steady?: {
    seconds: number;
    rssMB: { min: number; max: number; last: number };
    /** kube-apiserver CPU over the steady phase per pending driver pod, in ms per second. */
    apiserverCpuMsPerSecPerPendingPod?: number;
  };
  cpuProfile?: string;
  /** Go pprof files of the control plane (with cpuProfDir). */
  controlPlaneProfiles?: string[];
}

export interface SubmitBenchResult extends Partial<RunResult> {
  benchmark: "submit";
  date: string;
  commit: string;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGB: number;
    kernel: string;
    node: string;
    loadAverageAtStart: number[];
    loadAverageAtEnd: number[];
  };
  kubernetesVersion: string;
  /** GOGC given to the control plane's Go processes (null: Go's default, 100). */
  controlPlaneGOGC: number | null;
  /** How apiRequestsPerApp was counted. */
  apiRequestMethod: string;
  runs: RunResult[];
  comparison?: {
    nativeThroughputAppsPerSec: number;
    sparkSubmitThroughputAppsPerSec: number;
    /** native / spark-submit throughput. */
    throughputRatio: number;
    /** spark-submit / native p50 latency. */
    latencyP50Ratio: number;
    /** spark-submit / native operator CPU per app. */
    cpuPerAppRatio: number;
  };
}
