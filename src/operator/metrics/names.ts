/**
 * Metric names and defaults the outside world defines: the kubeflow spark-operator's (v2.x,
 * pkg/common/metrics.go and its controller's flags), controller-runtime's work-queue and reconcile metrics
 * (v0.20, which kubeflow's operator is built on), and sparkplane's own.
 */

/** SparkApplication metrics; the kubeflow operator puts `--metrics-prefix` in front of each. */
export const KubeflowAppMetric = {
  Count: "spark_application_count",
  SubmitCount: "spark_application_submit_count",
  FailedSubmissionCount: "spark_application_failed_submission_count",
  RunningCount: "spark_application_running_count",
  SuccessCount: "spark_application_success_count",
  FailureCount: "spark_application_failure_count",
  SuccessExecutionTimeSeconds: "spark_application_success_execution_time_seconds",
  FailureExecutionTimeSeconds: "spark_application_failure_execution_time_seconds",
  SubmitLatencySeconds: "spark_application_submit_latency_seconds",
  SubmitLatencySecondsHistogram: "spark_application_submit_latency_seconds_histogram",
  StartLatencySeconds: "spark_application_start_latency_seconds",
  StartLatencySecondsHistogram: "spark_application_start_latency_seconds_histogram",
} as const;

/** Spark executor metrics (from executor pods' phases); prefixed like the SparkApplication ones. */
export const KubeflowExecutorMetric = {
  RunningCount: "spark_executor_running_count",
  SuccessCount: "spark_executor_success_count",
  FailureCount: "spark_executor_failure_count",
} as const;

/** kubeflow's defaults for `--metrics-job-submit-latency-buckets` / `--metrics-job-start-latency-buckets`. */
export const DEFAULT_SUBMIT_LATENCY_BUCKETS: readonly number[] = [0.5, 1, 2, 4, 8, 16, 32, 64, 128, 256];
export const DEFAULT_START_LATENCY_BUCKETS: readonly number[] = [
  30, 60, 90, 120, 150, 180, 210, 240, 270, 300,
];

/** The label kubeflow fills with the app's namespace; any other label is read from the app's labels. */
export const NAMESPACE_LABEL = "namespace";
/** The value of a configured label the app does not carry (kubeflow's). */
export const UNKNOWN_LABEL_VALUE = "Unknown";

/** controller-runtime's work-queue metrics, labelled `name` and `controller` (both the controller's name). */
export const WorkQueueMetric = {
  Depth: "workqueue_depth",
  Adds: "workqueue_adds_total",
  QueueDuration: "workqueue_queue_duration_seconds",
  WorkDuration: "workqueue_work_duration_seconds",
  UnfinishedWork: "workqueue_unfinished_work_seconds",
  LongestRunningProcessor: "workqueue_longest_running_processor_seconds",
  Retries: "workqueue_retries_total",
} as const;

/** controller-runtime's per-controller reconcile metrics, labelled `controller`. */
export const ControllerRuntimeMetric = {
  ReconcileTotal: "controller_runtime_reconcile_total",
  ReconcileErrors: "controller_runtime_reconcile_errors_total",
  TerminalReconcileErrors: "controller_runtime_terminal_reconcile_errors_total",
  ReconcilePanics: "controller_runtime_reconcile_panics_total",
  ReconcileTime: "controller_runtime_reconcile_time_seconds",
  MaxConcurrentReconciles: "controller_runtime_max_concurrent_reconciles",
  ActiveWorkers: "controller_runtime_active_workers",
  LeaderElectionMasterStatus: "leader_election_master_status",
} as const;

/** `result` values of controller_runtime_reconcile_total. */
export const ReconcileResultLabel = {
  Success: "success",
  Error: "error",
  Requeue: "requeue",
  RequeueAfter: "requeue_after",
} as const;
export type ReconcileResultLabel = (typeof ReconcileResultLabel)[keyof typeof ReconcileResultLabel];

/** Names of the controllers (kubeflow: the lower-cased kind), used as work-queue and controller labels. */
export const ControllerName = {
  SparkApplication: "sparkapplication",
  ScheduledSparkApplication: "scheduledsparkapplication",
  SparkQueue: "sparkqueue",
  Pending: "pending",
  Cost: "cost",
  SparkConnect: "sparkconnect",
  Placement: "placement",
} as const;

/** controller-runtime's work-queue buckets: prometheus.ExponentialBuckets(10e-9, 10, 12). */
export const WORKQUEUE_BUCKETS: readonly number[] = Array.from({ length: 12 }, (_, i) =>
  Number((1e-8 * 10 ** i).toPrecision(1)),
);

/** controller-runtime's controller_runtime_reconcile_time_seconds buckets. */
export const RECONCILE_TIME_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.25,
  1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];

/** sparkplane's own metrics, beyond the ones above. */
export const SparkplaneMetric = {
  /** SparkApplications in the cache by state (and the configured labels). */
  Applications: "sparkplane_applications",
  SubmitDuration: "sparkplane_submit_duration_seconds",
  ReconcileDuration: "sparkplane_reconcile_duration_seconds",
  /** Requested CPU of ended Spark pods times their lifetime, by namespace and queue. */
  RequestedCpuSeconds: "sparkplane_requested_cpu_core_seconds_total",
  /** Requested memory (heap plus overhead) of ended Spark pods times their lifetime, GiB·s. */
  RequestedMemoryGiBSeconds: "sparkplane_requested_memory_gib_seconds_total",
  /** CPU core-seconds ended Spark pods used, as their nodes' Summary API reported. */
  UsedCpuSeconds: "sparkplane_used_cpu_core_seconds_total",
} as const;

/** The state label of sparkplane_applications for an app with no state yet (kubeflow's name for it). */
export const NEW_STATE_LABEL = "NEW";
