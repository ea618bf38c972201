/**
 * The SparkQueue controller's act layer. One reconcile decides for every queue at once (the cluster's
 * capacity is shared between queues): gather the queues, the driver pods of queued apps and the nodes from
 * the caches, decide, remove the queue gate of each admitted driver (a merge patch with the pod's
 * resourceVersion: a stale cache gets a 409, never an admission over quota), write each queue's status and
 * tell each app why it waits.
 */
import type { KubernetesObject } from "@kubernetes/client-node";
import { parseKubernetesQuantity } from "../../../api/quantity.js";
import {
  QUEUE_CONDITION,
  QueueEventReason,
  SPARKPLANE_API_VERSION,
  SparkQueueNames,
} from "../../../api/sparkplane/constants.js";
import type { QueuedAppStatus, SparkQueue, SparkQueueStatus } from "../../../api/sparkplane/sparkqueue.js";
import { OperatorLabel } from "../../../api/v1beta2/constants.js";
import { type AppDemand, appDemand } from "../../../api/v1beta2/demand.js";
import type { SparkApplication } from "../../../api/v1beta2/sparkapplication.js";
import type { EventRecorder } from "../../../kube/events.js";
import { type JsonClient, MERGE_PATCH, namespacedPath } from "../../../kube/json-client.js";
import type { KubeLog } from "../../../kube/log.js";
import { isConflict, isNotFound } from "../../../kube/retry.js";
import type { ReconcileResult } from "../../../kube/workqueue.js";
import { SparkLabel, SparkRole } from "../../../spark/constants.js";
import { mapLimit } from "../../../util/map-limit.js";
import {
  type AdmissionDecision,
  type ClusterCapacity,
  decideAdmission,
  type QueuedApp,
  type WaitingApp,
} from "./decide/admission.js";
import { gatesWithoutQueue, hasQueueGate, queueOf, queueView } from "./queue-view.js";

interface CachedPod extends KubernetesObject {
  spec?: { schedulingGates?: { name: string }[]; priority?: number };
  status?: { phase?: string };
}

interface CachedNode extends KubernetesObject {
  spec?: { unschedulable?: boolean };
  status?: { allocatable?: Record<string, string>; conditions?: { type: string; status: string }[] };
}

export interface SparkQueueControllerDeps {
  json: JsonClient;
  queues: () => SparkQueue[];
  driverPods: () => CachedPod[];
  app: (namespace: string, name: string) => SparkApplication | undefined;
  /** Undefined: admission does not check the cluster's capacity. */
  nodes?: () => CachedNode[];
  events: EventRecorder;
  log: KubeLog;
  now?: () => number;
}

/** The one key: every reconcile decides for all queues. */
export const ALL_QUEUES = "*";
const STATUS_LIST_LIMIT = 100;
const ADMIT_CONCURRENCY = 16;
const STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
const MIB = 1024 * 1024;

interface Candidate extends QueuedApp {
  pod: CachedPod;
  app: SparkApplication;
}

export class SparkQueueController {
  /** Driver pods this process ungated that the cache still shows gated (uid). */
  private readonly ungated = new Set<string>();
  /** The last wait reason told to each app (namespace/name), so events go out on change only. */
  private readonly told = new Map<string, string>();
  private readonly demands = new Map<
    string,
    { generation: number | undefined; demand: AppDemand | undefined }
  >();

  /**
   * Each driver pod's candidate as last built, reused while the cached pod and app objects are the same
   * (an informer replaces an object on every change): a pass over thousands of drivers allocates little.
   */
  private readonly candidates = new Map<
    string,
    { pod: CachedPod; app: SparkApplication; gated: boolean; candidate: Candidate | undefined }
  >();

  private statusWrites: Promise<unknown> | undefined;

  constructor(private readonly d: SparkQueueControllerDeps) {}

  /** Waits for status writes in flight (on stop). */
  async flush(): Promise<void> {
    await this.statusWrites;
  }

  async reconcile(_key: string): Promise<ReconcileResult | undefined> {
    const queues = this.d.queues();
    const candidates = this.gather();
    const decision = decideAdmission({
      queues: queues.map((q) =>
        queueView(q, (field, value) =>
          this.d.log.warn({ queue: q.metadata.name, field, value }, "not a quantity; counted as 0"),
        ),
      ),
      apps: candidates,
      ...(this.d.nodes ? { capacity: clusterCapacity(this.d.nodes()) } : {}),
    });
    const byKey = new Map(candidates.map((c) => [c.key, c]));
    // Admissions are independent pod patches: sent together, a burst costs one round trip, not one each.
    const admitted = await mapLimit(decision.admit, ADMIT_CONCURRENCY, (key) => this.admit(byKey.get(key)!));
    const retry = admitted.includes(false);
    this.tell(decision, byKey);
    // Status writes stay off the admission path: one round of them at a time; a decision made meanwhile is
    // written by the reconcile after (requeued), so the last status always reaches the server.
    let statusPending = false;
    if (this.statusWrites) statusPending = true;
    else {
      this.statusWrites = Promise.all(queues.map((q) => this.writeStatus(q, decision)))
        .catch((err: Error) => this.d.log.warn({ err: err.message }, "cannot write SparkQueue status"))
        .finally(() => {
          this.statusWrites = undefined;
        });
    }
    if (retry) return { requeueAfterMs: 200 };
    return statusPending ? { requeueAfterMs: 500 } : undefined;
  }

