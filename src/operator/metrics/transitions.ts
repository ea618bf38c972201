import { AppState } from "../../api/v1beta2/constants.js";
import type { SparkApplicationStatus } from "../../api/v1beta2/sparkapplication.js";

/** A counter of SparkApplication transitions (kubeflow's names without the prefix). */
export type AppCounter = "count" | "submit" | "failedSubmission" | "success" | "failure";
/** A duration kubeflow records at a transition: a summary (and, for the latencies, a histogram too). */
export type AppDuration = "submitLatency" | "startLatency" | "successExecutionTime" | "failureExecutionTime";

export type AppObservation =
  | { kind: "counter"; counter: AppCounter }
  | { kind: "duration"; duration: AppDuration; seconds: number };

const stateOf = (s: SparkApplicationStatus | undefined) => s?.applicationState?.state ?? AppState.New;
const timeOf = (t: string | Date | undefined) => (t === undefined ? Number.NaN : Date.parse(String(t)));
const since = (fromMs: number, toMs: number) => Math.max(0, (toMs - fromMs) / 1000);

/**
 * What one status change counts, with the meaning of kubeflow's HandleSparkApplicationUpdate:
 * - count: a new app handled for the first time (it leaves the empty "new" state with no submission yet);
 * - submit / submitLatency: SUBMITTED; the latency (creation to now) only for the first submission attempt;
 * - failedSubmission: SUBMISSION_FAILED;
 * - startLatency: RUNNING, creation to now, only for the first execution attempt;
 * - success / successExecutionTime, failure / failureExecutionTime: COMPLETED / FAILED, with the time from
 *   the last submission attempt to termination (now when the status has no terminationTime).
 * The running-app gauge is not a transition: it is counted from the cache at each scrape.
 */
export function appTransitionObservations(
  createdAt: string | Date | undefined,
  before: SparkApplicationStatus | undefined,
  after: SparkApplicationStatus | undefined,
  nowMs: number,
): AppObservation[] {
  const was = stateOf(before);
  const now = stateOf(after);
  if (was === now) return [];
  const out: AppObservation[] = [];
  const counter = (c: AppCounter) => out.push({ kind: "counter", counter: c });
  const duration = (d: AppDuration, fromMs: number, toMs: number) => {
    if (Number.isFinite(fromMs) && Number.isFinite(toMs))
      out.push({ kind: "duration", duration: d, seconds: since(fromMs, toMs) });
  };
  const created = timeOf(createdAt);
  if (was === AppState.New && !before?.submissionAttempts) counter("count");
  switch (now) {
    case AppState.Submitted:
      counter("submit");
      if (after?.submissionAttempts === 1) duration("submitLatency", created, nowMs);
      break;
    case AppState.SubmissionFailed:
      counter("failedSubmission");
      break;
    case AppState.Running:
      if (after?.executionAttempts === 1) duration("startLatency", created, nowMs);
      break;
    case AppState.Completed:
    case AppState.Failed: {
      const ok = now === AppState.Completed;
      counter(ok ? "success" : "failure");
      const end = after?.terminationTime ? timeOf(after.terminationTime) : nowMs;
      duration(
        ok ? "successExecutionTime" : "failureExecutionTime",
        timeOf(after?.lastSubmissionAttemptTime),
        end,
      );
      break;
    }
  }
  return out;
}

/** Pod phase -> the executor counter a change to it counts (kubeflow's HandleSparkExecutorUpdate). */
export function executorPhaseCounter(
  beforePhase: string | undefined,
  afterPhase: string | undefined,
): "success" | "failure" | undefined {
  if (beforePhase === afterPhase) return undefined;
  if (afterPhase === "Succeeded") return "success";
  if (afterPhase === "Failed") return "failure";
  return undefined;
}
