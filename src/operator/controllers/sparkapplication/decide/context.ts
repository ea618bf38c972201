/** What one decision works from (`Context`), what a state handler returns (`Step`), and the actions they share. */
import type { V1Pod } from "@kubernetes/client-node";
import type { SparkApplication, SparkApplicationStatus } from "../../../../api/v1beta2/sparkapplication.js";
import type {
  Action,
  AppEvent,
  DecideConfig,
  DecideInput,
  DeleteDriverResourcesAction,
  RecordSpecHashAction,
  SubmitAction,
} from "./decision.js";
import { driverPodNameFor, driverPodNameToObserve, uiServiceNameFor } from "./names.js";
import { sparkApplicationIdOf, submissionIdOf } from "./pod-state.js";
import { type EffectiveRestartPolicy, effectiveRestartPolicy } from "./restart-policy.js";
import { recordedSpecHash, SPEC_HASH_ANNOTATION, specHash } from "./spec-hash.js";
import { stateOf } from "./status.js";

export interface Context {
  input: DecideInput;
  app: SparkApplication;
  appName: string;
  status: SparkApplicationStatus;
  state: string;
  now: number;
  config: DecideConfig;
  policy: EffectiveRestartPolicy;
  /** Whatever pod bears the observed driver pod name. */
  podWithDriverName: V1Pod | undefined;
  /** That pod if it belongs to the current submission. */
  driverPod: V1Pod | undefined;
  currentSpecHash: string;
  recordedSpecHash: string | undefined;
}

/** What one state handler decides; `finish` in decide.ts turns it into a Decision. */
export interface Step {
  status: SparkApplicationStatus;
  actions: Action[];
  events: AppEvent[];
  requeueAfterMs?: number;
}

export function contextOf(input: DecideInput): Context {
  const status = input.app.status ?? {};
  const observedName = driverPodNameToObserve(input.app);
  const podWithDriverName = input.driverPod?.metadata?.name === observedName ? input.driverPod : undefined;
  return {
    input,
    app: input.app,
    appName: input.app.metadata.name ?? "",
    status,
    state: stateOf(status),
    now: input.now,
    config: input.config,
    policy: effectiveRestartPolicy(input.app.spec),
    podWithDriverName,
    driverPod:
      podWithDriverName && belongsToSubmission(podWithDriverName, status) ? podWithDriverName : undefined,
    currentSpecHash: specHash(input.app.spec),
    recordedSpecHash: recordedSpecHash(input.app.metadata.annotations),
  };
}

/** A driver pod labelled with another submission id is a leftover of an earlier run. */
function belongsToSubmission(pod: V1Pod, status: SparkApplicationStatus): boolean {
  const podSubmission = submissionIdOf(pod);
  return !podSubmission || !status.submissionID || podSubmission === status.submissionID;
}

export function isOwnedBy(pod: V1Pod, uid: string | undefined): boolean {
  return (
    uid !== undefined && uid !== "" && (pod.metadata?.ownerReferences ?? []).some((ref) => ref.uid === uid)
  );
}

export function stay(ctx: Context): Step {
  return { status: ctx.status, actions: [], events: [] };
}

export function deleteDriverResources(ctx: Context): DeleteDriverResourcesAction {
  const podAppId = ctx.podWithDriverName && sparkApplicationIdOf(ctx.podWithDriverName);
  return {
    kind: "deleteDriverResources",
    driverPodName: driverPodNameToObserve(ctx.app),
    uiServiceName: uiServiceNameFor(ctx.app),
    sparkApplicationId: ctx.status.sparkApplicationId || podAppId || undefined,
    submissionId: ctx.status.submissionID || undefined,
  };
}

export function submitAction(ctx: Context, status: SparkApplicationStatus): SubmitAction {
  return {
    kind: "submit",
    attempt: (status.submissionAttempts ?? 0) + 1,
    driverPodName: driverPodNameFor(ctx.app),
    requestedAt: ctx.now,
  };
}

export function recordSpecHash(ctx: Context): RecordSpecHashAction {
  return { kind: "recordSpecHash", annotation: SPEC_HASH_ANNOTATION, hash: ctx.currentSpecHash };
}
