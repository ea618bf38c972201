/**
 * sparkplane's own API domain (`sparkplane.io`): names the outside world sees on pods and objects that
 * sparkplane, not the kubeflow API, defines.
 */
export const SPARKPLANE_GROUP = "sparkplane.io";

/**
 * Pod scheduling gates (`spec.schedulingGates`). The kube-scheduler leaves a gated pod alone; each gate is
 * removed by exactly one controller once it has decided, and the scheduler places the pod when none is left.
 */
export const SchedulingGate = {
  /** On a driver pod whose app names a queue: removed when the queue admits the whole app. */
  Queue: `${SPARKPLANE_GROUP}/queue`,
  /** On pods a ResourcePolicy selects: removed once a unit is chosen and written to the pod. */
  Placement: `${SPARKPLANE_GROUP}/placement`,
} as const;

export const SPARKPLANE_VERSION = "v1alpha1";
export const SPARKPLANE_API_VERSION = `${SPARKPLANE_GROUP}/${SPARKPLANE_VERSION}`;

export const SparkQueueNames = {
  kind: "SparkQueue",
  listKind: "SparkQueueList",
  plural: "sparkqueues",
  singular: "sparkqueue",
  shortNames: ["sq"],
} as const;

/** `spec.batchScheduler` values that leave queueing to sparkplane (unset too); any other names another scheduler. */
export const SPARKPLANE_BATCH_SCHEDULERS: readonly string[] = ["", "sparkplane"];

/** Event reasons of the queue controller, on the SparkApplication. */
export const QueueEventReason = {
  Waiting: "SparkQueueWaiting",
  Admitted: "SparkQueueAdmitted",
  Refused: "SparkQueueRefused",
  QueueNotFound: "SparkQueueNotFound",
} as const;

/**
 * On a SparkApplication: the requested CPU·s and memory·s of its pods that ended, as JSON
 * (`{"cpuCoreSeconds", "memoryGiBSeconds", "pods": {"<pod>": [cpu, memory]}}`), written by the operator.
 */
export const COST_ANNOTATION = `${SPARKPLANE_GROUP}/cost`;

/** The event on a SparkApplication whose pods the scheduler cannot place: why, in the app's terms. */
export const PENDING_EVENT_REASON = "SparkApplicationPending";

/** The pod condition on a queued driver while it waits (status False, the reason and why). */
export const QUEUE_CONDITION = `${SPARKPLANE_GROUP}/QueueAdmitted`;
