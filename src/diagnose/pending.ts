/**
 * Why a SparkApplication's pods are Pending, said in the app's terms: which spec field asks for what no node
 * has free, which taint its tolerations miss, which selector no node matches, which gate holds it. Pure: a
 * function of the observed app, its pods, the nodes and the pods bound to them; the console, `describe` and
 * the operator's events all print what it returns.
 */
import type { V1Node, V1Pod, V1Taint } from "@kubernetes/client-node";
import { SchedulingGate } from "../api/sparkplane/constants.js";
import type { SparkApplication } from "../api/v1beta2/sparkapplication.js";
import { SparkLabel, SparkRole } from "../spark/constants.js";
import {
  fits,
  freeByNode,
  matchesNodeSelection,
  podRequests,
  type Resources,
  untoleratedTaints,
} from "./pod-fit.js";

/** The field selector of `PendingObservation.boundPods`: every live pod bound to a node, in any namespace. */
export const BOUND_PODS_FIELD_SELECTOR = "spec.nodeName!=,status.phase!=Succeeded,status.phase!=Failed";

export interface PendingObservation {
  app: SparkApplication;
  /** The app's pods (driver and executors); only unbound, non-terminal ones are diagnosed. */
  pods: readonly V1Pod[];
  nodes: readonly V1Node[];
  /** Every live pod bound to a node (any app), for what each node has left. */
  boundPods: readonly V1Pod[];
}

export type PendingReason =
  | "gated"
  | "taint"
  | "selector"
  | "cpu"
  | "memory"
  /** Both CPU and memory more than any node it may use has free. */
  | "cpu-and-memory"
  | "pods"
  | "no-nodes"
  | "waiting";

export interface PendingFinding {
  pod: string;
  role: SparkRole;
  reason: PendingReason;
  /** What stands in the way, in the app's terms. */
  message: string;
  /** What the user can change (a spec field) or do. */
  fix?: string;
}

const CPU_EPSILON = 1e-9;

export function formatCpu(cores: number): string {
  return `${Number(Math.max(cores, 0).toFixed(2))} CPU`;
}

export function formatMemory(bytes: number): string {
  const gib = bytes / 2 ** 30;
  if (Math.abs(gib) >= 1) return `${Number(gib.toFixed(2))} GiB`;
  return `${Math.round(Math.max(bytes, 0) / 2 ** 20)} MiB`;
}

const taintText = (t: V1Taint) => `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`;

function roleOf(pod: V1Pod): SparkRole {
  return pod.metadata?.labels?.[SparkLabel.Role] === SparkRole.Executor
    ? SparkRole.Executor
    : SparkRole.Driver;
}

const isPending = (pod: V1Pod) =>
  !pod.spec?.nodeName && !pod.metadata?.deletionTimestamp && (pod.status?.phase ?? "Pending") === "Pending";

/** The spec fields behind a role's CPU request, as the user wrote them. */
function cpuField(app: SparkApplication, role: SparkRole): string {
  return app.spec[role]?.coreRequest !== undefined ? `spec.${role}.coreRequest` : `spec.${role}.cores`;
}

function gateFinding(app: SparkApplication, pod: V1Pod, role: SparkRole, gate: string): PendingFinding {
  const name = pod.metadata?.name ?? "";
  const condition = pod.status?.conditions?.find((c) => c.type.startsWith("sparkplane.io/") && c.message);
  const detail = condition?.message ? `: ${condition.message}` : "";
  if (gate === SchedulingGate.Queue) {
    const queue = app.spec.batchSchedulerOptions?.queue ?? "";
    return {
      pod: name,
      role,
      reason: "gated",
      message: `waiting for admission to queue ${queue}${detail}`,
      fix: `wait for running apps of queue ${queue} to finish, or raise the SparkQueue's quota`,
    };
  }
  if (gate === SchedulingGate.Placement) {
    return {
      pod: name,
      role,
      reason: "gated",
      message: `held by a ResourcePolicy: every unit is at its max${detail}`,
      fix: "raise a unit's max in the ResourcePolicy, or wait for pods of this group to finish",
    };
  }
  return { pod: name, role, reason: "gated", message: `held by the scheduling gate ${gate}${detail}` };
}

