/**
 * What kube-scheduler checks first for a pod, recomputed from observed objects: its requests, which nodes
 * its tolerations, node selector and required node affinity allow, and what each node has free. Pure.
 */
import type {
  V1Node,
  V1NodeSelectorRequirement,
  V1NodeSelectorTerm,
  V1Pod,
  V1Taint,
  V1Toleration,
} from "@kubernetes/client-node";
import { parseKubernetesQuantity } from "../api/quantity.js";

export interface Resources {
  /** Cores. */
  cpu: number;
  /** Bytes. */
  memory: number;
  pods: number;
}

const quantity = (v: string | number | undefined) =>
  v === undefined ? 0 : (parseKubernetesQuantity(v) ?? 0);

/** The scheduler's view of a pod's requests: max(sum of containers, largest init container) + overhead. */
export function podRequests(pod: V1Pod): Resources {
  const sum = { cpu: 0, memory: 0 };
  for (const c of pod.spec?.containers ?? []) {
    sum.cpu += quantity(c.resources?.requests?.cpu);
    sum.memory += quantity(c.resources?.requests?.memory);
  }
  for (const c of pod.spec?.initContainers ?? []) {
    sum.cpu = Math.max(sum.cpu, quantity(c.resources?.requests?.cpu));
    sum.memory = Math.max(sum.memory, quantity(c.resources?.requests?.memory));
  }
  const overhead = pod.spec?.overhead ?? {};
  return { cpu: sum.cpu + quantity(overhead.cpu), memory: sum.memory + quantity(overhead.memory), pods: 1 };
}

const isTerminal = (pod: V1Pod) => pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";

/** Allocatable minus the requests of the live pods bound to each node, by node name. */
export function freeByNode(nodes: readonly V1Node[], pods: readonly V1Pod[]): Map<string, Resources> {
  const free = new Map<string, Resources>();
  for (const node of nodes) {
    const a = node.status?.allocatable ?? node.status?.capacity ?? {};
    free.set(node.metadata?.name ?? "", {
      cpu: quantity(a.cpu),
      memory: quantity(a.memory),
      pods: quantity(a.pods),
    });
  }
  for (const pod of pods) {
    const left = free.get(pod.spec?.nodeName ?? "");
    if (!left || isTerminal(pod)) continue;
    const r = podRequests(pod);
    left.cpu -= r.cpu;
    left.memory -= r.memory;
    left.pods -= 1;
  }
  return free;
}

function tolerates(toleration: V1Toleration, taint: V1Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.operator === "Exists") return !toleration.key || toleration.key === taint.key;
  return toleration.key === taint.key && (toleration.value ?? "") === (taint.value ?? "");
}

/** The node's NoSchedule/NoExecute taints none of the pod's tolerations tolerate. */
export function untoleratedTaints(pod: V1Pod, node: V1Node): V1Taint[] {
  const tolerations = pod.spec?.tolerations ?? [];
  return (node.spec?.taints ?? []).filter(
    (t) => t.effect !== "PreferNoSchedule" && !tolerations.some((tol) => tolerates(tol, t)),
  );
}

function requirementHolds(req: V1NodeSelectorRequirement, labels: Record<string, string>): boolean {
  const value = labels[req.key];
  const values = req.values ?? [];
  switch (req.operator) {
    case "In":
      return value !== undefined && values.includes(value);
    case "NotIn":
      return value === undefined || !values.includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    case "Gt":
    case "Lt": {
      const n = Number(value);
      const bound = Number(values[0]);
      if (value === undefined || !Number.isInteger(n) || !Number.isInteger(bound)) return false;
      return req.operator === "Gt" ? n > bound : n < bound;
    }
    default:
      return false;
  }
}

const termHolds = (term: V1NodeSelectorTerm, labels: Record<string, string>) =>
  (term.matchExpressions ?? []).every((r) => requirementHolds(r, labels));

/** Whether the node's labels satisfy the pod's nodeSelector and required node affinity. */
export function matchesNodeSelection(pod: V1Pod, node: V1Node): boolean {
  const labels = node.metadata?.labels ?? {};
  const selector = pod.spec?.nodeSelector ?? {};
  if (Object.entries(selector).some(([k, v]) => labels[k] !== v)) return false;
  const terms =
    pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  // Terms are ORed; an empty term matches nothing, as in the scheduler.
  if (terms && terms.length > 0)
    return terms.some((t) => (t.matchExpressions?.length ?? 0) > 0 && termHolds(t, labels));
  return true;
}

export function fits(need: Resources, free: Resources): boolean {
  return need.cpu <= free.cpu + 1e-9 && need.memory <= free.memory && free.pods >= 1;
}
