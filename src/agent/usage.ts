/**
 * CPU and memory used by the processes of a container, and the kubelet Summary API (`/stats/summary`,
 * stats.k8s.io/v1alpha1) the agent serves from them. Running runs are read from /proc (their process group's
 * CPU ticks, its own and its reaped children's); a finished run's total is what its wrapper shell's `times`
 * printed after the command ended (children's user + system time), so nothing after the last reading is lost.
 */
import { clockTicksPerSecond } from "../util/proc-stat.js";

const NANOS = 1e9;

export const ticksToNanos = (ticks: number): number => Math.round((ticks * NANOS) / clockTicksPerSecond());

/** The file beside a run's exit file where the wrapper writes its `times` output. */
export const cpuFileOf = (exitFile: string): string => `${exitFile}.cpu`;

/**
 * The children's CPU time (user + system, nanoseconds) from the output of the shell builtin `times`: two lines
 * of `<m>m<s>s <m>m<s>s`, the shell's own then its children's (dash prints 6 decimals, bash 3).
 */
export function parseTimes(text: string): number | undefined {
  const lines = text.trim().split("\n");
  if (lines.length < 2) return undefined;
  const times = [...lines[1]!.matchAll(/(\d+)m(\d+(?:\.\d+)?)s/g)].map(
    (m) => Number(m[1]) * 60 + Number(m[2]),
  );
  if (times.length !== 2 || times.some((t) => !Number.isFinite(t))) return undefined;
  return Math.round((times[0]! + times[1]!) * NANOS);
}

/** What one container has used: all its runs' CPU, and the memory of the current run's processes. */
export interface ContainerUsage {
  name: string;
  /** The current (or last) run's start. */
  startTime?: string;
  cpuNanos: number;
  /** Set while a run is alive. */
  memoryBytes?: number;
}

export interface PodUsage {
  namespace: string;
  name: string;
  uid: string;
  startTime: string;
  containers: ContainerUsage[];
}

/** An earlier reading of a container's CPU, for the rate (`usageNanoCores`). */
export interface CpuSample {
  at: number;
  cpuNanos: number;
}

interface CpuStats {
  time: string;
  usageNanoCores?: number;
  usageCoreNanoSeconds: number;
}

interface MemoryStats {
  time: string;
  workingSetBytes: number;
  rssBytes: number;
  usageBytes: number;
}

export interface SummaryContainer {
  name: string;
  startTime?: string;
  cpu: CpuStats;
  memory?: MemoryStats;
}

export interface SummaryPod {
  podRef: { name: string; namespace: string; uid: string };
  startTime: string;
  containers: SummaryContainer[];
  cpu: CpuStats;
  memory?: MemoryStats;
}

export interface StatsSummary {
  node: { nodeName: string; startTime: string; cpu: CpuStats; memory: MemoryStats };
  pods: SummaryPod[];
}

function cpu(time: string, nanos: number, rate: number | undefined): CpuStats {
  return { time, ...(rate === undefined ? {} : { usageNanoCores: rate }), usageCoreNanoSeconds: nanos };
}

const memory = (time: string, bytes: number): MemoryStats => ({
  time,
  workingSetBytes: bytes,
  rssBytes: bytes,
  usageBytes: bytes,
});

/** Nanocores between two readings; undefined without an earlier one (or a counter that went back). */
export function nanoCores(prev: CpuSample | undefined, now: CpuSample): number | undefined {
  if (!prev || now.at <= prev.at || now.cpuNanos < prev.cpuNanos) return undefined;
  return Math.round(((now.cpuNanos - prev.cpuNanos) / (now.at - prev.at)) * 1000);
}

/**
 * The Summary API document for a node's pods. Pods and containers that ended are listed with their final
 * CPU (a kubelet drops them; the cost of a run is read after it ends); memory only for live processes.
 * `previous` holds earlier readings by `<uid>/<container>` for the rates.
 */
export function statsSummary(
  node: { name: string; startTime: string },
  pods: readonly PodUsage[],
  now: number,
  previous: ReadonlyMap<string, CpuSample>,
): StatsSummary {
  const time = new Date(now).toISOString();
  const rate = (key: string, cpuNanos: number) => nanoCores(previous.get(key), { at: now, cpuNanos });
  let nodeNanos = 0;
  let nodeMemory = 0;
  let nodeRate: number | undefined;
  const out = pods.map((p): SummaryPod => {
    let podNanos = 0;
    let podMemory: number | undefined;
    let podRate: number | undefined;
    const containers = p.containers.map((c): SummaryContainer => {
      const r = rate(`${p.uid}/${c.name}`, c.cpuNanos);
      podNanos += c.cpuNanos;
      if (r !== undefined) podRate = (podRate ?? 0) + r;
      if (c.memoryBytes !== undefined) podMemory = (podMemory ?? 0) + c.memoryBytes;
      return {
        name: c.name,
        ...(c.startTime ? { startTime: c.startTime } : {}),
        cpu: cpu(time, c.cpuNanos, r),
        ...(c.memoryBytes === undefined ? {} : { memory: memory(time, c.memoryBytes) }),
      };
    });
    nodeNanos += podNanos;
    nodeMemory += podMemory ?? 0;
    if (podRate !== undefined) nodeRate = (nodeRate ?? 0) + podRate;
    return {
      podRef: { name: p.name, namespace: p.namespace, uid: p.uid },
      startTime: p.startTime,
      containers,
      cpu: cpu(time, podNanos, podRate),
      ...(podMemory === undefined ? {} : { memory: memory(time, podMemory) }),
    };
  });
  return {
    node: {
      nodeName: node.name,
      startTime: node.startTime,
      cpu: cpu(time, nodeNanos, nodeRate),
      memory: memory(time, nodeMemory),
    },
    pods: out,
  };
}
