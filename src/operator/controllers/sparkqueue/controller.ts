/**
 * The SparkQueue controller's act layer. Informer events mark the driver pods and apps they touch; a pass
 * brings those into the book (the running and waiting apps with running totals, kept between passes),
 * decides over the waiting apps for every queue at once (the cluster's capacity is shared between queues),
 * removes the queue gate of each admitted driver (a merge patch with the pod's resourceVersion: a stale
 * cache gets a 409, never an admission over quota), writes each queue's status and tells each app why it waits.
 */
import type { KubernetesObject } from "@kubernetes/client-node";
import { QUEUE_CONDITION, QueueEventReason } from "../../../api/sparkplane/constants.js";
import type { SparkQueue } from "../../../api/sparkplane/sparkqueue.js";
import { OperatorLabel } from "../../../api/v1beta2/constants.js";
import { type AppDemand, appDemand } from "../../../api/v1beta2/demand.js";
import { driverPodName } from "../../../api/v1beta2/derived-names.js";
import type { SparkApplication } from "../../../api/v1beta2/sparkapplication.js";
import type { EventRecorder } from "../../../kube/events.js";
import { type JsonClient, MERGE_PATCH, namespacedPath } from "../../../kube/json-client.js";
import type { KubeLog } from "../../../kube/log.js";
import { objectKey } from "../../../kube/resource.js";
import { isConflict, isNotFound } from "../../../kube/retry.js";
import type { ReconcileResult } from "../../../kube/workqueue.js";
import { mapLimit } from "../../../util/map-limit.js";
import { AdmissionBook } from "./book.js";
import { type CachedNode, type CachedPod, clusterCapacity, isDriverPod, podEnded } from "./cached-objects.js";
import {
  type AdmissionDecision,
  type ClusterCapacity,
  decideAdmission,
  type QueuedApp,
  type WaitingApp,
} from "./decide/admission.js";
import { QueueStatusWriter } from "./queue-status.js";
import { gatesWithoutQueue, hasQueueGate, queueOf, queueView } from "./queue-view.js";

export interface SparkQueueControllerDeps {
  json: JsonClient;
  queues: () => SparkQueue[];
  pod: (namespace: string, name: string) => CachedPod | undefined;
  /** The Spark pods labelled with an app's name, in its namespace. */
  podsOfApp: (namespace: string, app: string) => CachedPod[];
  app: (namespace: string, name: string) => SparkApplication | undefined;
  /** Undefined: admission does not check the cluster's capacity. */
  nodes?: () => CachedNode[];
  events: EventRecorder;
  log: KubeLog;
  now?: () => number;
  /** The least time between two rounds of status writes (default 1 s): statuses trail admissions a little. */
  statusIntervalMs?: number;
}

/** The one key: every reconcile decides for all queues. */
export const ALL_QUEUES = "*";
const ADMIT_CONCURRENCY = 16;
const STATUS_INTERVAL_MS = 1000;
const RESERVATION_TTL_MS = 120_000;
const STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";

/** A queued app as its driver pod (namespace/name, uid) shows it. */
interface Entry extends QueuedApp {
  pod: string;
  uid: string;
}

const keyOf = objectKey;

function splitKey(key: string): [string, string] {
  const slash = key.indexOf("/");
  return [key.slice(0, slash), key.slice(slash + 1)];
}

export class SparkQueueController {
  private readonly book = new AdmissionBook();
  /** Driver pods (namespace/name) and apps changed since the last pass. */
  private readonly dirtyPods = new Set<string>();
  private readonly dirtyApps = new Set<string>();
  /** Driver pods this process ungated that the cache may still show gated: pod -> uid. */
  private readonly ungated = new Map<string, string>();
  /** The last wait reason told to each app (namespace/name), so events go out on change only. */
  private readonly told = new Map<string, string>();
  /** Each app's demand (namespace/name), kept while its uid and generation are the same. */
  private readonly demands = new Map<
    string,
    { uid: string | undefined; generation: number | undefined; demand: AppDemand | undefined }
  >();
  /**
   * Apps admitted at their submission, by driver pod, until the cache shows the pod (or they expire): they
   * count against their queue meanwhile, so no pass gives their share away.
   */
  private readonly reservations = new Map<string, { entry: Entry; at: number }>();
  /** Whether this process decides (its workers run): only then may a submission be admitted on the spot. */
  private active = false;
  private capacity: ClusterCapacity | undefined;
  private readonly statuses: QueueStatusWriter;

  constructor(private readonly d: SparkQueueControllerDeps) {
    this.statuses = new QueueStatusWriter({
      json: d.json,
      log: d.log,
      now: () => this.now(),
      intervalMs: d.statusIntervalMs ?? STATUS_INTERVAL_MS,
    });
  }

  /** A driver pod was added, changed in a way that matters, or deleted. */
  podChanged(pod: KubernetesObject): void {
    this.dirtyPods.add(keyOf(pod));
  }

  /** An app was added, changed its spec, or was deleted: its driver pods are looked at again. */
  appChanged(app: KubernetesObject): void {
    this.dirtyApps.add(keyOf(app));
  }