  forget(key: string): void {
    this.told.delete(key);
  }

  private gather(): Candidate[] {
    const candidates: Candidate[] = [];
    const seen = new Set<string>();
    for (const pod of this.d.driverPods()) {
      const meta = pod.metadata ?? {};
      const uid = meta.uid ?? "";
      seen.add(uid);
      if (meta.deletionTimestamp || pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed")
        continue;
      const appName = meta.labels?.[OperatorLabel.AppName];
      const namespace = meta.namespace ?? "default";
      const app = appName ? this.d.app(namespace, appName) : undefined;
      if (!app) continue;
      const hasGate = hasQueueGate(pod);
      if (!hasGate) this.ungated.delete(uid);
      const gated = hasGate && !this.ungated.has(uid);
      const known = this.candidates.get(uid);
      if (known && known.pod === pod && known.app === app && known.gated === gated) {
        if (known.candidate) candidates.push(known.candidate);
        continue;
      }
      const candidate = this.candidateOf(pod, app, gated);
      this.candidates.set(uid, { pod, app, gated, candidate });
      if (candidate) candidates.push(candidate);
    }
    for (const uid of this.ungated) if (!seen.has(uid)) this.ungated.delete(uid);
    if (this.candidates.size > seen.size)
      for (const uid of this.candidates.keys()) if (!seen.has(uid)) this.candidates.delete(uid);
    return candidates;
  }

  private candidateOf(pod: CachedPod, app: SparkApplication, gated: boolean): Candidate | undefined {
    const queue = queueOf(app);
    const demand = queue ? this.demandOf(app) : undefined;
    if (!queue || !demand) return undefined;
    return {
      key: `${app.metadata.namespace ?? "default"}/${app.metadata.name}`,
      queue,
      demand,
      priority: pod.spec?.priority ?? 0,
      since: String(pod.metadata?.creationTimestamp ?? ""),
      admitted: !gated,
      pod,
      app,
    };
  }

  private demandOf(app: SparkApplication): AppDemand | undefined {
    const uid = app.metadata.uid ?? `${app.metadata.namespace}/${app.metadata.name}`;
    const known = this.demands.get(uid);
    if (known && known.generation === app.metadata.generation) return known.demand;
    const result = appDemand(app.spec);
    const demand = result.ok ? result.demand : undefined;
    if (!result.ok)
      this.d.log.warn({ app: app.metadata.name, error: result.error }, "queued app has no demand");
    this.demands.set(uid, { generation: app.metadata.generation, demand });
    return demand;
  }

  /** Removes the queue gate; false when the pod changed under us (the next reconcile decides again). */
  private async admit(c: Candidate): Promise<boolean> {
    const meta = c.pod.metadata ?? {};
    const path = namespacedPath("v1", meta.namespace ?? "default", "pods", meta.name ?? "");
    const patch = {
      metadata: { resourceVersion: meta.resourceVersion },
      spec: { schedulingGates: gatesWithoutQueue(c.pod) },
    };
    try {
      await this.d.json.request("PATCH", path, patch, MERGE_PATCH);
    } catch (err) {
      if (isConflict(err) || isNotFound(err)) return false;
      throw err;
    }
    this.ungated.add(meta.uid ?? "");
    this.told.delete(c.key);
    const cpu = `${Number(c.demand.cpu.toFixed(3))} CPU`;
    this.d.events.event(
      c.app,
      "Normal",
      QueueEventReason.Admitted,
      `admitted by queue ${c.queue}: ${cpu} and ${memoryText(c.demand.memoryMiB)} for the driver and ${c.demand.executors} executors`,
    );
    return true;
  }

  private tell(decision: AdmissionDecision, byKey: Map<string, Candidate>): void {
    const waiting = [...decision.orphans, ...[...decision.queues.values()].flatMap((q) => q.waiting)];
    for (const w of waiting) {
      const candidate = byKey.get(w.app.key)!;
      const message = waitMessage(w);
      if (this.told.get(w.app.key) === message) continue;
      this.told.set(w.app.key, message);
      const reason = decision.orphans.includes(w)
        ? QueueEventReason.QueueNotFound
        : w.neverFits
          ? QueueEventReason.Refused
          : QueueEventReason.Waiting;
      this.d.events.event(
        candidate.app,
        w.neverFits || reason === QueueEventReason.QueueNotFound ? "Warning" : "Normal",
        reason,
        message,
      );
      void this.markPod(candidate.pod, reason, message);
    }
  }

  /** The wait, on the driver pod as a condition (what `kubectl describe pod` and `sparkplane describe` show). */
  private async markPod(pod: CachedPod, reason: string, message: string): Promise<void> {
    const meta = pod.metadata ?? {};
    const path = `${namespacedPath("v1", meta.namespace ?? "default", "pods", meta.name ?? "")}/status`;
    const condition = {
      type: QUEUE_CONDITION,
      status: "False",
      reason,
      message,
      lastTransitionTime: new Date(this.d.now?.() ?? Date.now()).toISOString().replace(/\.\d+Z$/, "Z"),
    };
    try {
      await this.d.json.request(
        "PATCH",
        path,
        { status: { conditions: [condition] } },
        STRATEGIC_MERGE_PATCH,
      );
    } catch (err) {
      if (!isNotFound(err))
        this.d.log.warn({ pod: meta.name, err: (err as Error).message }, "cannot mark the pod");
    }
  }

  private async writeStatus(queue: SparkQueue, decision: AdmissionDecision): Promise<void> {
    const name = queue.metadata.name ?? "";
    const summary = decision.queues.get(name);
    if (!summary) return;
    const status: SparkQueueStatus = {
      running: summary.running.length,
      waiting: summary.waiting.length,
      used: { cpu: cpuText(summary.usedCpu), memory: memoryQuantity(summary.usedMemoryMiB) },
      runningApplications: summary.running.slice(0, STATUS_LIST_LIMIT).map((a) => appStatus(a)),
      waitingApplications: summary.waiting.slice(0, STATUS_LIST_LIMIT).map((w) => ({
        ...appStatus(w.app),
        ...(w.position > 0 ? { position: w.position } : {}),
        reason: w.reason,
      })),
    };
    const { lastUpdateTime: _t, ...current } = queue.status ?? {};
    if (JSON.stringify(current) === JSON.stringify(status)) return;
    status.lastUpdateTime = new Date(this.d.now?.() ?? Date.now()).toISOString().replace(/\.\d+Z$/, "Z");
    const path = `/apis/${SPARKPLANE_API_VERSION}/${SparkQueueNames.plural}/${encodeURIComponent(name)}/status`;
    try {
      // Lists in a merge patch replace the old ones whole; null clears fields the new status lacks.
      await this.d.json.request(
        "PATCH",
        path,
        { status: { ...nulls(queue.status), ...status } },
        MERGE_PATCH,
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

function nulls(status: SparkQueueStatus | undefined): Record<string, null> {
  return Object.fromEntries(Object.keys(status ?? {}).map((k) => [k, null]));
}

function appStatus(app: QueuedApp): QueuedAppStatus {
  const [namespace = "", name = ""] = app.key.split("/");
  return {
    namespace,
    name,
    cpu: cpuText(app.demand.cpu),
    memory: memoryQuantity(app.demand.memoryMiB),
    ...(app.since ? { since: app.since } : {}),
  };
}

function waitMessage(w: WaitingApp): string {
  if (w.neverFits) return `can never be admitted: ${w.reason}`;
  if (w.position === 1) return `next in queue ${w.app.queue}: ${w.reason}`;
  if (w.position > 1) return `waiting in queue ${w.app.queue}: ${w.reason}`;
  return w.reason;
}

/** Cores as a Kubernetes quantity ("2", "1500m"). */
export function cpuText(cores: number): string {
  const milli = Math.round(cores * 1000);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

function memoryQuantity(mib: number): string {
  const rounded = Math.ceil(mib);
  return rounded % 1024 === 0 ? `${rounded / 1024}Gi` : `${rounded}Mi`;
}

function memoryText(mib: number): string {
  return mib >= 1024 ? `${Number((mib / 1024).toFixed(2))} GiB` : `${Math.round(mib)} MiB`;
}

/** Allocatable CPU and memory of the Ready, schedulable nodes. */
export function clusterCapacity(nodes: CachedNode[]): ClusterCapacity {
  let cpu = 0;
  let memoryMiB = 0;
  for (const node of nodes) {
    if (node.spec?.unschedulable) continue;
    if (!node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")) continue;
    cpu += parseKubernetesQuantity(node.status.allocatable?.cpu ?? "0") ?? 0;
    memoryMiB += (parseKubernetesQuantity(node.status.allocatable?.memory ?? "0") ?? 0) / MIB;
  }
  return { cpu, memoryMiB };
}

/**
 * Whether a driver pod's change can change a decision: its queue gate, phase, deletion or priority. Its other
 * updates (conditions, the scheduler's binding, container states) need no pass over the queues.
 */
export function admissionInputChanged(before: KubernetesObject, after: KubernetesObject): boolean {
  const a = before as CachedPod;
  const b = after as CachedPod;
  return (
    hasQueueGate(a) !== hasQueueGate(b) ||
    a.status?.phase !== b.status?.phase ||
    Boolean(a.metadata?.deletionTimestamp) !== Boolean(b.metadata?.deletionTimestamp) ||
    a.spec?.priority !== b.spec?.priority ||
    a.metadata?.labels?.[OperatorLabel.AppName] !== b.metadata?.labels?.[OperatorLabel.AppName]
  );
}

/** Whether a pod is a driver pod (the queue admits drivers; executors follow their admitted driver). */
export function isDriverPod(pod: KubernetesObject): boolean {
  return pod.metadata?.labels?.[SparkLabel.Role] === SparkRole.Driver;
}
