import type { V1Pod } from "@kubernetes/client-node";
import { type Counter, Gauge, type Registry, Summary } from "prom-client";
import { AppState } from "../../api/v1beta2/constants.js";
import type { SparkApplication, SparkApplicationStatus } from "../../api/v1beta2/sparkapplication.js";
import { metricLabelValues, validMetricName } from "./labels.js";
import {
  DEFAULT_START_LATENCY_BUCKETS,
  DEFAULT_SUBMIT_LATENCY_BUCKETS,
  KubeflowAppMetric,
  KubeflowExecutorMetric,
  NAMESPACE_LABEL,
  NEW_STATE_LABEL,
  SparkplaneMetric,
} from "./names.js";
import {
  type AppCounter,
  type AppDuration,
  appTransitionObservations,
  executorPhaseCounter,
} from "./transitions.js";
import { SplitUntypedHistogram, UntypedCounter, UntypedGauge } from "./untyped.js";

/** kubeflow's metric flags: --metrics-prefix, --metrics-labels, --metrics-job-{submit,start}-latency-buckets. */
export interface AppMetricsConfig {
  prefix: string;
  labels: readonly string[];
  submitLatencyBuckets: readonly number[];
  startLatencyBuckets: readonly number[];
}

export const DEFAULT_APP_METRICS_CONFIG: AppMetricsConfig = {
  prefix: "",
  labels: [NAMESPACE_LABEL],
  submitLatencyBuckets: DEFAULT_SUBMIT_LATENCY_BUCKETS,
  startLatencyBuckets: DEFAULT_START_LATENCY_BUCKETS,
};

/** Where the scrape-time gauges count from: the operator's caches, and whether this replica is the acting one. */
export interface ClusterView {
  apps(): Iterable<SparkApplication>;
  /** Spark pods (at least the executors: `spark-role=executor`). */
  pods(): Iterable<V1Pod>;
  active(): boolean;
}

const SPARK_ROLE = "spark-role";

/**
 * The kubeflow operator's SparkApplication and executor metrics: same names (after the prefix), labels and
 * meanings. Counters and latencies follow the status transitions this replica writes; the running gauges
 * and sparkplane_applications are counted from the caches at each scrape, so they stay right across
 * operator restarts, deletions and leader changes.
 */
export class SparkAppMetrics {
  private view: ClusterView | undefined;
  private readonly labelNames: string[];
  private readonly counters: Record<AppCounter, Counter<string>>;
  private readonly summaries: Record<AppDuration, Summary<string>>;
  private readonly histograms: Partial<Record<AppDuration, SplitUntypedHistogram<string>>>;
  private readonly executorCounters: Record<"success" | "failure", Counter<string>>;