  nodesChanged(): void {
    this.capacity = undefined;
  }

  setActive(active: boolean): void {
    this.active = active;
  }

  /**
   * Whether a run about to be submitted is admitted now, so its driver pod is created without the queue
   * gate (no gate to remove, no second pod write). The same decision as a pass, over the waiting apps plus
   * this one; when it is admitted it is reserved under its driver pod at once, since submissions and passes
   * interleave. False leaves the run to the gate and the passes: no live pod of that name may exist (its
   * own gate governs), and a priority class (the pod's priority is not known yet) only while apps wait.
   */
  admitAtSubmission(app: SparkApplication): boolean {
    if (!this.active) return false;
    const queue = queueOf(app);
    const demand = queue ? this.demandOf(app) : undefined;
    if (!queue || !demand) return false;
    const namespace = app.metadata.namespace ?? "default";
    const podName = driverPodName(app.metadata.name ?? "", app.spec);
    const live = this.d.pod(namespace, podName);
    if (live && !live.metadata?.deletionTimestamp && !podEnded(live)) return false;
    this.refresh();
    const pod = `${namespace}/${podName}`;
    if (this.reservations.delete(pod)) this.book.set(pod, undefined);
    const waiting = this.book.waiting();
    const priorityClass =
      app.spec.driver.priorityClassName ?? app.spec.batchSchedulerOptions?.priorityClassName;
    if (waiting.length > 0 && priorityClass) return false;
    const entry: Entry = {
      key: `${namespace}/${app.metadata.name}`,
      queue,
      demand,
      priority: 0,
      since: new Date(this.now()).toISOString(),
      admitted: false,
      pod,
      uid: "",
    };
    const decision = this.decide([...waiting, entry]);
    if (!decision.admit.includes(entry)) return false;
    const admitted = { ...entry, admitted: true };
    this.reservations.set(pod, { entry: admitted, at: this.now() });
    this.book.set(pod, admitted);
    this.told.delete(entry.key);
    this.d.events.event(app, "Normal", QueueEventReason.Admitted, `${admittedMessage(entry)} at submission`);
    return true;
  }

  /** An app (namespace/name) was deleted. */
  forget(key: string): void {
    this.told.delete(key);
    this.demands.delete(key);
  }

  /** Waits for status writes in flight (on stop). */
  async flush(): Promise<void> {
    await this.statuses.flush();
  }

  async reconcile(_key: string): Promise<ReconcileResult | undefined> {
    this.expireReservations();
    this.refresh();
    const queues = this.d.queues();
    const decision = this.decide(this.book.waiting(), queues);
    // Admissions are independent pod patches: sent together, a burst costs one round trip, not one each.
    const admitted = await mapLimit(decision.admit, ADMIT_CONCURRENCY, (app) => this.admit(app as Entry));
    const retry = admitted.includes(false);
    this.tell(decision);
    const statusIn = this.statuses.write(queues, decision, this.book);
    if (retry) return { requeueAfterMs: 200 };
    return statusIn === undefined ? undefined : { requeueAfterMs: statusIn };
  }

  private decide(waiting: QueuedApp[], queues = this.d.queues()): AdmissionDecision {
    return decideAdmission({
      queues: queues.map((q) =>
        queueView(q, (field, value) =>
          this.d.log.warn({ queue: q.metadata.name, field, value }, "not a quantity; counted as 0"),
        ),
      ),
      usage: (queue) => this.book.usage(queue),
      clusterUsage: this.book.clusterUsage(),
      waiting,
      ...(this.d.nodes ? { capacity: this.clusterCapacity(this.d.nodes) } : {}),
    });
  }

  /** A reservation whose pod never showed (its creation failed) stops holding quota after a while. */
  private expireReservations(): void {
    const now = this.now();
    for (const [pod, r] of this.reservations)
      if (now - r.at > RESERVATION_TTL_MS) {
        this.reservations.delete(pod);
        this.dirtyPods.add(pod);
      }
  }

  /** Brings the pods and apps marked since the last pass into the book. */
  private refresh(): void {
    for (const key of this.dirtyApps) {
      const [namespace, name] = splitKey(key);
      for (const pod of this.d.podsOfApp(namespace, name))
        if (isDriverPod(pod)) this.dirtyPods.add(keyOf(pod));
    }
    this.dirtyApps.clear();
    for (const key of this.dirtyPods) {
      const entry = this.entryOf(key);
      // The pod itself, once seen live, supersedes a reservation made for it at submission.
      if (entry) this.reservations.delete(key);
      this.book.set(key, entry ?? this.reservations.get(key)?.entry);
    }
    this.dirtyPods.clear();
  }

