/**
 * The SparkApplication state machine, level-triggered: from what is observed now, the one next step.
 * Pure: the same input always gives the same decision; time enters only through `input.now`.
 *
 * Each decision moves the application by at most one state and asks to be requeued at once when it did,
 * so every state a user can observe in kubeflow is observable here too. Precedence: deletion, then
 * suspension, then spec changes, then the state's own handling.
 */
import type { V1Pod } from "@kubernetes/client-node";
import { AppState, DriverState } from "../../../../api/v1beta2/constants.js";
import type { SparkApplicationStatus } from "../../../../api/v1beta2/sparkapplication.js";
import { afterSubmit } from "./after-submit.js";
import {
  type Context,
  contextOf,
  deleteDriverResources,
  isOwnedBy,
  recordSpecHash,
  type Step,
  stay,
  submitAction,
} from "./context.js";
import type { Action, AppEvent, DecideInput, Decision, ValidationError } from "./decision.js";
import { appEvents, driverEvent, driverNotFoundEvent } from "./events.js";
import { trackExecutors } from "./executors.js";
import {
  driverPodNameToObserve,
  uiServiceNameFor,
  uiServicePorts,
  uiServiceType,
  webUIAddress,
} from "./names.js";
import {
  appStateForDriverState,
  driverFailureMessage,
  driverStateOf,
  isTerminalPodState,
  sparkApplicationIdOf,
  submissionIdOf,
} from "./pod-state.js";
import {
  retryDelayMs,
  shouldRerunAfterSuccess,
  shouldRetryAfterFailure,
  shouldRetrySubmission,
} from "./restart-policy.js";
import {
  parseTime,
  resetForInvalidation,
  resetForRerun,
  resetForSuspension,
  sameStatus,
  stateOf,
  withState,
  withStateKeepingError,
  withTerminationTime,
} from "./status.js";

export const DRIVER_POD_NOT_FOUND = "driver pod not found";

/** Suspension applies to every state but these. */
const NOT_SUSPENDABLE = new Set<string>([
  AppState.Completed,
  AppState.Failed,
  AppState.Suspending,
  AppState.Suspended,
]);

/** States whose run (live, failed or finished) a spec change invalidates; the others submit the new spec anyway. */
const INVALIDATED_BY_SPEC_CHANGE = new Set<string>([
  AppState.Submitted,
  AppState.Running,
  AppState.Unknown,
  AppState.Succeeding,
  AppState.Failing,
  AppState.SubmissionFailed,
  AppState.Completed,
  AppState.Failed,
]);

export function decide(input: DecideInput): Decision {
  const ctx = contextOf(input);
  if (input.app.metadata.deletionTimestamp) return finish(ctx, onDeletion(ctx), false);
  return finish(ctx, nextStep(ctx), true);
}

function nextStep(ctx: Context): Step {
  if (ctx.app.spec.suspend === true && !NOT_SUSPENDABLE.has(ctx.state)) {
    return {
      status: withState(ctx.status, AppState.Suspending),
      actions: [],
      events: [appEvents.suspending(ctx.appName)],
    };
  }
  const specChanged = ctx.recordedSpecHash !== undefined && ctx.recordedSpecHash !== ctx.currentSpecHash;
  if (specChanged && INVALIDATED_BY_SPEC_CHANGE.has(ctx.state)) {
    return { status: withState(ctx.status, AppState.Invalidating), actions: [], events: [] };
  }
  switch (ctx.state) {
    case AppState.New:
      return onNew(ctx);
    case AppState.Succeeding:
      return onSucceeding(ctx);
    case AppState.Failing:
      return onFailing(ctx);
    case AppState.SubmissionFailed:
      return onSubmissionFailed(ctx);
    case AppState.PendingRerun:
    case AppState.Resuming:
      return submitOnceCleared(ctx);
    case AppState.Invalidating:
      return rerun(ctx, resetForInvalidation(ctx.status), "the spec changed");
    case AppState.Suspending:
      return onSuspending(ctx);
    case AppState.Suspended:
      return ctx.app.spec.suspend === true
        ? stay(ctx)
        : {
            status: withState(ctx.status, AppState.Resuming),
            actions: [],
            events: [appEvents.resuming(ctx.appName)],
          };
    case AppState.Completed:
    case AppState.Failed:
      return onTerminated(ctx);
    default:
      // SUBMITTED, RUNNING, UNKNOWN, and any unrecognised state: the driver pod tells.
      return followDriver(ctx);
  }
}

