/**
 * What a Spark app cost, in requests: each pod's requested CPU and memory (as Spark derives them from the
 * spec) times its lifetime (start to its containers' end, its deletion, or now). Pure; the operator records
 * ended pods in the COST_ANNOTATION ledger, the console adds the pods still running.
 */
import { podCpuRequest, podMemory, type SparkRole } from "../v1beta2/resources.js";
import type { SparkApplicationSpec } from "../v1beta2/sparkapplication.js";

export interface Cost {
  cpuCoreSeconds: number;
  memoryGiBSeconds: number;
}

/** An app's cost as shown: requests, and the CPU used where its pods' nodes reported it. */
export interface AppCost extends Cost {
  usedCpuCoreSeconds?: number;
}

export interface CostLedger extends Cost {
  /**
   * CPU core-seconds the pods used, as their nodes reported (kubelet Summary API); only pods whose node
   * reported are in it (their ledger entry has a third number).
   */
  usedCpuCoreSeconds?: number;
  /** Ended pods already counted, with their [cpu, memory(, used cpu)] share: counted once, whatever events repeat. */
  pods: Record<string, [number, number] | [number, number, number]>;
  /** True once an ended pod was left out: past MAX_LEDGER_PODS (an annotation has room for so many names). */
  truncated?: boolean;
}

/** Pods counted (by name) per app; the ones after are left out and the ledger says `truncated`. */
export const MAX_LEDGER_PODS = 1000;

export interface PodTimes {
  metadata?: {
    name?: string;
    uid?: string;
    deletionTimestamp?: string | Date;
    labels?: Record<string, string>;
  };
  spec?: { nodeName?: string };
  status?: {
    phase?: string;
    startTime?: string | Date;
    containerStatuses?: { state?: { terminated?: { finishedAt?: string | Date } } }[];
  };
}

const ms = (t: string | Date | undefined): number | undefined => {
  if (t === undefined) return undefined;
  const v = new Date(t).getTime();
  return Number.isFinite(v) ? v : undefined;
};

/** The pod's lifetime so far in seconds: 0 before it started. */
export function podSeconds(pod: PodTimes, now: number): number {
  const start = ms(pod.status?.startTime);
  if (start === undefined) return 0;
  const finished = (pod.status?.containerStatuses ?? [])
    .map((c) => ms(c.state?.terminated?.finishedAt))
    .filter((t): t is number => t !== undefined);
  const ended =
    finished.length > 0 && finished.length === (pod.status?.containerStatuses ?? []).length
      ? Math.max(...finished)
      : (ms(pod.metadata?.deletionTimestamp) ?? now);
  return Math.max(0, (Math.min(ended, now) - start) / 1000);
}

/** True once the pod will not run any longer: a terminal phase, or being deleted. */
export function podEnded(pod: PodTimes): boolean {
  const phase = pod.status?.phase;
  return phase === "Succeeded" || phase === "Failed" || pod.metadata?.deletionTimestamp !== undefined;
}

const round = (v: number) => Math.round(v * 1000) / 1000;

/** `role`'s requests times `seconds`; undefined when the spec's memory or CPU cannot be read. */
export function podCost(spec: SparkApplicationSpec, role: SparkRole, seconds: number): Cost | undefined {
  const cpu = podCpuRequest(spec, role);
  const memory = podMemory(spec, role);
  if (cpu === undefined || memory === undefined) return undefined;
  return {
    cpuCoreSeconds: round(cpu * seconds),
    memoryGiBSeconds: round((memory.totalMiB / 1024) * seconds),
  };
}

export function parseLedger(text: string | undefined): CostLedger {
  const empty: CostLedger = { cpuCoreSeconds: 0, memoryGiBSeconds: 0, pods: {} };
  if (!text) return empty;
  try {
    const v = JSON.parse(text) as Partial<CostLedger>;
    if (typeof v.cpuCoreSeconds !== "number" || typeof v.memoryGiBSeconds !== "number") return empty;
    return {
      cpuCoreSeconds: v.cpuCoreSeconds,
      memoryGiBSeconds: v.memoryGiBSeconds,
      ...(typeof v.usedCpuCoreSeconds === "number" ? { usedCpuCoreSeconds: v.usedCpuCoreSeconds } : {}),
      pods: typeof v.pods === "object" && v.pods !== null ? v.pods : {},
      ...(v.truncated === true ? { truncated: true } : {}),
    };
  } catch {
    return empty;
  }
}

/** The ledger with the pods not counted yet added, and what they added; `added` is empty when none is new. */
/** An ended pod's requested cost and, when its node reported it, the CPU it used. */
export interface EndedPod {
  name: string;
  cost: Cost;
  usedCpuCoreSeconds?: number;
}

export function recordEnded(
  ledger: CostLedger,
  ended: readonly EndedPod[],
): { ledger: CostLedger; added: EndedPod[] } {
  const fresh = ended.filter((e) => ledger.pods[e.name] === undefined);
  if (fresh.length === 0) return { ledger, added: [] };
  const next: CostLedger = { ...ledger, pods: { ...ledger.pods } };
  const added: EndedPod[] = [];
  for (const e of fresh) {
    if (Object.keys(next.pods).length >= MAX_LEDGER_PODS) {
      next.truncated = true;
      continue;
    }
    next.cpuCoreSeconds = round(next.cpuCoreSeconds + e.cost.cpuCoreSeconds);
    next.memoryGiBSeconds = round(next.memoryGiBSeconds + e.cost.memoryGiBSeconds);
    const used = e.usedCpuCoreSeconds;
    if (used === undefined) next.pods[e.name] = [e.cost.cpuCoreSeconds, e.cost.memoryGiBSeconds];
    else {
      next.usedCpuCoreSeconds = round((next.usedCpuCoreSeconds ?? 0) + used);
      next.pods[e.name] = [e.cost.cpuCoreSeconds, e.cost.memoryGiBSeconds, round(used)];
    }
    added.push(e);
  }
  return { ledger: next, added };
}

/** What a kubelet's `/stats/summary` says of its pods (the part read here). */
export interface NodeSummary {
  pods?: { podRef?: { uid?: string }; cpu?: { usageCoreNanoSeconds?: number } }[];
}

/** CPU core-seconds each pod (by uid) has used so far, from a node's Summary API document. */
export function usedCpuByPod(summary: NodeSummary): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of summary.pods ?? []) {
    const uid = p.podRef?.uid;
    const ns = p.cpu?.usageCoreNanoSeconds;
    if (uid && typeof ns === "number" && Number.isFinite(ns) && ns >= 0) out.set(uid, ns / 1e9);
  }
  return out;
}