  constructor(registry: Registry, config: AppMetricsConfig = DEFAULT_APP_METRICS_CONFIG) {
    this.labelNames = [...config.labels];
    const name = (n: string) => validMetricName(config.prefix, n);
    const registers = [registry];
    const labelNames = this.labelNames;
    const counter = (n: string, help: string) =>
      new UntypedCounter({ name: name(n), help, labelNames, registers });
    const summary = (n: string, help: string) =>
      new Summary({ name: name(n), help, labelNames, percentiles: [], registers });
    const histogram = (n: string, help: string, buckets: readonly number[]) =>
      new SplitUntypedHistogram({ name: name(n), help, labelNames, buckets: [...buckets], registers });
    const M = KubeflowAppMetric;
    this.counters = {
      count: counter(M.Count, "Total number of SparkApplication"),
      submit: counter(M.SubmitCount, "Total number of submitted SparkApplication"),
      failedSubmission: counter(
        M.FailedSubmissionCount,
        "Total number of failed SparkApplication submission",
      ),
      success: counter(M.SuccessCount, "Total number of successful SparkApplication"),
      failure: counter(M.FailureCount, "Total number of failed SparkApplication"),
    };
    this.summaries = {
      successExecutionTime: summary(
        M.SuccessExecutionTimeSeconds,
        "Spark App execution time of successful runs: last submission attempt to termination",
      ),
      failureExecutionTime: summary(
        M.FailureExecutionTimeSeconds,
        "Spark App execution time of failed runs: last submission attempt to termination",
      ),
      submitLatency: summary(
        M.SubmitLatencySeconds,
        "Spark App Submit Latency from creation to submitted state",
      ),
      startLatency: summary(M.StartLatencySeconds, "Spark App Start Latency via the Operator"),
    };
    this.histograms = {
      submitLatency: histogram(
        M.SubmitLatencySecondsHistogram,
        "Spark App Submit Latency counts in buckets from creation to submitted state",
        config.submitLatencyBuckets,
      ),
      startLatency: histogram(
        M.StartLatencySecondsHistogram,
        "Spark App Start Latency counts in buckets via the Operator",
        config.startLatencyBuckets,
      ),
    };
    const E = KubeflowExecutorMetric;
    this.executorCounters = {
      success: counter(E.SuccessCount, "Total number of successful Spark executors"),
      failure: counter(E.FailureCount, "Total number of failed Spark executors"),
    };
    const self = this;
    new UntypedGauge({
      name: name(M.RunningCount),
      help: "Total number of running SparkApplication",
      labelNames,
      registers,
      collect() {
        this.reset();
        for (const app of self.activeApps()) {
          if (app.status?.applicationState?.state === AppState.Running) this.inc(self.labelsOfApp(app));
        }
      },
    });
    new UntypedGauge({
      name: name(E.RunningCount),
      help: "Total number of running Spark executors",
      labelNames,
      registers,
      collect() {
        this.reset();
        if (!self.view?.active()) return;
        for (const pod of self.view.pods()) {
          if (pod.metadata?.labels?.[SPARK_ROLE] === "executor" && pod.status?.phase === "Running")
            this.inc(self.labelsOf(pod.metadata));
        }
      },
    });
    new Gauge({
      name: SparkplaneMetric.Applications,
      help: "SparkApplications in the operator's cache, by state (NEW: not handled yet)",
      labelNames: [...labelNames.filter((l) => l !== "state"), "state"],
      registers,
      collect() {
        this.reset();
        for (const app of self.activeApps()) {
          const state = app.status?.applicationState?.state || NEW_STATE_LABEL;
          this.inc({ ...self.labelsOfApp(app), state });
        }
      },
    });
  }

  /** The caches the scrape-time gauges count from. */
  setClusterView(view: ClusterView): void {
    this.view = view;
  }

  /** Records what a status change written by this replica means. */
  observeTransition(
    app: SparkApplication,
    before: SparkApplicationStatus | undefined,
    after: SparkApplicationStatus | undefined,
    nowMs = Date.now(),
  ): void {
    const observations = appTransitionObservations(app.metadata.creationTimestamp, before, after, nowMs);
    if (observations.length === 0) return;
    const labels = this.labelsOfApp(app);
    for (const o of observations) {
      if (o.kind === "counter") {
        this.counters[o.counter].inc(labels);
      } else {
        this.summaries[o.duration].observe(labels, o.seconds);
        this.histograms[o.duration]?.observe(labels, o.seconds);
      }
    }
  }

  /** Records an executor pod's phase change seen by this replica (kubeflow counts the same from its pod events). */
  observeExecutorPod(before: V1Pod | undefined, after: V1Pod): void {
    if (after.metadata?.labels?.[SPARK_ROLE] !== "executor" || !this.view?.active()) return;
    const which = executorPhaseCounter(before?.status?.phase, after.status?.phase);
    if (which) this.executorCounters[which].inc(this.labelsOf(after.metadata));
  }

  private *activeApps(): Iterable<SparkApplication> {
    if (this.view?.active()) yield* this.view.apps();
  }

  private labelsOfApp(app: SparkApplication): Record<string, string> {
    return this.labelsOf(app.metadata);
  }

  private labelsOf(meta: { namespace?: string; labels?: Record<string, string> } | undefined) {
    return metricLabelValues(this.labelNames, meta ?? {});
  }
}
