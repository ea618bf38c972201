/**
 * Gang admission for SparkQueues, pure: which waiting apps to admit now and why the others wait.
 * An app is admitted whole (its demand: driver plus starting executors) when its queue's quota, its
 * queue's running-app limit and the cluster's capacity for queued apps all take it. Within a queue the
 * order is strict: priority (higher first), then arrival; the head that does not fit holds the queue, so a
 * large app is never starved by small ones behind it. Between queues, higher `spec.priority` goes first
 * for the cluster's capacity, and a queue short of cluster capacity holds only the queues below it.
 */
import type { AppDemand } from "../../../../api/v1beta2/demand.js";
import { formatCpu, formatMemory } from "../../../../diagnose/pending.js";

export interface QueueView {
  name: string;
  /** Cores; undefined: no CPU quota. */
  cpu?: number;
  memoryMiB?: number;
  maxRunning?: number;
  priority: number;
}

export interface QueuedApp {
  /** namespace/name */
  key: string;
  queue: string;
  demand: AppDemand;
  /** The driver pod's priority (from its PriorityClass); 0 without one. */
  priority: number;
  /** When it joined the queue (its driver pod's creation), RFC 3339. */
  since: string;
  admitted: boolean;
}

/** What the cluster can give queued apps: allocatable of schedulable nodes; undefined: not checked. */
export interface ClusterCapacity {
  cpu: number;
  memoryMiB: number;
}

export interface WaitingApp {
  app: QueuedApp;
  /** 1 = next to be admitted. */
  position: number;
  reason: string;
  /** Never admissible as the queue is now: its demand exceeds the quota itself. */
  neverFits: boolean;
}

/** What admitted apps take: their number and summed demand. */
export interface Usage {
  running: number;
  cpu: number;
  memoryMiB: number;
}

export interface QueueSummary {
  /** Usage after this decision's admissions. */
  usage: Usage;
  /** In order: position 1 first, apps that can never fit last. */
  waiting: WaitingApp[];
}

export interface AdmissionDecision {
  /** The apps to admit now, in admission order. */
  admit: QueuedApp[];
  /** Per existing queue: its usage after this decision's admissions, and its waiting apps. */
  queues: Map<string, QueueSummary>;
  /** Apps naming a queue that does not exist. */
  orphans: WaitingApp[];
}

export interface AdmissionInput {
  queues: readonly QueueView[];
  /** Admitted apps' usage of a queue. */
  usage: (queue: string) => Usage;
  /** Admitted apps' usage of all queues, including queues that no longer exist. */
  clusterUsage: Usage;
  /** The apps not admitted yet (any order). */
  waiting: readonly QueuedApp[];
  capacity?: ClusterCapacity;
}

const EPSILON = 1e-9;
const exceeds = (value: number, limit: number | undefined) => limit !== undefined && value > limit + EPSILON;

export function byArrival(a: QueuedApp, b: QueuedApp): number {
  return b.priority - a.priority || a.since.localeCompare(b.since) || a.key.localeCompare(b.key);
}

function byQueuePriority(a: QueueView, b: QueueView): number {
  return b.priority - a.priority || a.name.localeCompare(b.name);
}

const mib = (n: number) => formatMemory(n * 2 ** 20);

/** Why an app can never fit its queue (its demand exceeds the quota), naming the fields; undefined if it can. */
export function neverFitsReason(demand: AppDemand, queue: QueueView): string | undefined {
  if (exceeds(demand.cpu, queue.cpu))
    return `needs ${formatCpu(demand.cpu)} (${demand.from}, ${demand.executors} executors) but queue ${queue.name} has spec.quota.cpu ${formatCpu(queue.cpu ?? 0)}: lower the app's cores or executor count, or raise the quota`;
  if (exceeds(demand.memoryMiB, queue.memoryMiB))
    return `needs ${mib(demand.memoryMiB)} (${demand.from}, ${demand.executors} executors, overhead included) but queue ${queue.name} has spec.quota.memory ${mib(queue.memoryMiB ?? 0)}: lower the app's memory or executor count, or raise the quota`;
  if (queue.maxRunning === 0)
    return `queue ${queue.name} has spec.maxRunningApplications 0: it admits no app until that is raised`;
  return undefined;
}

/**
 * Decides over the waiting apps only: what is admitted already enters as usage totals, so a decision costs
 * the waiting apps (sorted per queue), not every app in the queues.
 */
