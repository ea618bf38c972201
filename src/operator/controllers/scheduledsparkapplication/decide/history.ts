/** The runs of a ScheduledSparkApplication: which are still active, which are kept as history, which go. */
import { AppState, TERMINAL_APP_STATES } from "../../../../api/v1beta2/constants.js";
import type { SparkApplication } from "../../../../api/v1beta2/sparkapplication.js";

/** A SparkApplication labelled `sparkoperator.k8s.io/scheduled-app-name=<scheduled app>`. */
export type ScheduledRun = Pick<SparkApplication, "metadata" | "status">;

export interface HistoryLimits {
  successful: number;
  failed: number;
}

export interface RunHistory {
  /** Runs not COMPLETED or FAILED (a new run with no state yet included), newest first. */
  active: ScheduledRun[];
  /** Kept COMPLETED runs, newest first: `status.pastSuccessfulRunNames`. */
  pastSuccessfulRunNames: string[];
  /** Kept FAILED runs, newest first: `status.pastFailedRunNames`. */
  pastFailedRunNames: string[];
  /** Finished runs beyond the limits, oldest first. */
  toPrune: { name: string; state: AppState }[];
}

export function stateOf(run: ScheduledRun): AppState {
  return run.status?.applicationState?.state ?? AppState.New;
}

export function isFinished(run: ScheduledRun): boolean {
  return TERMINAL_APP_STATES.includes(stateOf(run));
}

/** Runs being deleted are neither active nor history: they are on their way out. */
export function bookkeepRuns(runs: readonly ScheduledRun[], limits: HistoryLimits): RunHistory {
  const present = runs.filter((run) => run.metadata.deletionTimestamp === undefined).sort(newestFirst);
  const completed = present.filter((run) => stateOf(run) === AppState.Completed);
  const failed = present.filter((run) => stateOf(run) === AppState.Failed);
  const pruned = [...completed.slice(limits.successful), ...failed.slice(limits.failed)].sort(newestFirst);
  return {
    active: present.filter((run) => !isFinished(run)),
    pastSuccessfulRunNames: completed.slice(0, limits.successful).map(nameOf),
    pastFailedRunNames: failed.slice(0, limits.failed).map(nameOf),
    toPrune: pruned.reverse().map((run) => ({ name: nameOf(run), state: stateOf(run) })),
  };
}

function nameOf(run: ScheduledRun): string {
  return run.metadata.name ?? "";
}

/** By creation time, then by name: run names end in their fixed-width scheduled time. */
function newestFirst(a: ScheduledRun, b: ScheduledRun): number {
  const byCreation = createdAt(b) - createdAt(a);
  if (byCreation !== 0) return byCreation;
  return nameOf(a) < nameOf(b) ? 1 : nameOf(a) > nameOf(b) ? -1 : 0;
}

function createdAt(run: ScheduledRun): number {
  const parsed = Date.parse(run.metadata.creationTimestamp ?? "");
  return Number.isNaN(parsed) ? 0 : parsed;
}
