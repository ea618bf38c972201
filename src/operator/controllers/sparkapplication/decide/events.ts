/** The Kubernetes Events a SparkApplication gets, with kubeflow's reasons and (mostly) its wording. */
import {
  type DriverState,
  EventReason,
  EventType,
  ExecutorState,
} from "../../../../api/v1beta2/constants.js";
import type { AppEvent } from "./decision.js";
import type { ContainerTermination } from "./pod-state.js";

const normal = (reason: EventReason, message: string): AppEvent => ({
  type: EventType.Normal,
  reason,
  message,
});
const warning = (reason: EventReason, message: string): AppEvent => ({
  type: EventType.Warning,
  reason,
  message,
});

export const appEvents = {
  added: (app: string) =>
    normal(
      EventReason.SparkApplicationAdded,
      `SparkApplication ${app} was added, enqueuing it for submission`,
    ),
  submitted: (app: string) =>
    normal(EventReason.SparkApplicationSubmitted, `SparkApplication ${app} was submitted successfully`),
  submissionFailed: (app: string, error: string) =>
    warning(
      EventReason.SparkApplicationSubmissionFailed,
      `failed to submit SparkApplication ${app}: ${error}`,
    ),
  completed: (app: string) =>
    normal(EventReason.SparkApplicationCompleted, `SparkApplication ${app} completed`),
  failed: (app: string, error: string | undefined) =>
    warning(
      EventReason.SparkApplicationFailed,
      `SparkApplication ${app} failed: ${error || "unknown error"}`,
    ),
  pendingRerun: (app: string, why: string) =>
    warning(EventReason.SparkApplicationPendingRerun, `SparkApplication ${app} is pending rerun: ${why}`),
  suspending: (app: string) =>
    normal(EventReason.SparkApplicationSuspending, `SparkApplication ${app} is suspending`),
  suspended: (app: string) =>
    normal(EventReason.SparkApplicationSuspended, `SparkApplication ${app} is suspended`),
  resuming: (app: string) =>
    normal(EventReason.SparkApplicationResuming, `SparkApplication ${app} is resuming`),
};

export function driverEvent(state: DriverState, pod: string, errorMessage?: string): AppEvent {
  switch (state) {
    case ExecutorState.Pending:
      return normal(EventReason.SparkDriverPending, `Driver ${pod} is pending`);
    case ExecutorState.Running:
      return normal(EventReason.SparkDriverRunning, `Driver ${pod} is running`);
    case ExecutorState.Completed:
      return normal(EventReason.SparkDriverCompleted, `Driver ${pod} completed`);
    case ExecutorState.Failed:
      return warning(
        EventReason.SparkDriverFailed,
        `Driver ${pod} failed: ${errorMessage || "unknown error"}`,
      );
    default:
      return warning(EventReason.SparkDriverUnknown, `Driver ${pod} in unknown state`);
  }
}

/** There is no dedicated reason for a vanished driver among kubeflow's documented ones; it is a failure. */
export function driverNotFoundEvent(pod: string, graceMs: number): AppEvent {
  return warning(
    EventReason.SparkDriverFailed,
    `Driver pod ${pod} not found (grace period ${graceMs / 1000}s), marking the application as failing`,
  );
}

/**
 * `failure` describes a failed executor pod; for an executor whose pod vanished, `podGone` says its state
 * was inferred.
 */
export function executorEvent(
  state: ExecutorState,
  pod: string,
  details: { failure?: Required<ContainerTermination>; podGone?: boolean } = {},
): AppEvent {
  const inferred = details.podGone ? " (pod no longer exists)" : "";
  switch (state) {
    case ExecutorState.Pending:
      return normal(EventReason.SparkExecutorPending, `Executor ${pod} is pending`);
    case ExecutorState.Running:
      return normal(EventReason.SparkExecutorRunning, `Executor ${pod} is running`);
    case ExecutorState.Completed:
      return normal(EventReason.SparkExecutorCompleted, `Executor ${pod} completed${inferred}`);
    case ExecutorState.Failed: {
      const failure = details.failure;
      const message =
        failure === undefined
          ? `Executor ${pod} failed${inferred}`
          : `Executor ${pod} failed with ExitCode: ${failure.exitCode}, Reason: ${failure.reason}, Pod Message: ${failure.message}`;
      return warning(EventReason.SparkExecutorFailed, message);
    }
    default:
      return warning(EventReason.SparkExecutorUnknown, `Executor ${pod} in unknown state${inferred}`);
  }
}