function onNew(ctx: Context): Step {
  const pod = ctx.podWithDriverName;
  if (pod !== undefined) {
    // Our own submission whose status write was lost: take it over instead of submitting twice.
    if (isOwnedBy(pod, ctx.app.metadata.uid)) return adoptDriver(ctx, pod);
    // The driver of a deleted namesake, on its way out.
    if (pod.metadata?.deletionTimestamp)
      return { ...stay(ctx), requeueAfterMs: ctx.config.resourceDeletionPollMs };
  }
  return submit(ctx, ctx.status);
}

function adoptDriver(ctx: Context, pod: V1Pod): Step {
  const outcome = afterSubmit(ctx.app, ctx.status, submitAction(ctx, ctx.status), {
    ok: true,
    submissionId: submissionIdOf(pod) ?? "",
    ...(pod.metadata?.name ? { driverPodName: pod.metadata.name } : {}),
  });
  return { status: outcome.status, actions: [], events: outcome.events };
}

/** SUBMITTED, RUNNING and UNKNOWN follow the driver pod's phase. */
function followDriver(ctx: Context): Step {
  const pod = ctx.driverPod;
  const podName = driverPodNameToObserve(ctx.app);
  if (pod === undefined) {
    const lastAttempt = parseTime(ctx.status.lastSubmissionAttemptTime);
    const grace = ctx.config.driverPodCreationGraceMs;
    const graceLeft = lastAttempt === undefined ? 0 : Math.min(grace, lastAttempt + grace - ctx.now);
    if (ctx.state === AppState.Submitted && graceLeft > 0) {
      return { ...withUIService(ctx, ctx.status), events: [], requeueAfterMs: graceLeft };
    }
    const failing = withTerminationTime(
      withState(ctx.status, AppState.Failing, DRIVER_POD_NOT_FOUND),
      ctx.now,
    );
    const tracked = withExecutors(ctx, failing, undefined);
    const notFound = driverNotFoundEvent(podName, ctx.config.driverPodCreationGraceMs);
    return { status: tracked.status, actions: [], events: [notFound, ...tracked.events] };
  }

  const driverState = driverStateOf(pod);
  const appState = appStateForDriverState(driverState);
  let status = ctx.status;
  let errorMessage = status.applicationState?.errorMessage;
  if (isTerminalPodState(driverState)) status = withTerminationTime(status, ctx.now);
  if (driverState === DriverState.Failed) errorMessage = driverFailureMessage(pod);
  status = withState(status, appState, errorMessage);
  const events = appState === ctx.state ? [] : [driverEvent(driverState, podName, errorMessage)];
  const tracked = withExecutors(ctx, status, sparkApplicationIdOf(pod));
  const withUI = withUIService(ctx, tracked.status);
  return { status: withUI.status, actions: withUI.actions, events: [...events, ...tracked.events] };
}

function onSucceeding(ctx: Context): Step {
  if (shouldRerunAfterSuccess(ctx.policy)) {
    return rerun(ctx, resetForRerun(ctx.status), "the run succeeded and the restart policy is Always");
  }
  const completed = withTerminationTime(withState(ctx.status, AppState.Completed), ctx.now);
  const tracked = withExecutors(ctx, completed, undefined);
  return {
    status: tracked.status,
    actions: [],
    events: [...tracked.events, appEvents.completed(ctx.appName)],
  };
}

function onFailing(ctx: Context): Step {
  const attempts = ctx.status.executionAttempts ?? 0;
  if (!shouldRetryAfterFailure(ctx.policy, attempts)) return toFailed(ctx);
  const lastAttempt = parseTime(ctx.status.lastSubmissionAttemptTime);
  const delay = retryDelayMs(ctx.policy.onFailureRetryIntervalSeconds, attempts, lastAttempt, ctx.now);
  if (delay > 0) {
    const tracked = withExecutors(ctx, ctx.status, undefined);
    return { status: tracked.status, actions: [], events: tracked.events, requeueAfterMs: delay };
  }
  const why = `retrying after failure: ${ctx.status.applicationState?.errorMessage || "unknown error"}`;
  return rerun(ctx, resetForRerun(ctx.status), why);
}

