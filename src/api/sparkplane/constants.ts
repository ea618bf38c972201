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

/**
 * The permissions the admission policy (`admission-policy.ts`, docs/security.md) asks the authorizer about,
 * beyond `create` on pods. Pseudo-resources in sparkplane.io: no API serves them, RBAC grants them like any
 * resource, and wildcards on sparkoperator.k8s.io (a common "Spark user" Role) do not include them.
 */
export const AdmissionPermission = {
  /** `use` on `serviceaccounts/<name>` (core): may run Spark pods as that account. */
  UseServiceAccount: { group: "", resource: "serviceaccounts", verb: "use" },
  /** `impersonate` on the same: acting as the account already gives its rights, so it counts as `use`. */
  ImpersonateServiceAccount: { group: "", resource: "serviceaccounts", verb: "impersonate" },
  /** `use` on `escalations.sparkplane.io/<escalation>`: may ask for that host access (names below). */
  UseEscalation: { group: SPARKPLANE_GROUP, resource: "escalations", verb: "use" },
  /**
   * `bypass` on `admission.sparkplane.io`: the policy does not apply. The operator holds it (it creates the runs
   * of ScheduledSparkApplications, whose template the policy checked when the schedule was written).
   */
  Bypass: { group: SPARKPLANE_GROUP, resource: "admission", verb: "bypass" },
} as const;

/** The resourceNames of `escalations.sparkplane.io`, each with what it lets a Spark pod do. */
export const Escalation = {
  privileged: "run privileged containers",
  capabilities: "add Linux capabilities (securityContext.capabilities.add)",
  hostPath: "mount hostPath volumes",
  hostNetwork: "use the host's network (hostNetwork)",
  hostPID: "use the host's process namespace (hostPID)",
  hostIPC: "use the host's IPC namespace (hostIPC)",
} as const;
export type Escalation = keyof typeof Escalation;

/** The name of the policy (and its binding) `sparkplane up` installs; the chart's is `<fullname>-spark-admission`. */
export const LOCAL_ADMISSION_POLICY_NAME = "sparkplane-local-spark-admission";
