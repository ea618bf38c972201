import type { V1Pod } from "@kubernetes/client-node";

/** The scheduling gates a run's pods are created with: the driver pod's, and the executors' via their template. */
export interface RunSchedulingGates {
  driver?: readonly string[];
  executor?: readonly string[];
}

/**
 * Adds gates to a pod (or pod template) once each, after any it already has. Spark builds every executor
 * from the template, so gates written there reach Spark's own executors too.
 */
export function addSchedulingGates(pod: V1Pod, gates: readonly string[] | undefined): V1Pod {
  if (!gates?.length) return pod;
  pod.spec ??= { containers: [] };
  const spec = pod.spec;
  const present = new Set((spec.schedulingGates ?? []).map((g) => g.name));
  const added = gates.filter((g, i) => !present.has(g) && gates.indexOf(g) === i).map((name) => ({ name }));
  if (added.length > 0) spec.schedulingGates = [...(spec.schedulingGates ?? []), ...added];
  return pod;
}

/** A gate provider's refusal of a run that can never be admitted: the run fails with this message. */
export class SchedulingRefusal extends Error {}
