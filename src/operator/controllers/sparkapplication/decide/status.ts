/** Small pure helpers over SparkApplicationStatus: times, state, and the resets between runs. */
import { AppState } from "../../../../api/v1beta2/constants.js";
import type { SparkApplicationStatus } from "../../../../api/v1beta2/sparkapplication.js";
import { stableJson } from "./spec-hash.js";

/** RFC 3339 with whole seconds, as Kubernetes writes `metav1.Time`. */
export function formatTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function parseTime(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The application state; a missing status or state is the new state `""`. */
export function stateOf(status: SparkApplicationStatus | undefined): string {
  return status?.applicationState?.state ?? AppState.New;
}

export function withState(
  status: SparkApplicationStatus,
  state: AppState,
  errorMessage?: string,
): SparkApplicationStatus {
  return {
    ...status,
    applicationState: errorMessage === undefined ? { state } : { state, errorMessage },
  };
}

/** Keeps the error message of the current state while changing the state. */
export function withStateKeepingError(
  status: SparkApplicationStatus,
  state: AppState,
): SparkApplicationStatus {
  return withState(status, state, status.applicationState?.errorMessage);
}

export function withTerminationTime(status: SparkApplicationStatus, now: number): SparkApplicationStatus {
  return status.terminationTime ? status : { ...status, terminationTime: formatTime(now) };
}

/** Before a rerun: forget the finished run, keep the attempt counters. */
export function resetForRerun(status: SparkApplicationStatus): SparkApplicationStatus {
  const {
    sparkApplicationId: _id,
    terminationTime: _terminated,
    driverInfo: _driver,
    executorState: _executors,
    ...kept
  } = status;
  return kept;
}

/** After a spec change: forget the run and the attempt counters. */
export function resetForInvalidation(status: SparkApplicationStatus): SparkApplicationStatus {
  const { lastSubmissionAttemptTime: _last, ...kept } = resetForRerun(status);
  return { ...kept, submissionAttempts: 0, executionAttempts: 0 };
}

/** Once suspended: nothing runs, so nothing of the run is kept; counters stay. */
export function resetForSuspension(status: SparkApplicationStatus): SparkApplicationStatus {
  const { sparkApplicationId: _id, driverInfo: _driver, executorState: _executors, ...kept } = status;
  return kept;
}

export function sameStatus(
  a: SparkApplicationStatus | undefined,
  b: SparkApplicationStatus | undefined,
): boolean {
  return stableJson(a ?? {}) === stableJson(b ?? {});
}

/** The UI Service's address (`webUIAddress(clusterIP, port)`) once the act layer learnt its cluster IP. */
export function withWebUIAddress(status: SparkApplicationStatus, address: string): SparkApplicationStatus {
  if (status.driverInfo?.webUIAddress === address) return status;
  return { ...status, driverInfo: { ...status.driverInfo, webUIAddress: address } };
}
