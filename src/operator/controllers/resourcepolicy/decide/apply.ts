/**
 * Writes a placement onto a gated pod: the unit's node selection (additions only, which Kubernetes allows
 * while a pod is gated), its labels and annotations, and our gate removed. Pure: returns a new pod.
 */
import type { V1Pod } from "@kubernetes/client-node";
import { SchedulingGate } from "../../../../api/sparkplane/constants.js";
import type { PlacementPatch } from "./decide.js";

export function applyPlacement(pod: V1Pod, patch: PlacementPatch): V1Pod {
  const next = structuredClone(pod);
  next.metadata ??= {};
  next.metadata.labels = { ...(next.metadata.labels ?? {}), ...patch.labels };
  next.metadata.annotations = { ...(next.metadata.annotations ?? {}), ...patch.annotations };
  next.spec ??= { containers: [] };
  const spec = next.spec;
  if (patch.nodeSelector) spec.nodeSelector = { ...(spec.nodeSelector ?? {}), ...patch.nodeSelector };
  if (patch.requirements?.length) {
    spec.affinity ??= {};
    spec.affinity.nodeAffinity ??= {};
    const nodeAffinity = spec.affinity.nodeAffinity;
    nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution ??= { nodeSelectorTerms: [] };
    const terms = nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    // Terms are ORed: the unit's requirement must hold in each, so it is appended to every term.
    if (terms.length === 0) terms.push({ matchExpressions: [] });
    for (const term of terms)
      term.matchExpressions = [...(term.matchExpressions ?? []), ...patch.requirements];
  }
  const gates = (spec.schedulingGates ?? []).filter((g) => g.name !== SchedulingGate.Placement);
  spec.schedulingGates = gates;
  return next;
}

export const hasPlacementGate = (pod: { spec?: { schedulingGates?: { name: string }[] } }) =>
  (pod.spec?.schedulingGates ?? []).some((g) => g.name === SchedulingGate.Placement);
