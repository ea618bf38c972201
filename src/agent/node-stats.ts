/**
 * The Summary API of one agent's nodes: its pods' usage read when asked (one /proc scan per request), pods that
 * left kept a while with their final CPU (so whoever tallies a pod's cost after it is deleted still reads it),
 * and the previous readings that turn counters into rates.
 */
import type { PodWorker } from "./pod-worker.js";
import { groupUsage } from "./processes.js";
import { type CpuSample, type PodUsage, type StatsSummary, statsSummary } from "./usage.js";

/** How long a deleted pod's final usage stays listed. */
const DEPARTED_RETENTION_MS = 5 * 60_000;

export class NodeStats {
  private readonly departed = new Map<string, { node: string; usage: PodUsage; until: number }>();
  private readonly previous = new Map<string, CpuSample>();

  constructor(
    private readonly workers: () => readonly PodWorker[],
    private readonly now: () => number = Date.now,
    private readonly retentionMs = DEPARTED_RETENTION_MS,
  ) {}

  /** A worker is done (its containers ended): keep its final usage for a while. */
  retire(w: PodWorker): void {
    this.departed.set(w.uid, {
      node: w.nodeName,
      usage: w.usage(new Map()),
      until: this.now() + this.retentionMs,
    });
  }

  summary(node: { name: string; startTime: string }): StatsSummary {
    const now = this.now();
    for (const [uid, d] of this.departed) if (d.until <= now) this.departed.delete(uid);
    const mine = this.workers().filter((w) => w.nodeName === node.name);
    const live = groupUsage(new Set(mine.flatMap((w) => w.runningPids())));
    const uids = new Set(mine.map((w) => w.uid));
    const pods = [
      ...mine.map((w) => w.usage(live)),
      ...[...this.departed.entries()]
        .filter(([uid, d]) => d.node === node.name && !uids.has(uid))
        .map(([, d]) => d.usage),
    ];
    const summary = statsSummary(node, pods, now, this.previous);
    const known = new Set([...this.workers().map((w) => w.uid), ...this.departed.keys()]);
    for (const key of this.previous.keys())
      if (!known.has(key.slice(0, key.indexOf("/")))) this.previous.delete(key);
    for (const p of pods)
      for (const c of p.containers)
        this.previous.set(`${p.uid}/${c.name}`, { at: now, cpuNanos: c.cpuNanos });
    return summary;
  }
}
