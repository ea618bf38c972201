/** What the queue controller reads of cached driver pods and nodes, and the facts it derives from them. */
import type { KubernetesObject } from "@kubernetes/client-node";
import { parseKubernetesQuantity } from "../../../api/quantity.js";
import { OperatorLabel } from "../../../api/v1beta2/constants.js";
import { SparkLabel, SparkRole } from "../../../spark/constants.js";
import type { ClusterCapacity } from "./decide/admission.js";
import { hasQueueGate } from "./queue-view.js";

export interface CachedPod extends KubernetesObject {
  spec?: { schedulingGates?: { name: string }[]; priority?: number };
  status?: { phase?: string };
}

export interface CachedNode extends KubernetesObject {
  spec?: { unschedulable?: boolean };
  status?: { allocatable?: Record<string, string>; conditions?: { type: string; status: string }[] };
}

const MIB = 1024 * 1024;

/** Allocatable CPU and memory of the Ready, schedulable nodes. */
export function clusterCapacity(nodes: CachedNode[]): ClusterCapacity {
  let cpu = 0;
  let memoryMiB = 0;
  for (const node of nodes) {
    if (node.spec?.unschedulable) continue;
    if (!node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")) continue;
    cpu += parseKubernetesQuantity(node.status.allocatable?.cpu ?? "0") ?? 0;
    memoryMiB += (parseKubernetesQuantity(node.status.allocatable?.memory ?? "0") ?? 0) / MIB;
  }
  return { cpu, memoryMiB };
}

/**
 * Whether a driver pod's change can change a decision: its queue gate, phase, deletion or priority. Its other
 * updates (conditions, the scheduler's binding, container states) need no pass over the queues.
 */
export function admissionInputChanged(before: KubernetesObject, after: KubernetesObject): boolean {
  const a = before as CachedPod;
  const b = after as CachedPod;
  return (
    hasQueueGate(a) !== hasQueueGate(b) ||
    a.status?.phase !== b.status?.phase ||
    Boolean(a.metadata?.deletionTimestamp) !== Boolean(b.metadata?.deletionTimestamp) ||
    a.spec?.priority !== b.spec?.priority ||
    a.metadata?.labels?.[OperatorLabel.AppName] !== b.metadata?.labels?.[OperatorLabel.AppName]
  );
}

/** Whether a pod is a driver pod (the queue admits drivers; executors follow their admitted driver). */
export function isDriverPod(pod: KubernetesObject): boolean {
  return pod.metadata?.labels?.[SparkLabel.Role] === SparkRole.Driver;
}

export function podEnded(pod: CachedPod): boolean {
  return pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
}
