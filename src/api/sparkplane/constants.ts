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