function onSubmissionFailed(ctx: Context): Step {
  // The spec is unchanged (else INVALIDATING), so resubmitting it would fail the same way.
  if (ctx.input.validationErrors.length > 0) return toFailed(ctx);
  const attempts = ctx.status.submissionAttempts ?? 0;
  if (!shouldRetrySubmission(ctx.policy, attempts)) return toFailed(ctx);
  const lastAttempt = parseTime(ctx.status.lastSubmissionAttemptTime);
  const delay = retryDelayMs(
    ctx.policy.onSubmissionFailureRetryIntervalSeconds,
    attempts,
    lastAttempt,
    ctx.now,
  );
  if (delay > 0) return { ...stay(ctx), requeueAfterMs: delay };
  return submitOnceCleared(ctx);
}

function toFailed(ctx: Context): Step {
  const failed = withTerminationTime(withStateKeepingError(ctx.status, AppState.Failed), ctx.now);
  const tracked = withExecutors(ctx, failed, undefined);
  const failedEvent = appEvents.failed(ctx.appName, failed.applicationState?.errorMessage);
  return { status: tracked.status, actions: [], events: [...tracked.events, failedEvent] };
}

/** Clean up the finished run and wait in PENDING_RERUN for the resubmission. */
function rerun(ctx: Context, reset: SparkApplicationStatus, why: string): Step {
  return {
    status: withState(reset, AppState.PendingRerun),
    actions: [deleteDriverResources(ctx)],
    events: [appEvents.pendingRerun(ctx.appName, why)],
  };
}

/** Submit once the previous run's driver pod and UI service are gone; delete them again meanwhile. */
function submitOnceCleared(ctx: Context): Step {
  if (ctx.podWithDriverName !== undefined || ctx.input.uiServicePresent) {
    return {
      status: ctx.status,
      actions: [deleteDriverResources(ctx)],
      events: [],
      requeueAfterMs: ctx.config.resourceDeletionPollMs,
    };
  }
  return submit(ctx, ctx.status);
}

/** Submit, unless validation failed: then the attempt fails here, recorded as a failed submission. */
function submit(ctx: Context, status: SparkApplicationStatus): Step {
  const action = submitAction(ctx, status);
  const errors = ctx.input.validationErrors;
  if (errors.length === 0) return { status, actions: [recordSpecHash(ctx), action], events: [] };
  const outcome = afterSubmit(ctx.app, status, action, { ok: false, error: validationMessage(errors) });
  return { status: outcome.status, actions: [recordSpecHash(ctx)], events: outcome.events };
}

function onSuspending(ctx: Context): Step {
  const leftovers =
    ctx.podWithDriverName !== undefined || ctx.input.uiServicePresent || ctx.input.executorPods.length > 0;
  if (leftovers) {
    return {
      status: ctx.status,
      actions: [deleteDriverResources(ctx)],
      events: [],
      requeueAfterMs: ctx.config.resourceDeletionPollMs,
    };
  }
  const suspended = withState(resetForSuspension(ctx.status), AppState.Suspended);
  return { status: suspended, actions: [], events: [appEvents.suspended(ctx.appName)] };
}

/** COMPLETED and FAILED: keep executor states current, delete the application once its TTL has passed. */
function onTerminated(ctx: Context): Step {
  const tracked = withExecutors(ctx, withTerminationTime(ctx.status, ctx.now), undefined);
  const step: Step = { status: tracked.status, actions: [], events: tracked.events };
  // Executors have two owners, their driver pod and the app: the garbage collector keeps them while the app
  // exists, so once the driver pod is gone its leftover executors are deleted here.
  const orphans = ctx.input.executorPods.some((pod) => !pod.metadata?.deletionTimestamp);
  if (ctx.podWithDriverName === undefined && orphans) step.actions.push(deleteDriverResources(ctx));
  const ttlSeconds =
    ctx.app.spec.timeToLiveSeconds ?? positiveOrUndefined(ctx.config.defaultTimeToLiveSeconds);
  const terminatedAt = parseTime(tracked.status.terminationTime);
  if (ttlSeconds === undefined || terminatedAt === undefined) return step;
  const expiresAt = terminatedAt + Math.max(0, ttlSeconds) * 1000;
  if (ctx.now >= expiresAt) step.actions.push({ kind: "deleteApp" });
  else step.requeueAfterMs = expiresAt - ctx.now;
  return step;
}

