import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { AppState } from "../api/v1beta2/constants.js";
import type { SparkApplication, SparkApplicationStatus } from "../api/v1beta2/sparkapplication.js";

/** The reference operator's metric names, plus work-queue, reconcile and submit-latency metrics. */
export class OperatorMetrics {
  readonly registry = new Registry();
  private readonly labels = ["app_namespace"] as const;
  readonly appCount = new Counter({
    name: "spark_application_count",
    help: "SparkApplications seen",
    labelNames: this.labels,
    registers: [this.registry],
  });
  readonly submitCount = new Counter({
    name: "spark_application_submit_count",
    help: "SparkApplications submitted",
    labelNames: this.labels,
    registers: [this.registry],
  });
  readonly failedSubmissionCount = new Counter({
    name: "spark_application_failed_submission_count",
    help: "SparkApplications whose submission failed",
    labelNames: this.labels,
    registers: [this.registry],
  });
  readonly runningCount = new Gauge({
    name: "spark_application_running_count",
    help: "SparkApplications running",
    labelNames: this.labels,
    registers: [this.registry],
  });
  readonly successCount = new Counter({
    name: "spark_application_success_count",
    help: "SparkApplications completed",
    labelNames: this.labels,
    registers: [this.registry],
  });
  readonly failureCount = new Counter({
    name: "spark_application_failure_count",
    help: "SparkApplications failed",
    labelNames: this.labels,
    registers: [this.registry],
  });
  readonly successExecutionTime = new Histogram({
    name: "spark_application_success_execution_time_seconds",
    help: "Submission to completion of successful runs",
    labelNames: this.labels,
    buckets: [10, 30, 60, 120, 300, 600, 1800, 3600, 7200],
    registers: [this.registry],
  });
  readonly failureExecutionTime = new Histogram({
    name: "spark_application_failure_execution_time_seconds",
    help: "Submission to failure of failed runs",
    labelNames: this.labels,
    buckets: [10, 30, 60, 120, 300, 600, 1800, 3600, 7200],
    registers: [this.registry],
  });
  readonly submitLatency = new Histogram({
    name: "spark_application_submit_latency_seconds",
    help: "SparkApplication creation to submission",
    labelNames: this.labels,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly startLatency = new Histogram({
    name: "spark_application_start_latency_seconds",
    help: "SparkApplication creation to a running driver",
    labelNames: this.labels,
    buckets: [1, 2.5, 5, 10, 20, 30, 60, 120, 300],
    registers: [this.registry],
  });
  readonly executorRunningCount = new Gauge({
    name: "spark_executor_running_count",
    help: "Spark executors running",
    labelNames: this.labels,
    registers: [this.registry],
  });
  readonly executorSuccessCount = new Counter({
    name: "spark_executor_success_count",
    help: "Spark executors completed",
    labelNames: this.labels,
    registers: [this.registry],
  });
  readonly executorFailureCount = new Counter({
    name: "spark_executor_failure_count",
    help: "Spark executors failed",
    labelNames: this.labels,
    registers: [this.registry],
  });
  /** Submission itself (building and creating the driver objects), in milliseconds. */
  readonly submitDurationMs = new Histogram({
    name: "sparkplane_submit_duration_milliseconds",
    help: "Time to create a run's driver objects",
    labelNames: ["submitter"],
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000],
    registers: [this.registry],
  });
  readonly reconcileDuration = new Histogram({
    name: "sparkplane_reconcile_duration_seconds",
    help: "Duration of one reconcile",
    labelNames: ["controller", "result"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: "workqueue_depth",
    help: "Current depth of the work queue",
    labelNames: ["name"],
    registers: [this.registry],
  });
  readonly queueAdds = new Counter({
    name: "workqueue_adds_total",
    help: "Adds handled by the work queue",
    labelNames: ["name"],
    registers: [this.registry],
  });
  readonly queueRetries = new Counter({
    name: "workqueue_retries_total",
    help: "Retries handled by the work queue",
    labelNames: ["name"],
    registers: [this.registry],
  });
  readonly queueLatency = new Histogram({
    name: "workqueue_queue_duration_seconds",
    help: "Time an item waits in the queue",
    labelNames: ["name"],
    buckets: [0.0001, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60],
    registers: [this.registry],
  });
  readonly queueWork = new Histogram({
    name: "workqueue_work_duration_seconds",
    help: "Time processing an item",
    labelNames: ["name"],
    buckets: [0.0001, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60],
    registers: [this.registry],
  });

  constructor(opts: { processMetrics?: boolean } = {}) {
    if (opts.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Counts what a status change means, from the states before and after (the only inputs needed). */
  observeTransition(
    app: SparkApplication,
    before: SparkApplicationStatus | undefined,
    after: SparkApplicationStatus | undefined,
  ): void {
    const ns = { app_namespace: app.metadata.namespace ?? "" };
    const was = before?.applicationState?.state ?? "";
    const now = after?.applicationState?.state ?? "";
    if (was === now) return;
    if (was === "" && !before?.submissionAttempts) this.appCount.inc(ns);
    const created = Date.parse(app.metadata.creationTimestamp ? String(app.metadata.creationTimestamp) : "");
    const submittedAt = Date.parse(after?.lastSubmissionAttemptTime ?? "");
    const seconds = (from: number) =>
      Number.isFinite(from) ? Math.max(0, (Date.now() - from) / 1000) : undefined;
    if (now === AppState.Submitted) {
      this.submitCount.inc(ns);
      const s = seconds(created);
      if (s !== undefined && (after?.submissionAttempts ?? 0) <= 1) this.submitLatency.observe(ns, s);
    }
    if (now === AppState.SubmissionFailed) this.failedSubmissionCount.inc(ns);
    if (now === AppState.Running) {
      this.runningCount.inc(ns);
      const s = seconds(created);
      if (s !== undefined && (after?.executionAttempts ?? 0) <= 1) this.startLatency.observe(ns, s);
    }
    if (was === AppState.Running) this.runningCount.dec(ns);
    if (now === AppState.Completed) {
      this.successCount.inc(ns);
      const s = seconds(submittedAt);
      if (s !== undefined) this.successExecutionTime.observe(ns, s);
    }
    if (now === AppState.Failed) {
      this.failureCount.inc(ns);
      const s = seconds(submittedAt);
      if (s !== undefined) this.failureExecutionTime.observe(ns, s);
    }
  }

  /** Executor counters from the per-executor state map of the status. */
  observeExecutors(
    app: SparkApplication,
    before: SparkApplicationStatus | undefined,
    after: SparkApplicationStatus | undefined,
  ): void {
    const ns = { app_namespace: app.metadata.namespace ?? "" };
    const old = before?.executorState ?? {};
    for (const [pod, state] of Object.entries(after?.executorState ?? {})) {
      const prev = old[pod];
      if (prev === state) continue;
      if (state === "RUNNING") this.executorRunningCount.inc(ns);
      if (prev === "RUNNING") this.executorRunningCount.dec(ns);
      if (state === "COMPLETED") this.executorSuccessCount.inc(ns);
      if (state === "FAILED") this.executorFailureCount.inc(ns);
    }
  }
}
