/** How the driver and executor pods of a SparkApplication map to driver, executor and application states. */
import type { V1ContainerStateTerminated, V1Pod } from "@kubernetes/client-node";

// TODO(shared constants): replace with src/api/v1beta2/constants.ts and src/spark/constants.ts once committed.
const PodState = {
  Pending: "PENDING",
  Running: "RUNNING",
  Completed: "COMPLETED",
  Failed: "FAILED",
  Unknown: "UNKNOWN",
} as const;
const AppStateForDriver = {
  Submitted: "SUBMITTED",
  Running: "RUNNING",
  Succeeding: "SUCCEEDING",
  Failing: "FAILING",
  Unknown: "UNKNOWN",
} as const;
const SparkLabel = {
  AppSelector: "spark-app-selector",
  Role: "spark-role",
} as const;
const SparkRole = { Driver: "driver", Executor: "executor" } as const;
const SUBMISSION_ID_LABEL = "sparkoperator.k8s.io/submission-id";
const DRIVER_CONTAINER = "spark-kubernetes-driver";
const EXECUTOR_CONTAINERS = ["spark-kubernetes-executor", "executor"] as const;

/** The state of one Spark pod; the values of `status.executorState`, also used for the driver. */
export type PodState = (typeof PodState)[keyof typeof PodState];
export type AppStateForDriver = (typeof AppStateForDriver)[keyof typeof AppStateForDriver];

export interface ContainerTermination {
  exitCode: number;
  reason?: string;
  message?: string;
}

export function isTerminalPodState(state: PodState | string | undefined): boolean {
  return state === PodState.Completed || state === PodState.Failed;
}

/**
 * The driver's state. A pod still Running whose driver container has terminated (sidecars keep it up) counts
 * as finished, and a Failed pod whose driver container exited 0 (a sidecar failed) counts as completed.
 */
export function driverStateOf(pod: V1Pod): PodState {
  const termination = driverTermination(pod);
  switch (pod.status?.phase) {
    case "Pending":
      return PodState.Pending;
    case "Running":
      if (termination === undefined) return PodState.Running;
      return termination.exitCode === 0 ? PodState.Completed : PodState.Failed;
    case "Succeeded":
      return PodState.Completed;
    case "Failed":
      return termination?.exitCode === 0 ? PodState.Completed : PodState.Failed;
    default:
      return PodState.Unknown;
  }
}

export function executorStateOf(pod: V1Pod): PodState {
  switch (pod.status?.phase) {
    case "Pending":
      return PodState.Pending;
    case "Running":
      return PodState.Running;
    case "Succeeded":
      return PodState.Completed;
    case "Failed":
      return PodState.Failed;
    default:
      return PodState.Unknown;
  }
}

export function appStateForDriverState(state: PodState): AppStateForDriver {
  switch (state) {
    case PodState.Pending:
      return AppStateForDriver.Submitted;
    case PodState.Running:
      return AppStateForDriver.Running;
    case PodState.Completed:
      return AppStateForDriver.Succeeding;
    case PodState.Failed:
      return AppStateForDriver.Failing;
    default:
      return AppStateForDriver.Unknown;
  }
}

/** The terminated state of the driver container; with a single container, that container's. */
export function driverTermination(pod: V1Pod): ContainerTermination | undefined {
  return containerTermination(pod, [DRIVER_CONTAINER]);
}

export function executorTermination(pod: V1Pod): ContainerTermination | undefined {
  return containerTermination(pod, EXECUTOR_CONTAINERS);
}

/** `status.applicationState.errorMessage` for a failed driver: exit code, reason and message. */
export function driverFailureMessage(pod: V1Pod): string {
  const termination = driverTermination(pod);
  if (termination === undefined) {
    return withDetails("driver container status missing", pod.status?.reason, pod.status?.message);
  }
  return withDetails(
    `driver container failed with ExitCode: ${termination.exitCode}`,
    termination.reason,
    termination.message ?? pod.status?.message,
  );
}

/** Exit code, reason and message of a failed executor, with explicit placeholders when unknown. */
export function executorFailureDetails(pod: V1Pod): Required<ContainerTermination> {
  const termination = executorTermination(pod);
  return {
    exitCode: termination?.exitCode ?? -1,
    reason: termination?.reason ?? pod.status?.reason ?? "Unknown (Container not Found)",
    message: termination?.message ?? pod.status?.message ?? "",
  };
}

export function isExecutorPod(pod: V1Pod): boolean {
  return pod.metadata?.labels?.[SparkLabel.Role] === SparkRole.Executor;
}

/** The Spark application id (`spark-<hex>`) Spark stamped on the pod. */
export function sparkApplicationIdOf(pod: V1Pod): string | undefined {
  return nonEmpty(pod.metadata?.labels?.[SparkLabel.AppSelector]);
}

export function submissionIdOf(pod: V1Pod): string | undefined {
  return nonEmpty(pod.metadata?.labels?.[SUBMISSION_ID_LABEL]);
}

/** Spark's executor id from the `<prefix>-exec-<N>` pod name (0 when the name has no such suffix). */
export function executorIdFromName(podName: string): number {
  const match = /-exec-(\d+)$/.exec(podName);
  return match?.[1] === undefined ? 0 : Number(match[1]);
}

function containerTermination(pod: V1Pod, names: readonly string[]): ContainerTermination | undefined {
  const statuses = pod.status?.containerStatuses ?? [];
  const named = statuses.find((status) => names.includes(status.name));
  const container = named ?? (statuses.length === 1 ? statuses[0] : undefined);
  const terminated: V1ContainerStateTerminated | undefined = container?.state?.terminated;
  if (terminated === undefined) return undefined;
  return {
    exitCode: terminated.exitCode,
    ...(nonEmpty(terminated.reason) === undefined ? {} : { reason: terminated.reason }),
    ...(nonEmpty(terminated.message) === undefined ? {} : { message: terminated.message }),
  };
}

function withDetails(base: string, reason: string | undefined, message: string | undefined): string {
  let text = base;
  if (nonEmpty(reason) !== undefined) text += `, Reason: ${reason}`;
  if (nonEmpty(message) !== undefined) text += `, Message: ${message?.trim()}`;
  return text;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
