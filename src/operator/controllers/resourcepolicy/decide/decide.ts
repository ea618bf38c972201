/**
 * Which unit of a ResourcePolicy a gated pod goes to, ACK's way: the first unit, in order, that has room
 * under its `max` (pods counted per value of `matchLabelKeys`) and, unless whenTryNextUnits says to stay,
 * a node that fits the pod. Pure: everything it reads is passed in.
 */
import type { V1Node, V1NodeSelectorRequirement, V1Pod } from "@kubernetes/client-node";
import { UnitResource, VIRTUAL_KUBELET_LABEL } from "../../../../api/resourcepolicy/constants.js";
import type { ResourcePolicy, ResourcePolicyUnit } from "../../../../api/resourcepolicy/resourcepolicy.js";
import {
  fits,
  freeByNode,
  matchesNodeSelection,
  podRequests,
  untoleratedTaints,
} from "../../../../diagnose/pod-fit.js";
import { PlacementAnnotation } from "./constants.js";

export interface PlacementInput {
  pod: V1Pod;
  policy: ResourcePolicy;
  /** Pods of the policy's namespace (placed, bound or not; the gated pod itself may be among them). */
  pods: readonly V1Pod[];
  nodes: readonly V1Node[];
  /** Pods bound to nodes, any namespace: what uses the nodes' capacity. */
  boundPods: readonly V1Pod[];
  now: number;
}

