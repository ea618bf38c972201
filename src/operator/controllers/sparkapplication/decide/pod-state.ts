/** How the driver and executor pods of a SparkApplication map to driver, executor and application states. */
import type { V1ContainerStateTerminated, V1Pod } from "@kubernetes/client-node";
import { AppState, DriverState, ExecutorState, OperatorLabel } from "../../../../api/v1beta2/constants.js";
import { NEVER_STARTS } from "../../../../kube/container-reasons.js";
import { SparkContainer, SparkLabel, SparkRole } from "../../../../spark/constants.js";
import { exceptionSummary } from "../../../../spark/exception-summary.js";

/** Spark 2.x named the executor container `executor`; kubeflow still looks for both. */
const EXECUTOR_CONTAINERS = [SparkContainer.Executor, "executor"] as const;

/** The application states a driver pod can put an application in. */
export type AppStateForDriver =
  | typeof AppState.Submitted
  | typeof AppState.Running
  | typeof AppState.Succeeding
  | typeof AppState.Failing
  | typeof AppState.Unknown;

export interface ContainerTermination {
  exitCode: number;
  reason?: string;
  message?: string;
}

export function isTerminalPodState(state: string | undefined): boolean {
  return state === ExecutorState.Completed || state === ExecutorState.Failed;
}

/**
 * The driver's state. A pod still Running whose driver container has terminated (sidecars keep it up) counts
 * as finished, and a Failed pod whose driver container exited 0 (a sidecar failed) counts as completed. A
 * Pending pod whose driver container waits for what never comes (an image that may not be pulled: the node
 * agent's answer to a Spark version it has not provisioned) has failed: kubeflow would wait forever.
 */
export function driverStateOf(pod: V1Pod): DriverState {
  const termination = driverTermination(pod);
  switch (pod.status?.phase) {
    case "Pending":
      return driverNeverStarts(pod) ? DriverState.Failed : DriverState.Pending;
    case "Running":
      if (termination === undefined) return DriverState.Running;
      return termination.exitCode === 0 ? DriverState.Completed : DriverState.Failed;
    case "Succeeded":
      return DriverState.Completed;
    case "Failed":
      return termination?.exitCode === 0 ? DriverState.Completed : DriverState.Failed;
    default:
      return DriverState.Unknown;
  }
}

/** Exit status of a JVM that ended on SIGTERM (128 + 15). */
const EXIT_ON_SIGTERM = 143;

/**
 * An executor pod's state. One that exited on SIGTERM after its pod was deleted was stopped as asked (the
 * driver deletes its executors when the application ends), so it counts as completed, not failed.
 */
export function executorStateOf(pod: V1Pod): ExecutorState {
  switch (pod.status?.phase) {
    case "Pending":
      return ExecutorState.Pending;
    case "Running":
      return ExecutorState.Running;
    case "Succeeded":
      return ExecutorState.Completed;
    case "Failed":
      return pod.metadata?.deletionTimestamp && executorTermination(pod)?.exitCode === EXIT_ON_SIGTERM
        ? ExecutorState.Completed
        : ExecutorState.Failed;
    default:
      return ExecutorState.Unknown;
  }
}

export function appStateForDriverState(state: DriverState): AppStateForDriver {
  switch (state) {
    case DriverState.Pending:
      return AppState.Submitted;
    case DriverState.Running:
      return AppState.Running;
    case DriverState.Completed:
      return AppState.Succeeding;
    case DriverState.Failed:
      return AppState.Failing;
    default:
      return AppState.Unknown;
  }
}

/** The terminated state of the driver container; with a single container, that container's. */
export function driverTermination(pod: V1Pod): ContainerTermination | undefined {
  return containerTermination(pod, [SparkContainer.Driver]);
}

export function executorTermination(pod: V1Pod): ContainerTermination | undefined {
  return containerTermination(pod, EXECUTOR_CONTAINERS);
}

/** The most of a termination message an app's status carries (the kubelet's own limit). */
const FAILURE_MESSAGE_MAX_BYTES = 2048;

/**
 * `status.applicationState.errorMessage` for a failed driver: exit code, reason and message; a message holding
 * a Java stack trace (the log's tail) leads with the exception's headline, then the last frames.
 */
export function driverFailureMessage(pod: V1Pod): string {
  const termination = driverTermination(pod);
  const never = termination === undefined ? driverNeverStarts(pod) : undefined;
  if (never) return withDetails("driver container cannot start", never.reason, never.message);
  if (termination === undefined) {
    return withDetails("driver container status missing", pod.status?.reason, pod.status?.message);
  }
  const message = termination.message ?? pod.status?.message;
  return withDetails(
    `driver container failed with ExitCode: ${termination.exitCode}`,
    termination.reason,
    message === undefined ? undefined : (exceptionSummary(message, FAILURE_MESSAGE_MAX_BYTES) ?? message),
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
  return nonEmpty(pod.metadata?.labels?.[SparkLabel.AppId]);
}

export function submissionIdOf(pod: V1Pod): string | undefined {
  return nonEmpty(pod.metadata?.labels?.[OperatorLabel.SubmissionId]);
}

/** Spark's executor id from the `<prefix>-exec-<N>` pod name (0 when the name has no such suffix). */
export function executorIdFromName(podName: string): number {
  const match = /-exec-(\d+)$/.exec(podName);
  return match?.[1] === undefined ? 0 : Number(match[1]);
}

/** The driver container's waiting reason and message when it is one that never resolves (NEVER_STARTS). */
export function driverNeverStarts(pod: V1Pod): { reason: string; message?: string } | undefined {
  const waiting = containerStatus(pod, [SparkContainer.Driver])?.state?.waiting;
  if (!waiting?.reason || !NEVER_STARTS.has(waiting.reason)) return undefined;
  return nonEmpty(waiting.message) === undefined
    ? { reason: waiting.reason }
    : { reason: waiting.reason, message: waiting.message! };
}

/** The named container's status; with a single container, that container's. */
function containerStatus(pod: V1Pod, names: readonly string[]) {
  const statuses = pod.status?.containerStatuses ?? [];
  const named = statuses.find((status) => names.includes(status.name));
  return named ?? (statuses.length === 1 ? statuses[0] : undefined);
}

function containerTermination(pod: V1Pod, names: readonly string[]): ContainerTermination | undefined {
  const container = containerStatus(pod, names);
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
