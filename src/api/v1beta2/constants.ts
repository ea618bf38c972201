/** Names and enumerations of the `sparkoperator.k8s.io/v1beta2` API. One place per domain. */

export const GROUP = "sparkoperator.k8s.io";
export const VERSION = "v1beta2";
export const API_VERSION = `${GROUP}/${VERSION}` as const;

export const SparkApplicationNames = {
  kind: "SparkApplication",
  listKind: "SparkApplicationList",
  plural: "sparkapplications",
  singular: "sparkapplication",
  shortNames: ["sparkapp"],
} as const;

export const ScheduledSparkApplicationNames = {
  kind: "ScheduledSparkApplication",
  listKind: "ScheduledSparkApplicationList",
  plural: "scheduledsparkapplications",
  singular: "scheduledsparkapplication",
  shortNames: ["scheduledsparkapp"],
} as const;

/** `status.applicationState.state` of a SparkApplication. */
export const AppState = {
  New: "",
  Submitted: "SUBMITTED",
  Running: "RUNNING",
  Succeeding: "SUCCEEDING",
  Completed: "COMPLETED",
  Failing: "FAILING",
  Failed: "FAILED",
  SubmissionFailed: "SUBMISSION_FAILED",
  PendingRerun: "PENDING_RERUN",
  Invalidating: "INVALIDATING",
  Suspending: "SUSPENDING",
  Suspended: "SUSPENDED",
  Resuming: "RESUMING",
  Unknown: "UNKNOWN",
} as const;
export type AppState = (typeof AppState)[keyof typeof AppState];
export const APP_STATES: readonly AppState[] = Object.values(AppState);

/** States after which the application never runs again on its own. */
export const TERMINAL_APP_STATES: readonly AppState[] = [AppState.Completed, AppState.Failed];

/** Values of `status.executorState[<pod name>]`; the driver pod is tracked with the same values. */
export const ExecutorState = {
  Pending: "PENDING",
  Running: "RUNNING",
  Completed: "COMPLETED",
  Failed: "FAILED",
  Unknown: "UNKNOWN",
} as const;
export type ExecutorState = (typeof ExecutorState)[keyof typeof ExecutorState];
export const EXECUTOR_STATES: readonly ExecutorState[] = Object.values(ExecutorState);

export const DriverState = ExecutorState;
export type DriverState = ExecutorState;

/** `status.scheduleState` of a ScheduledSparkApplication. */
export const ScheduleState = {
  New: "",
  Validating: "Validating",
  Scheduled: "Scheduled",
  FailedValidation: "FailedValidation",
} as const;
export type ScheduleState = (typeof ScheduleState)[keyof typeof ScheduleState];
export const SCHEDULE_STATES: readonly ScheduleState[] = Object.values(ScheduleState);

export const SparkApplicationType = {
  Java: "Java",
  Python: "Python",
  Scala: "Scala",
  R: "R",
} as const;
export type SparkApplicationType = (typeof SparkApplicationType)[keyof typeof SparkApplicationType];

export const DeployMode = { Cluster: "cluster", Client: "client" } as const;
export type DeployMode = (typeof DeployMode)[keyof typeof DeployMode];

export const RestartPolicyType = { Never: "Never", OnFailure: "OnFailure", Always: "Always" } as const;
export type RestartPolicyType = (typeof RestartPolicyType)[keyof typeof RestartPolicyType];

export const SecretType = {
  GCPServiceAccount: "GCPServiceAccount",
  HadoopDelegationToken: "HadoopDelegationToken",
  Generic: "Generic",
} as const;
export type SecretType = (typeof SecretType)[keyof typeof SecretType];

export const ConcurrencyPolicy = { Allow: "Allow", Forbid: "Forbid", Replace: "Replace" } as const;
export type ConcurrencyPolicy = (typeof ConcurrencyPolicy)[keyof typeof ConcurrencyPolicy];

/** Kubernetes Event reasons emitted for SparkApplications and their pods. */
export const EventReason = {
  SparkApplicationAdded: "SparkApplicationAdded",
  SparkApplicationSubmitted: "SparkApplicationSubmitted",
  SparkApplicationSubmissionFailed: "SparkApplicationSubmissionFailed",
  SparkApplicationCompleted: "SparkApplicationCompleted",
  SparkApplicationFailed: "SparkApplicationFailed",
  SparkApplicationPendingRerun: "SparkApplicationPendingRerun",
  SparkApplicationSuspending: "SparkApplicationSuspending",
  SparkApplicationSuspended: "SparkApplicationSuspended",
  SparkApplicationResuming: "SparkApplicationResuming",
  SparkDriverPending: "SparkDriverPending",
  SparkDriverRunning: "SparkDriverRunning",
  SparkDriverCompleted: "SparkDriverCompleted",
  SparkDriverFailed: "SparkDriverFailed",
  SparkDriverUnknown: "SparkDriverUnknown",
  SparkExecutorPending: "SparkExecutorPending",
  SparkExecutorRunning: "SparkExecutorRunning",
  SparkExecutorCompleted: "SparkExecutorCompleted",
  SparkExecutorFailed: "SparkExecutorFailed",
  SparkExecutorUnknown: "SparkExecutorUnknown",
} as const;
export type EventReason = (typeof EventReason)[keyof typeof EventReason];

/** Kubernetes Event types (`Normal` / `Warning`). */
export const EventType = { Normal: "Normal", Warning: "Warning" } as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

/** Labels the operator puts on the pods and runs it launches. */
export const OperatorLabel = {
  AppName: `${GROUP}/app-name`,
  LaunchedBySparkOperator: `${GROUP}/launched-by-spark-operator`,
  /** kubeflow's webhook mutates the pods with this label: those of apps without a pod template of their own. */
  MutatedBySparkOperator: `${GROUP}/mutated-by-spark-operator`,
  SubmissionId: `${GROUP}/submission-id`,
  ScheduledAppName: `${GROUP}/scheduled-app-name`,
} as const;
export type OperatorLabel = (typeof OperatorLabel)[keyof typeof OperatorLabel];
