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

export interface CostLedger extends Cost {
  /** Ended pods already counted, with their [cpu, memory] share: counted once, whatever events repeat. */
  pods: Record<string, [number, number]>;
  /** True once an ended pod was left out: past MAX_LEDGER_PODS (an annotation has room for so many names). */
  truncated?: boolean;
}

/** Pods counted (by name) per app; the ones after are left out and the ledger says `truncated`. */
export const MAX_LEDGER_PODS = 1000;

export interface PodTimes {
  metadata?: { name?: string; deletionTimestamp?: string | Date; labels?: Record<string, string> };
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
      pods: typeof v.pods === "object" && v.pods !== null ? v.pods : {},
      ...(v.truncated === true ? { truncated: true } : {}),
    };
  } catch {
    return empty;
  }
}

/** The ledger with the pods not counted yet added, and what they added; `added` is empty when none is new. */
export function recordEnded(
  ledger: CostLedger,
  ended: readonly { name: string; cost: Cost }[],
): { ledger: CostLedger; added: { name: string; cost: Cost }[] } {
  const fresh = ended.filter((e) => ledger.pods[e.name] === undefined);
  if (fresh.length === 0) return { ledger, added: [] };
  const next: CostLedger = { ...ledger, pods: { ...ledger.pods } };
  const added: { name: string; cost: Cost }[] = [];
  for (const e of fresh) {
    if (Object.keys(next.pods).length >= MAX_LEDGER_PODS) {
      next.truncated = true;
      continue;
    }
    next.cpuCoreSeconds = round(next.cpuCoreSeconds + e.cost.cpuCoreSeconds);
    next.memoryGiBSeconds = round(next.memoryGiBSeconds + e.cost.memoryGiBSeconds);
    next.pods[e.name] = [e.cost.cpuCoreSeconds, e.cost.memoryGiBSeconds];
    added.push(e);
  }
  return { ledger: next, added };
}
