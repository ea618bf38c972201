/** The second pure step of a submission: fold the outcome the act layer reports into the status. */
import { AppState } from "../../../../api/v1beta2/constants.js";
import type { SparkApplication, SparkApplicationStatus } from "../../../../api/v1beta2/sparkapplication.js";
import type { AppEvent, SubmitAction } from "./decision.js";
import { appEvents } from "./events.js";
import { formatTime, withState } from "./status.js";
import { withSubmissionHint } from "./submission-hints.js";

export type SubmitResult =
  | {
      ok: true;
      /** The new submission's id (a UUID), also on the pods as label `sparkoperator.k8s.io/submission-id`. */
      submissionId: string;
      /** The driver pod created, when it differs from `SubmitAction.driverPodName`. */
      driverPodName?: string;
      /** `spark.app.id` when the submitter chose it. */
      sparkApplicationId?: string;
    }
  | { ok: false; error: string; submissionId?: string };

export interface SubmitOutcome {
  status: SparkApplicationStatus;
  events: AppEvent[];
  /** Always 0: the next decision (driver grace period, retry) must follow at once. */
  requeueAfterMs: number;
}

/**
 * `status` is the status the decision left (`decision.status ?? app.status`). Success: SUBMITTED,
 * executionAttempts + 1. Failure: SUBMISSION_FAILED with the error. Both record the attempt: new
 * submissionID, driverInfo.podName, lastSubmissionAttemptTime, submissionAttempts.
 */
export function afterSubmit(
  app: Pick<SparkApplication, "metadata">,
  status: SparkApplicationStatus | undefined,
  action: SubmitAction,
  result: SubmitResult,
): SubmitOutcome {
  const appName = app.metadata.name ?? "";
  const { terminationTime: _previousRun, submissionID: previousSubmission, ...base } = status ?? {};
  const submissionID = result.submissionId || previousSubmission;
  const attempted: SparkApplicationStatus = {
    ...base,
    ...(submissionID === undefined ? {} : { submissionID }),
    lastSubmissionAttemptTime: formatTime(action.requestedAt),
    submissionAttempts: action.attempt,
    driverInfo: {
      ...base.driverInfo,
      podName: (result.ok ? result.driverPodName : undefined) ?? action.driverPodName,
    },
  };
  if (!result.ok) {
    const error = withSubmissionHint(result.error, app.metadata.namespace ?? "default");
    return {
      status: withState(attempted, AppState.SubmissionFailed, error),
      events: [appEvents.submissionFailed(appName, error)],
      requeueAfterMs: 0,
    };
  }
  const submitted: SparkApplicationStatus = {
    ...withState(attempted, AppState.Submitted),
    executionAttempts: (base.executionAttempts ?? 0) + 1,
    ...(result.sparkApplicationId ? { sparkApplicationId: result.sparkApplicationId } : {}),
  };
  return { status: submitted, events: [appEvents.submitted(appName)], requeueAfterMs: 0 };
}