  private entryOf(key: string): Entry | undefined {
    const [namespace, name] = splitKey(key);
    const pod = this.d.pod(namespace, name);
    const meta = pod?.metadata;
    const uid = meta?.uid ?? "";
    const ended = pod ? podEnded(pod) : false;
    const gate = pod ? hasQueueGate(pod) : false;
    if (!gate || this.ungated.get(key) !== uid) this.ungated.delete(key);
    if (!pod || !isDriverPod(pod) || meta?.deletionTimestamp || ended) return undefined;
    const appName = meta?.labels?.[OperatorLabel.AppName];
    const app = appName ? this.d.app(namespace, appName) : undefined;
    const queue = app ? queueOf(app) : undefined;
    const demand = app && queue ? this.demandOf(app) : undefined;
    if (!app || !queue || !demand) return undefined;
    const entry: Entry = {
      key: `${namespace}/${app.metadata.name}`,
      queue,
      demand,
      priority: pod.spec?.priority ?? 0,
      since: String(meta?.creationTimestamp ?? ""),
      admitted: !gate || this.ungated.has(key),
      pod: key,
      uid,
    };
    const known = this.book.get(key) as Entry | undefined;
    // The same entry object for an unchanged app keeps its place among the queue's running apps.
    return known && sameEntry(known, entry) ? known : entry;
  }

  private demandOf(app: SparkApplication): AppDemand | undefined {
    const key = `${app.metadata.namespace ?? "default"}/${app.metadata.name}`;
    const { uid, generation } = app.metadata;
    const known = this.demands.get(key);
    if (known && known.uid === uid && known.generation === generation) return known.demand;
    const result = appDemand(app.spec);
    const demand = result.ok ? result.demand : undefined;
    if (!result.ok)
      this.d.log.warn({ app: app.metadata.name, error: result.error }, "queued app has no demand");
    this.demands.set(key, { uid, generation, demand });
    return demand;
  }

  private clusterCapacity(nodes: () => CachedNode[]): ClusterCapacity {
    this.capacity ??= clusterCapacity(nodes());
    return this.capacity;
  }

  /** Removes the queue gate; false when the pod changed under us (the next reconcile decides again). */
  private async admit(entry: Entry): Promise<boolean> {
    const [namespace, name] = splitKey(entry.pod);
    const pod = this.d.pod(namespace, name);
    if (!pod || pod.metadata?.uid !== entry.uid) return false;
    const patch = {
      metadata: { resourceVersion: pod.metadata?.resourceVersion },
      spec: { schedulingGates: gatesWithoutQueue(pod) },
    };
    try {
      await this.d.json.request("PATCH", namespacedPath("v1", namespace, "pods", name), patch, MERGE_PATCH);
    } catch (err) {
      if (isConflict(err) || isNotFound(err)) return false;
      throw err;
    }
    this.ungated.set(entry.pod, entry.uid);
    const current = this.book.get(entry.pod) as Entry | undefined;
    if (current?.uid === entry.uid && !current.admitted)
      this.book.set(entry.pod, { ...current, admitted: true });
    this.told.delete(entry.key);
    const app = this.d.app(namespace, splitKey(entry.key)[1]);
    if (app) this.d.events.event(app, "Normal", QueueEventReason.Admitted, admittedMessage(entry));
    return true;
  }

  private tell(decision: AdmissionDecision): void {
    const orphans = new Set(decision.orphans);
    const waiting = [...decision.orphans, ...[...decision.queues.values()].flatMap((q) => q.waiting)];
    for (const w of waiting) {
      const entry = w.app as Entry;
      const message = waitMessage(w);
      if (this.told.get(entry.key) === message) continue;
      const [namespace, name] = splitKey(entry.key);
      const app = this.d.app(namespace, name);
      const pod = this.d.pod(...splitKey(entry.pod));
      if (!app || !pod) continue;
      this.told.set(entry.key, message);
      const reason = orphans.has(w)
        ? QueueEventReason.QueueNotFound
        : w.neverFits
          ? QueueEventReason.Refused
          : QueueEventReason.Waiting;
      this.d.events.event(
        app,
        w.neverFits || reason === QueueEventReason.QueueNotFound ? "Warning" : "Normal",
        reason,
        message,
      );
      void this.markPod(pod, reason, message);
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
      lastTransitionTime: new Date(this.now()).toISOString().replace(/\.\d+Z$/, "Z"),
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

  private now(): number {
    return this.d.now?.() ?? Date.now();
  }
}

function admittedMessage(entry: Entry): string {
  const cpu = `${Number(entry.demand.cpu.toFixed(3))} CPU`;
  return `admitted by queue ${entry.queue}: ${cpu} and ${memoryText(entry.demand.memoryMiB)} for the driver and ${entry.demand.executors} executors`;
}

function sameEntry(a: Entry, b: Entry): boolean {
  return (
    a.uid === b.uid &&
    a.key === b.key &&
    a.queue === b.queue &&
    a.demand === b.demand &&
    a.priority === b.priority &&
    a.since === b.since &&
    a.admitted === b.admitted
  );
}

function waitMessage(w: WaitingApp): string {
  if (w.neverFits) return `can never be admitted: ${w.reason}`;
  if (w.position === 1) return `next in queue ${w.app.queue}: ${w.reason}`;
  if (w.position > 1) return `waiting in queue ${w.app.queue}: ${w.reason}`;
  return w.reason;
}

function memoryText(mib: number): string {
  return mib >= 1024 ? `${Number((mib / 1024).toFixed(2))} GiB` : `${Math.round(mib)} MiB`;
}
