/**
 * The queued apps as the controller last saw them, kept between passes: per queue the running (admitted)
 * and waiting apps and the running apps' summed demand, and the cluster-wide sum. Entries change one at a
 * time as driver pods change, so a pass reads totals instead of walking every driver (a pass costs the
 * waiting apps, not all apps). No I/O.
 */
import type { QueuedApp, Usage } from "./decide/admission.js";

interface QueueEntries {
  running: Map<string, QueuedApp>;
  waiting: Map<string, QueuedApp>;
  usage: Usage;
}

const zero = (): Usage => ({ running: 0, cpu: 0, memoryMiB: 0 });

export class AdmissionBook {
  /** By driver pod (namespace/name). */
  private readonly entries = new Map<string, QueuedApp>();
  private readonly queues = new Map<string, QueueEntries>();
  private readonly cluster: Usage = zero();

  get size(): number {
    return this.entries.size;
  }

  get(pod: string): QueuedApp | undefined {
    return this.entries.get(pod);
  }

  /** Records a driver pod's app as it is now; undefined: the pod no longer counts (gone, ended, unqueued). */
  set(pod: string, app: QueuedApp | undefined): void {
    const old = this.entries.get(pod);
    if (old === app) return;
    if (old) this.take(pod, old);
    if (!app) {
      this.entries.delete(pod);
      return;
    }
    this.entries.set(pod, app);
    const queue = this.queue(app.queue);
    if (!app.admitted) {
      queue.waiting.set(pod, app);
      return;
    }
    queue.running.set(pod, app);
    add(queue.usage, app, 1);
    add(this.cluster, app, 1);
  }

  /** Admitted demand per queue (queues with no app are absent). */
  usage(queue: string): Usage {
    const entries = this.queues.get(queue);
    return entries ? { ...entries.usage } : zero();
  }

  /** Admitted demand of every queued app, including apps of queues that do not exist (any longer). */
  clusterUsage(): Usage {
    return { ...this.cluster };
  }

  /** Every waiting app, of all queues (unordered). */
  waiting(): QueuedApp[] {
    const all: QueuedApp[] = [];
    for (const entries of this.queues.values()) for (const app of entries.waiting.values()) all.push(app);
    return all;
  }

  /** The queue's running apps in admission order, at most `limit`. */
  running(queue: string, limit: number): QueuedApp[] {
    const out: QueuedApp[] = [];
    for (const app of this.queues.get(queue)?.running.values() ?? []) {
      if (out.length >= limit) break;
      out.push(app);
    }
    return out;
  }

  private queue(name: string): QueueEntries {
    let entries = this.queues.get(name);
    if (!entries) {
      entries = { running: new Map(), waiting: new Map(), usage: zero() };
      this.queues.set(name, entries);
    }
    return entries;
  }

  private take(pod: string, app: QueuedApp): void {
    const entries = this.queues.get(app.queue);
    if (!entries) return;
    if (entries.waiting.delete(pod)) {
      if (entries.running.size === 0 && entries.waiting.size === 0) this.queues.delete(app.queue);
      return;
    }
    if (!entries.running.delete(pod)) return;
    add(entries.usage, app, -1);
    add(this.cluster, app, -1);
    // Sums of fractions drift: an empty set of apps uses exactly nothing.
    if (entries.running.size === 0) entries.usage = zero();
    if (entries.running.size === 0 && entries.waiting.size === 0) this.queues.delete(app.queue);
    if (this.cluster.running === 0) Object.assign(this.cluster, zero());
  }
}

function add(usage: Usage, app: QueuedApp, sign: 1 | -1): void {
  usage.running += sign;
  usage.cpu += sign * app.demand.cpu;
  usage.memoryMiB += sign * app.demand.memoryMiB;
}
