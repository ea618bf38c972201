/**
 * The contract between the pure ScheduledSparkApplication decision (`decideScheduled`) and the layer that
 * talks to Kubernetes. The act layer lists the runs (SparkApplications labelled
 * `sparkoperator.k8s.io/scheduled-app-name=<name>` in the namespace), calls `decideScheduled`, executes the
 * `actions` in order (create if absent: an AlreadyExists is success; a NotFound on delete is success),
 * writes `status` whole to the status subresource when it differs from the current one, records the
 * `events` on the ScheduledSparkApplication, and decides again after `requeueAfterMs`, or sooner on a watch
 * event of the application or of one of its runs.
 */

import type { EventType } from "../../../../api/v1beta2/constants.js";
import type {
  ScheduledSparkApplication,
  ScheduledSparkApplicationStatus,
} from "../../../../api/v1beta2/scheduledsparkapplication.js";
import type { SparkApplicationSpec } from "../../../../api/v1beta2/sparkapplication.js";
import type { ValidationError } from "../../../../api/v1beta2/validate.js";
import type { ScheduledRun } from "./history.js";
import type { ScheduledEventReason } from "./reasons.js";

export type { ScheduledRun, ValidationError };

export interface ScheduledDecideInput {
  /** The ScheduledSparkApplication as read: metadata (name, namespace, uid, labels, creationTimestamp), spec, status. */
  app: ScheduledSparkApplication;
  /** Its runs, with `metadata.name`, `creationTimestamp`, `deletionTimestamp` and `status.applicationState`. */
  runs: readonly ScheduledRun[];
  /** Milliseconds since the epoch; the only clock a decision depends on. */
  now: number;
  /** When this operator process started (ms): only words the events of runs missed while it was down. */
  operatorStartedAt?: number;
  /** The zone of a schedule without spec.timeZone: the operator's own, `operatorTimeZone()`. Default UTC. */
  defaultTimeZone?: string;
  /**
   * Semantic validation of the template, computed elsewhere (`validateScheduledSparkApplication` with
   * `runNameSuffixLength: RUN_NAME_SUFFIX_LENGTH`); any error blocks the schedule. Errors it reports for
   * spec.schedule or spec.timeZone are ignored: this module checks those itself.
   */
  validationErrors?: readonly ValidationError[];
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller: boolean;
  blockOwnerDeletion: boolean;
}

/** Create the SparkApplication `name` (namespace: the scheduled app's), unless it exists. */
export interface CreateRunAction {
  kind: "createRun";
  name: string;
  /** The time of the schedule this run is for (RFC 3339, UTC). */
  scheduledTime: string;
  /** A copy of `spec.template` as it is now. */
  spec: SparkApplicationSpec;
  /** The scheduled app's labels plus `sparkoperator.k8s.io/scheduled-app-name`. */
  labels: Record<string, string>;
  ownerReference: OwnerReference;
}

/** Delete the SparkApplication `name` (a run being replaced or pruned). */
export interface DeleteRunAction {
  kind: "deleteRun";
  name: string;
  why: string;
}

export type ScheduledAction = CreateRunAction | DeleteRunAction;

export interface ScheduledEvent {
  type: EventType;
  reason: ScheduledEventReason;
  message: string;
}

export interface ScheduledDecision {
  /** The complete status to have; compare with the current one before writing. */
  status: ScheduledSparkApplicationStatus;
  actions: ScheduledAction[];
  events: ScheduledEvent[];
  /** Decide again after this long: the time to the next run, at most a day. Undefined: wait for an edit. */
  requeueAfterMs?: number;
}