/** Deleted: remove what is left of the runs, waiting until it is gone, then release the application. */
function onDeletion(ctx: Context): Step {
  const leftovers =
    ctx.podWithDriverName !== undefined || ctx.input.uiServicePresent || ctx.input.executorPods.length > 0;
  if (!leftovers) return { ...stay(ctx), actions: [{ kind: "finalizeDeletion" }] };
  return {
    ...stay(ctx),
    actions: [deleteDriverResources(ctx)],
    requeueAfterMs: ctx.config.resourceDeletionPollMs,
  };
}

function withExecutors(
  ctx: Context,
  status: SparkApplicationStatus,
  driverAppId: string | undefined,
): { status: SparkApplicationStatus; events: AppEvent[] } {
  const knownAppId = driverAppId ?? status.sparkApplicationId;
  const tracking = trackExecutors({
    previous: status.executorState,
    pods: ctx.input.executorPods,
    appState: stateOf(status),
    sparkApplicationId: knownAppId,
    maxTrackedExecutors: ctx.config.maxTrackedExecutors,
  });
  const { executorState: _previous, sparkApplicationId: _id, ...rest } = status;
  const appId = tracking.sparkApplicationId ?? knownAppId;
  return {
    status: {
      ...rest,
      ...(appId === undefined ? {} : { sparkApplicationId: appId }),
      ...(tracking.executorState === undefined ? {} : { executorState: tracking.executorState }),
    },
    events: tracking.events,
  };
}

/** While the driver is pending or running: the UI service exists and the status says where. */
function withUIService(
  ctx: Context,
  status: SparkApplicationStatus,
): { status: SparkApplicationStatus; actions: Action[] } {
  const state = stateOf(status);
  if (!ctx.config.enableUIService || (state !== AppState.Submitted && state !== AppState.Running)) {
    return { status, actions: [] };
  }
  const serviceName = uiServiceNameFor(ctx.app);
  const ports = uiServicePorts(ctx.app);
  const clusterIP = ctx.input.uiServicePresent ? ctx.input.uiServiceClusterIP : undefined;
  // Not known before the Service exists: then the act layer sets it from the created Service.
  const address =
    clusterIP === undefined ? status.driverInfo?.webUIAddress : webUIAddress(clusterIP, ports.port);
  const driverInfo = {
    ...status.driverInfo,
    webUIServiceName: serviceName,
    webUIPort: ports.port,
    ...(address === undefined ? {} : { webUIAddress: address }),
  };
  const create: Action[] = ctx.input.uiServicePresent
    ? []
    : [
        {
          kind: "createUIService",
          serviceName,
          ...ports,
          serviceType: uiServiceType(ctx.app),
          labels: { ...ctx.app.spec.sparkUIOptions?.serviceLabels },
          annotations: { ...ctx.app.spec.sparkUIOptions?.serviceAnnotations },
        },
      ];
  return { status: { ...status, driverInfo }, actions: create };
}

function validationMessage(errors: readonly ValidationError[]): string {
  return `invalid SparkApplication: ${errors.map((e) => `${e.field}: ${e.message}`).join("; ")}`;
}

/**
 * Adds what every decision needs: the SparkApplicationAdded event when leaving the new state, the spec hash
 * of applications found without one (adopted as they run, never restarted for it), and an immediate
 * requeue after a state change.
 */
function finish(ctx: Context, step: Step, mayRecordSpecHash: boolean): Decision {
  const nextState = stateOf(step.status);
  const submits = step.actions.some((action) => action.kind === "submit");
  const leavesNew = ctx.state === AppState.New && (nextState !== AppState.New || submits);
  const actions = [...step.actions];
  const recordsHash = actions.some((action) => action.kind === "recordSpecHash");
  if (
    mayRecordSpecHash &&
    !recordsHash &&
    ctx.recordedSpecHash === undefined &&
    (ctx.state !== AppState.New || leavesNew)
  ) {
    actions.unshift(recordSpecHash(ctx));
  }
  const decision: Decision = {
    actions,
    events: leavesNew ? [appEvents.added(ctx.appName), ...step.events] : step.events,
  };
  if (!sameStatus(ctx.app.status, step.status)) decision.status = step.status;
  const requeueAfterMs = nextState !== ctx.state ? 0 : step.requeueAfterMs;
  if (requeueAfterMs !== undefined) decision.requeueAfterMs = Math.max(0, requeueAfterMs);
  return decision;
}

function positiveOrUndefined(value: number | undefined): number | undefined {
  return value !== undefined && value > 0 ? value : undefined;
}