/** What to write on the pod: all of it only narrows where it may run, as a gated pod allows. */
export interface PlacementPatch {
  nodeSelector?: Record<string, string>;
  /** Appended to every required node-affinity term (or the one term when there is none). */
  requirements?: V1NodeSelectorRequirement[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export type PlacementDecision =
  | { kind: "place"; unit: number; patch: PlacementPatch; message: string }
  | { kind: "wait"; message: string; requeueAfterMs?: number };

export interface UnitCount {
  unit: number;
  count: number;
  max?: number;
}

const isVirtual = (r: ResourcePolicyUnit["resource"]) => r === UnitResource.Eci || r === UnitResource.Acs;

/**
 * The unit's node selection as a nodeSelector plus expressions: a virtual unit (eci, acs) without a
 * nodeSelector means virtual-kubelet nodes; a regular unit (ecs, elastic) never includes them.
 */
export function unitSelection(unit: ResourcePolicyUnit): {
  nodeSelector: Record<string, string>;
  requirements: V1NodeSelectorRequirement[];
} {
  const nodeSelector = { ...(unit.nodeSelector ?? {}) };
  if (isVirtual(unit.resource)) {
    if (Object.keys(nodeSelector).length === 0)
      nodeSelector[VIRTUAL_KUBELET_LABEL.key] = VIRTUAL_KUBELET_LABEL.value;
    return { nodeSelector, requirements: [] };
  }
  const notVirtual: V1NodeSelectorRequirement = {
    key: VIRTUAL_KUBELET_LABEL.key,
    operator: "NotIn",
    values: [VIRTUAL_KUBELET_LABEL.value],
  };
  return { nodeSelector, requirements: [notVirtual] };
}

export function nodeInUnit(node: V1Node, unit: ResourcePolicyUnit): boolean {
  const labels = node.metadata?.labels ?? {};
  const { nodeSelector, requirements } = unitSelection(unit);
  if (Object.entries(nodeSelector).some(([k, v]) => labels[k] !== v)) return false;
  return requirements.every((r) => !(r.values ?? []).includes(labels[r.key] ?? "\u0000"));
}

export function selects(policy: ResourcePolicy, pod: V1Pod): boolean {
  const selector = policy.spec.selector ?? {};
  const labels = pod.metadata?.labels ?? {};
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

/** The policy that governs a pod: of those selecting it, the oldest (then by name), as a stable choice. */
export function policyFor(policies: readonly ResourcePolicy[], pod: V1Pod): ResourcePolicy | undefined {
  return policies
    .filter((p) => selects(p, pod))
    .sort(
      (a, b) =>
        (a.metadata.creationTimestamp ?? "").localeCompare(b.metadata.creationTimestamp ?? "") ||
        (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""),
    )[0];
}

const time = (t: unknown) => (t instanceof Date ? t.getTime() : t ? Date.parse(String(t)) : Number.NaN);
const isTerminal = (p: V1Pod) => p.status?.phase === "Succeeded" || p.status?.phase === "Failed";

/**
 * The unit a pod counts in: the one it was placed in by us, else (not ignoring pods placed before the
 * policy) the first unit whose nodes include the pod's node. Undefined: it does not count.
 */
export function countedUnit(p: V1Pod, input: Pick<PlacementInput, "policy" | "nodes">): number | undefined {
  const { policy } = input;
  if (isTerminal(p)) return undefined;
  if (p.metadata?.deletionTimestamp && policy.spec.ignoreTerminatingPod) return undefined;
  const createdBefore = time(p.metadata?.creationTimestamp) < time(policy.metadata.creationTimestamp);
  if (policy.spec.ignorePreviousPod && createdBefore) return undefined;
  const annotations = p.metadata?.annotations ?? {};
  const placed = annotations[PlacementAnnotation.Unit];
  if (placed !== undefined && annotations[PlacementAnnotation.Policy] === policy.metadata.name) {
    const unit = Number(placed);
    return Number.isInteger(unit) && unit >= 0 && unit < policy.spec.units.length ? unit : undefined;
  }
  const nodeName = p.spec?.nodeName;
  if (!nodeName || !selects(policy, p)) return undefined;
  const node = input.nodes.find((n) => n.metadata?.name === nodeName);
  if (!node) return undefined;
  const unit = policy.spec.units.findIndex((u) => nodeInUnit(node, u));
  return unit < 0 ? undefined : unit;
}

const groupKey = (policy: ResourcePolicy, p: V1Pod) =>
  JSON.stringify((policy.spec.matchLabelKeys ?? []).map((k) => p.metadata?.labels?.[k] ?? null));

/** Pods counted in each unit among those in the gated pod's matchLabelKeys group. */
export function unitCounts(input: PlacementInput): UnitCount[] {
  const { policy, pod } = input;
  const group = groupKey(policy, pod);
  const counts = policy.spec.units.map((u, unit) => ({ unit, count: 0, max: u.max }));
  for (const p of input.pods) {
    if (p.metadata?.uid !== undefined && p.metadata.uid === pod.metadata?.uid) continue;
    if (groupKey(policy, p) !== group) continue;
    const unit = countedUnit(p, input);
    if (unit !== undefined) counts[unit]!.count += 1;
  }
  return counts;
}

/** Whether some node of the unit takes the pod now: labels, taints, the pod's own selection, free capacity. */
function unitHasRoom(input: PlacementInput, unit: ResourcePolicyUnit): boolean {
  const free = freeByNode(input.nodes, input.boundPods);
  const need = podRequests(input.pod);
  return input.nodes.some(
    (node) =>
      !node.spec?.unschedulable &&
      nodeInUnit(node, unit) &&
      matchesNodeSelection(input.pod, node) &&
      untoleratedTaints(input.pod, node).length === 0 &&
      fits(need, free.get(node.metadata?.name ?? "") ?? { cpu: 0, memory: 0, pods: 0 }),
  );
}

/** Whether some node of the unit could ever take the pod (labels, taints, its own selection). */
function unitAdmits(input: PlacementInput, unit: ResourcePolicyUnit): boolean {
  return input.nodes.some(
    (node) =>
      nodeInUnit(node, unit) &&
      matchesNodeSelection(input.pod, node) &&
      untoleratedTaints(input.pod, node).length === 0,
  );
}

/** Milliseconds of a duration such as "30s", "1m", "1h30m"; undefined when it is not one. */
export function parseDuration(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.map((m) => m[0]).join("") !== text) return undefined;
  const scale: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  return parts.reduce((sum, m) => sum + Number(m[1]) * scale[m[2]!]!, 0);
}

function describe(counts: readonly UnitCount[], policy: ResourcePolicy): string {
  return counts
    .map((c) => `unit ${c.unit} (${policy.spec.units[c.unit]!.resource}) ${c.count}/${c.max ?? "∞"}`)
    .join(", ");
}

export function decidePlacement(input: PlacementInput): PlacementDecision {
  const { policy, pod } = input;
  const counts = unitCounts(input);
  const policyName = policy.metadata.name ?? "";
  const tryNext = policy.spec.whenTryNextUnits?.policy ?? "LackResourceOrExceedMax";
  const timeoutMs = parseDuration(policy.spec.whenTryNextUnits?.timeout);
  const waitedMs = input.now - time(pod.metadata?.creationTimestamp);
  const timedOut = timeoutMs !== undefined && waitedMs >= timeoutMs;
  let requeueAfterMs: number | undefined;
  for (const [i, unit] of policy.spec.units.entries()) {
    const c = counts[i]!;
    if (c.max !== undefined && c.count >= c.max) continue;
    if (!unitAdmits(input, unit)) continue;
    const room = unitHasRoom(input, unit);
    if (!room) {
      // Whether a unit short of capacity is passed over or waited for is whenTryNextUnits' choice.
      if (tryNext === "LackResourceOrExceedMax") continue;
      if (tryNext === "LackResourceAndNoTerminating") {
        const terminating = input.pods.some(
          (p) => p.metadata?.deletionTimestamp && countedUnit(p, input) === i,
        );
        if (!terminating) continue;
      }
      if (tryNext === "TimeoutOrExceedMax" && timedOut) continue;
      if (tryNext === "TimeoutOrExceedMax" && timeoutMs !== undefined)
        requeueAfterMs = Math.max(0, timeoutMs - waitedMs);
    }
    const { nodeSelector, requirements } = unitSelection(unit);
    return {
      kind: "place",
      unit: i,
      patch: {
        ...(Object.keys(nodeSelector).length > 0 ? { nodeSelector } : {}),
        ...(requirements.length > 0 ? { requirements } : {}),
        labels: { ...(unit.podLabels ?? {}) },
        annotations: {
          ...(unit.podAnnotations ?? {}),
          [PlacementAnnotation.Policy]: policyName,
          [PlacementAnnotation.Unit]: String(i),
        },
      },
      message: `ResourcePolicy ${policyName}: unit ${i} (${unit.resource}${room ? "" : ", no node has room yet"}); ${describe(counts, policy)}`,
    };
  }
  return {
    kind: "wait",
    message: `ResourcePolicy ${policyName}: no unit can take the pod: ${describe(counts, policy)}${counts.some((c) => c.max === undefined || c.count < c.max) ? " (units under max have no node that fits the pod's requests, taints or node selection)" : ""}`,
    ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}),
  };
}