export function decideAdmission(input: AdmissionInput): AdmissionDecision {
  const queues = new Map<string, QueueSummary>();
  for (const q of input.queues) queues.set(q.name, { usage: { ...input.usage(q.name) }, waiting: [] });
  const waitingByQueue = new Map<string, QueuedApp[]>();
  const orphans: WaitingApp[] = [];
  for (const app of input.waiting) {
    if (!queues.has(app.queue)) {
      orphans.push({
        app,
        position: 0,
        neverFits: false,
        reason: `queue ${app.queue} does not exist: create a SparkQueue of that name or fix spec.batchSchedulerOptions.queue`,
      });
      continue;
    }
    const list = waitingByQueue.get(app.queue);
    if (list) list.push(app);
    else waitingByQueue.set(app.queue, [app]);
  }
  const cluster = { ...input.clusterUsage };
  const admit: QueuedApp[] = [];
  let clusterHeldBelow: number | undefined;
  for (const queue of [...input.queues].sort(byQueuePriority)) {
    const summary = queues.get(queue.name)!;
    const waiting = (waitingByQueue.get(queue.name) ?? []).sort(byArrival);
    const never: WaitingApp[] = [];
    let heldBy: string | undefined;
    let position = 0;
    for (const app of waiting) {
      const neverReason = neverFitsReason(app.demand, queue);
      if (neverReason) {
        never.push({ app, position: 0, reason: neverReason, neverFits: true });
        continue;
      }
      position += 1;
      const wait = (reason: string) => summary.waiting.push({ app, position, reason, neverFits: false });
      if (heldBy) {
        wait(`waits for the apps ahead of it in queue ${queue.name}`);
        continue;
      }
      const reason = quotaShortfall(queue, summary.usage, app.demand);
      const clusterReason =
        reason ??
        (clusterHeldBelow !== undefined && queue.priority < clusterHeldBelow
          ? `queues of higher priority are waiting for cluster capacity`
          : clusterShortfall(input.capacity, cluster, app.demand));
      if (clusterReason) {
        if (!reason && clusterHeldBelow === undefined) clusterHeldBelow = queue.priority;
        heldBy = app.key;
        wait(clusterReason);
        continue;
      }
      admit.push(app);
      take(summary.usage, app.demand);
      take(cluster, app.demand);
      position -= 1;
    }
    summary.waiting.push(...never);
  }
  return { admit, queues, orphans };
}

function take(usage: Usage, demand: AppDemand): void {
  usage.running += 1;
  usage.cpu += demand.cpu;
  usage.memoryMiB += demand.memoryMiB;
}

function quotaShortfall(queue: QueueView, used: Usage, demand: AppDemand): string | undefined {
  const running = used.running;
  if (queue.maxRunning !== undefined && running >= queue.maxRunning)
    return `queue ${queue.name} runs its maximum of ${queue.maxRunning} apps (spec.maxRunningApplications)`;
  const apps = `${running} running app${running === 1 ? "" : "s"}`;
  if (exceeds(used.cpu + demand.cpu, queue.cpu))
    return `needs ${formatCpu(demand.cpu)}; queue ${queue.name} has ${formatCpu((queue.cpu ?? 0) - used.cpu)} free of ${formatCpu(queue.cpu ?? 0)} (${apps})`;
  if (exceeds(used.memoryMiB + demand.memoryMiB, queue.memoryMiB))
    return `needs ${mib(demand.memoryMiB)}; queue ${queue.name} has ${mib((queue.memoryMiB ?? 0) - used.memoryMiB)} free of ${mib(queue.memoryMiB ?? 0)} (${apps})`;
  return undefined;
}

function clusterShortfall(
  capacity: ClusterCapacity | undefined,
  used: Usage,
  demand: AppDemand,
): string | undefined {
  if (!capacity) return undefined;
  const usedCpu = used.cpu;
  const usedMemoryMiB = used.memoryMiB;
  if (exceeds(usedCpu + demand.cpu, capacity.cpu))
    return `needs ${formatCpu(demand.cpu)}; the cluster has ${formatCpu(capacity.cpu - usedCpu)} of ${formatCpu(capacity.cpu)} allocatable left for queued apps`;
  if (exceeds(usedMemoryMiB + demand.memoryMiB, capacity.memoryMiB))
    return `needs ${mib(demand.memoryMiB)}; the cluster has ${mib(capacity.memoryMiB - usedMemoryMiB)} of ${mib(capacity.memoryMiB)} allocatable left for queued apps`;
  return undefined;
}