function resourceFinding(
  app: SparkApplication,
  name: string,
  role: SparkRole,
  need: Resources,
  candidates: readonly Resources[],
): PendingFinding {
  const most = (pick: (r: Resources) => number) => Math.max(...candidates.map(pick));
  const nodesText =
    candidates.length === 1 ? "the node it may use" : `any of the ${candidates.length} nodes it may use`;
  const cpuShort = need.cpu > most((r) => r.cpu) + CPU_EPSILON;
  const memoryShort = need.memory > most((r) => r.memory);
  const freeCpu = formatCpu(most((r) => r.cpu));
  const freeMemory = formatMemory(most((r) => r.memory));
  const memoryNeed = `${formatMemory(need.memory)} of memory per ${role} (spec.${role}.memory plus overhead)`;
  const memoryFix = `\`spec.${role}.memory\` (or \`spec.${role}.memoryOverhead\`)`;
  if (cpuShort && memoryShort)
    return {
      pod: name,
      role,
      reason: "cpu-and-memory",
      message: `needs ${formatCpu(need.cpu)} and ${memoryNeed}; largest free on ${nodesText} ${freeCpu}, ${freeMemory}`,
      fix: `lower \`${cpuField(app, role)}\` and ${memoryFix}, or add nodes`,
    };
  if (cpuShort)
    return {
      pod: name,
      role,
      reason: "cpu",
      message: `needs ${formatCpu(need.cpu)} per ${role}; largest free on ${nodesText} ${freeCpu}`,
      fix: `lower \`${cpuField(app, role)}\` or add nodes`,
    };
  if (memoryShort)
    return {
      pod: name,
      role,
      reason: "memory",
      message: `needs ${memoryNeed}; largest free on ${nodesText} ${freeMemory}`,
      fix: `lower ${memoryFix} or add nodes`,
    };
  if (most((r) => r.pods) < 1)
    return {
      pod: name,
      role,
      reason: "pods",
      message: `${nodesText} hold as many pods as they allow`,
      fix: "add nodes",
    };
  // Enough on one resource each, but no single node has all of it at once.
  return {
    pod: name,
    role,
    reason: "cpu",
    message: `needs ${formatCpu(need.cpu)} and ${formatMemory(need.memory)} on one node; no node it may use has both free`,
    fix: `lower \`${cpuField(app, role)}\` or \`spec.${role}.memory\`, or add nodes`,
  };
}

function diagnosePod(obs: PendingObservation, pod: V1Pod, free: Map<string, Resources>): PendingFinding {
  const name = pod.metadata?.name ?? "";
  const role = roleOf(pod);
  const gates = pod.spec?.schedulingGates ?? [];
  if (gates.length > 0) return gateFinding(obs.app, pod, role, gates[0]!.name);
  if (obs.nodes.length === 0)
    return { pod: name, role, reason: "no-nodes", message: "the cluster has no nodes", fix: "add nodes" };

  const allowedByTaints = obs.nodes.filter((n) => untoleratedTaints(pod, n).length === 0);
  const allowed = allowedByTaints.filter((n) => matchesNodeSelection(pod, n));
  if (allowedByTaints.length === 0) {
    const taints = [...new Set(obs.nodes.flatMap((n) => untoleratedTaints(pod, n).map(taintText)))];
    return {
      pod: name,
      role,
      reason: "taint",
      message: `every node has a taint its tolerations miss: ${taints.join(", ")}`,
      fix: `add a toleration to \`spec.${role}.tolerations\``,
    };
  }
  if (allowed.length === 0) {
    const selectorNodes = obs.nodes.filter((n) => matchesNodeSelection(pod, n));
    const reason =
      selectorNodes.length > 0
        ? `the ${selectorNodes.length} node(s) matching \`spec.${role}.nodeSelector\`/\`affinity\` have taints its tolerations miss: ${[...new Set(selectorNodes.flatMap((n) => untoleratedTaints(pod, n).map(taintText)))].join(", ")}`
        : `no node matches \`spec.${role}.nodeSelector\`/\`spec.${role}.affinity\``;
    return {
      pod: name,
      role,
      reason: selectorNodes.length > 0 ? "taint" : "selector",
      message: reason,
      fix:
        selectorNodes.length > 0
          ? `add a toleration to \`spec.${role}.tolerations\``
          : `change \`spec.${role}.nodeSelector\`/\`affinity\` or label nodes to match`,
    };
  }
  const need = podRequests(pod);
  const candidates = allowed.map((n) => free.get(n.metadata?.name ?? "")).filter((r) => r !== undefined);
  if (!candidates.some((r) => fits(need, r))) return resourceFinding(obs.app, name, role, need, candidates);
  const scheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False");
  return {
    pod: name,
    role,
    reason: "waiting",
    message: `fits a node now; the scheduler has not placed it yet${scheduled?.message ? ` (last: ${scheduled.message})` : ""}`,
  };
}

/** A finding per Pending pod of the app, driver first. */
export function diagnosePending(obs: PendingObservation): PendingFinding[] {
  const free = freeByNode(obs.nodes, obs.boundPods);
  return obs.pods
    .filter(isPending)
    .map((pod) => diagnosePod(obs, pod, free))
    .sort((a, b) => (a.role === b.role ? a.pod.localeCompare(b.pod) : a.role === SparkRole.Driver ? -1 : 1));
}

/** One line per distinct cause: "3 executors Pending: needs 4 CPU per executor; ... (fix: lower ...)". */
export function summarizePending(findings: readonly PendingFinding[]): string[] {
  const groups = new Map<string, PendingFinding[]>();
  for (const f of findings) {
    const key = `${f.role}\u0000${f.message}\u0000${f.fix ?? ""}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups.values()].map((group) => {
    const { role, message, fix } = group[0]!;
    const who = group.length === 1 ? `${role} ${group[0]!.pod}` : `${group.length} ${role}s`;
    return `${who} Pending: ${message}${fix ? `; ${fix}` : ""}`;
  });
}
