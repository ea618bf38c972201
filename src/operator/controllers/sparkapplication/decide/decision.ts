/**
 * The contract between the pure SparkApplication state machine (`decide`, `afterSubmit`) and the layer that
 * talks to Kubernetes. The act layer gathers a `DecideInput`, executes the `actions` in order, writes
 * `status` whole (an update of the status subresource, so removed fields disappear), records the `events`,
 * and requeues after `requeueAfterMs` (0 = at once) when set.
 */
import type { V1Pod } from "@kubernetes/client-node";
import type { EventReason, EventType } from "../../../../api/v1beta2/constants.js";
import type { ServiceType } from "../../../../api/v1beta2/core.js";
import type { SparkApplication, SparkApplicationStatus } from "../../../../api/v1beta2/sparkapplication.js";
import type { ValidationError } from "../../../../api/v1beta2/validate.js";

export type { ValidationError };

export interface DecideConfig {
  /** How long a SUBMITTED application may lack its driver pod before it is FAILING. */
  driverPodCreationGraceMs: number;
  /** Most entries kept in `status.executorState`; 0 or less: no limit. See `trackExecutors`. */
  maxTrackedExecutors: number;
  /** Create the `<app>-ui-svc` Service for the Spark UI while the driver is pending or running. */
  enableUIService: boolean;
  /** TTL of terminated applications without `spec.timeToLiveSeconds`; undefined or <= 0: none. */
  defaultTimeToLiveSeconds: number | undefined;
  /** Poll interval while waiting for deleted driver resources to disappear. */
  resourceDeletionPollMs: number;
}

export const DEFAULT_DECIDE_CONFIG: Readonly<DecideConfig> = Object.freeze({
  driverPodCreationGraceMs: 10_000,
  maxTrackedExecutors: 1000,
  enableUIService: true,
  defaultTimeToLiveSeconds: undefined,
  resourceDeletionPollMs: 1000,
});

export interface DecideInput {
  /** The application as read: metadata (name, namespace, uid, annotations, deletionTimestamp), spec, status. */
  app: SparkApplication;
  /** The pod named `driverPodNameToObserve(app)`, if it exists. */
  driverPod: V1Pod | undefined;
  /** Pods matching `executorPodSelector(app, driverPod)`; empty when that selector is undefined. */
  executorPods: readonly V1Pod[];
  /** Whether the Service named `uiServiceNameFor(app)` exists. */
  uiServicePresent: boolean;
  /** That Service's `spec.clusterIP`, when it exists and the cache has it. */
  uiServiceClusterIP?: string | undefined;
  /** Semantic validation of the spec, computed elsewhere; blocks submission when not empty. */
  validationErrors: readonly ValidationError[];
  /** Milliseconds since the epoch; the only clock a decision depends on. */
  now: number;
  config: DecideConfig;
}

export interface AppEvent {
  type: EventType;
  reason: EventReason;
  message: string;
}

/**
 * Submit a new run: create the driver pod `driverPodName` (with its ConfigMap and headless Service),
 * then report the outcome through `afterSubmit`.
 */
export interface SubmitAction {
  kind: "submit";
  /** The submission attempt this is (`status.submissionAttempts` once recorded). */
  attempt: number;
  driverPodName: string;
  /** `now` of the decision; recorded as `lastSubmissionAttemptTime`. */
  requestedAt: number;
}

/**
 * Delete what a run left behind: the driver pod, its ConfigMap and headless Service, the UI Service, and
 * the executors of `sparkApplicationId` (when known). Absent objects are not an error.
 */
export interface DeleteDriverResourcesAction {
  kind: "deleteDriverResources";
  driverPodName: string;
  uiServiceName: string;
  sparkApplicationId: string | undefined;
  submissionId: string | undefined;
}

/**
 * Create (if absent) the Service exposing the Spark UI of the driver. The act layer then records the created
 * (or found) Service's cluster IP with `withWebUIAddress`: the decision cannot know it before.
 */
export interface CreateUIServiceAction {
  kind: "createUIService";
  serviceName: string;
  port: number;
  portName: string;
  targetPort: number;
  serviceType: ServiceType;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** Set annotation `annotation` of the SparkApplication to `hash` (a metadata patch). */
export interface RecordSpecHashAction {
  kind: "recordSpecHash";
  annotation: string;
  hash: string;
}

/** Delete the SparkApplication itself (its time to live has passed). */
export interface DeleteAppAction {
  kind: "deleteApp";
}

/**
 * The application is being deleted and nothing of its runs is left: release it (remove the operator's
 * finalizer, if it set one).
 */
export interface FinalizeDeletionAction {
  kind: "finalizeDeletion";
}

export type Action =
  | SubmitAction
  | DeleteDriverResourcesAction
  | CreateUIServiceAction
  | RecordSpecHashAction
  | DeleteAppAction
  | FinalizeDeletionAction;

export interface Decision {
  /** The complete new status; undefined when unchanged. */
  status?: SparkApplicationStatus;
  actions: Action[];
  events: AppEvent[];
  /** Decide again after this many milliseconds even without a watch event; 0 = at once. */
  requeueAfterMs?: number;
}
