/**
 * `status.executorState`: the state of each executor pod of the current run, kept small.
 *
 * Past the cap (`maxTrackedExecutors`) entries are dropped, finished ones first: COMPLETED, FAILED and
 * UNKNOWN entries with the lowest Spark executor ids (the oldest) go first; if live executors alone exceed
 * the cap, the newest live ones are left out. Dropped executors get no events, and the choice is
 * deterministic, so an executor left out stays out instead of flapping in and out of the status.
 */
import type { V1Pod } from "@kubernetes/client-node";
import { AppState, ExecutorState } from "../../../../api/v1beta2/constants.js";
import type { AppEvent } from "./decision.js";
import { executorEvent } from "./events.js";
import {
  executorFailureDetails,
  executorIdFromName,
  executorStateOf,
  isExecutorPod,
  isTerminalPodState,
  sparkApplicationIdOf,
} from "./pod-state.js";

export interface ExecutorTrackingInput {
  previous: Readonly<Record<string, string>> | undefined;
  pods: readonly V1Pod[];
  /** The application state this decision leads to. */
  appState: string;
  /** The Spark application id of the current run, when known; pods of other runs are ignored. */
  sparkApplicationId: string | undefined;
  maxTrackedExecutors: number;
}

export interface ExecutorTracking {
  executorState: Record<string, ExecutorState> | undefined;
  events: AppEvent[];
  /** The id the executors carry (preferred over the driver's: SPARK-25922). */
  sparkApplicationId: string | undefined;
}

export function trackExecutors(input: ExecutorTrackingInput): ExecutorTracking {
  const observed = observedExecutors(input.pods, input.sparkApplicationId);
  const next = new Map<string, ExecutorState>();
  for (const [name, pod] of observed) next.set(name, executorStateOf(pod));
  for (const [name, state] of Object.entries(input.previous ?? {})) {
    if (next.has(name)) continue;
    next.set(name, isTerminalPodState(state) ? (state as ExecutorState) : stateOfVanished(input.appState));
  }
  enforceCap(next, input.maxTrackedExecutors);

  const events: AppEvent[] = [];
  for (const name of byExecutorId([...next.keys()])) {
    const state = next.get(name)!;
    if (input.previous?.[name] === state) continue;
    const pod = observed.get(name);
    if (pod === undefined) {
      events.push(executorEvent(state, name, { podGone: true }));
    } else {
      const failure = state === ExecutorState.Failed ? executorFailureDetails(pod) : undefined;
      events.push(executorEvent(state, name, failure === undefined ? {} : { failure }));
    }
  }

  const firstPod = observed.values().next().value;
  return {
    executorState:
      next.size === 0 ? undefined : Object.fromEntries([...next].sort(([a], [b]) => compare(a, b))),
    events,
    sparkApplicationId: firstPod === undefined ? undefined : sparkApplicationIdOf(firstPod),
  };
}

/** Executor pods by name, sorted, limited to the current run when its id is known. */
function observedExecutors(pods: readonly V1Pod[], appId: string | undefined): Map<string, V1Pod> {
  const result = new Map<string, V1Pod>();
  const sorted = pods
    .filter((pod) => isExecutorPod(pod) && pod.metadata?.name)
    .filter((pod) => appId === undefined || (sparkApplicationIdOf(pod) ?? appId) === appId)
    .sort((a, b) => compare(a.metadata!.name!, b.metadata!.name!));
  for (const pod of sorted) result.set(pod.metadata!.name!, pod);
  return result;
}

/**
 * An executor whose pod is gone while not known to have finished: still UNKNOWN while the driver may be
 * alive (Spark deletes executors it no longer needs), COMPLETED once the driver succeeded (Spark deletes its
 * executors at the end), FAILED otherwise.
 */
function stateOfVanished(appState: string): ExecutorState {
  switch (appState) {
    case AppState.Submitted:
    case AppState.Running:
    case AppState.Unknown:
      return ExecutorState.Unknown;
    case AppState.Succeeding:
    case AppState.Completed:
      return ExecutorState.Completed;
    default:
      return ExecutorState.Failed;
  }
}

function enforceCap(states: Map<string, ExecutorState>, cap: number): void {
  if (cap <= 0 || states.size <= cap) return;
  const finished = [...states].filter(([, s]) => isTerminalPodState(s) || s === ExecutorState.Unknown);
  for (const name of byExecutorId(finished.map(([name]) => name))) {
    if (states.size <= cap) return;
    states.delete(name);
  }
  for (const name of byExecutorId([...states.keys()]).reverse()) {
    if (states.size <= cap) return;
    states.delete(name);
  }
}

/** Oldest first: ascending Spark executor id, then name. */
function byExecutorId(names: string[]): string[] {
  return names.sort((a, b) => executorIdFromName(a) - executorIdFromName(b) || compare(a, b));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
