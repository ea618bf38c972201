/** A container's waiting reasons as the kubelet reports them (the outside world's names). */
export const WaitingReason = {
  /** The image is not on the node and the pull policy forbids pulling it. */
  ErrImageNeverPull: "ErrImageNeverPull",
  InvalidImageName: "InvalidImageName",
  CreateContainerConfigError: "CreateContainerConfigError",
  ContainerCreating: "ContainerCreating",
} as const;

/**
 * Waiting reasons that no retry of the kubelet's resolves: the container never starts unless the pod is
 * changed (or the node is), so a controller waiting on it would wait forever.
 */
export const NEVER_STARTS: ReadonlySet<string> = new Set([
  WaitingReason.ErrImageNeverPull,
  WaitingReason.InvalidImageName,
]);
