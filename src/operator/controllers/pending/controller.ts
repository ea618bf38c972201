/**
 * Says on the SparkApplication why its pods wait, once per distinct reason: when the scheduler marks one of
 * the app's pods Unschedulable, `diagnosePending` turns the app's pods (as the Spark pod cache keeps them
 * while unbound: requests, tolerations, node selection), the nodes and the pods bound to each node (shared
 * caches) into the app's terms. No request but the event: a burst of thousands of Pending pods costs the API
 * server nothing more. At most one diagnosis per app per `intervalMs`; a reason already said is not said
 * again.
 */
import type { V1Node, V1Pod } from "@kubernetes/client-node";
import { PENDING_EVENT_REASON } from "../../../api/sparkplane/constants.js";
import type { SparkApplication } from "../../../api/v1beta2/sparkapplication.js";
import { diagnosePending, summarizePending } from "../../../diagnose/pending.js";
import type { EventRecorder } from "../../../kube/events.js";
import type { KubeLog } from "../../../kube/log.js";
import type { ReconcileResult } from "../../../kube/workqueue.js";

export interface PendingControllerDeps {
  app(namespace: string, name: string): SparkApplication | undefined;
  /** The app's pods from the Spark pod cache. */
  podsOf(namespace: string, app: string): V1Pod[];
  nodes(): V1Node[];
  /** The live pods bound to these nodes, any namespace. */
  boundPodsOn(nodes: readonly string[]): V1Pod[];
  events: EventRecorder;
  log: KubeLog;
  /** At most one diagnosis per app in this many ms (default 10 s). */
  intervalMs?: number;
  now?: () => number;
}

/** True for a pod the scheduler has tried and could not place (PodScheduled False, Unschedulable). */
export function isUnschedulable(pod: {
  spec?: { nodeName?: string };
  status?: { phase?: string; conditions?: { type?: string; status?: string; reason?: string }[] };
}): boolean {
  if (pod.spec?.nodeName || (pod.status?.phase ?? "Pending") !== "Pending") return false;
  return (pod.status?.conditions ?? []).some(
    (c) => c.type === "PodScheduled" && c.status === "False" && c.reason === "Unschedulable",
  );
}

/** When an app last diagnosed at `last` may be diagnosed again: 0 = now, else the ms to wait. */
export function diagnosisDelay(last: number | undefined, now: number, intervalMs: number): number {
  return last === undefined || now - last >= intervalMs ? 0 : intervalMs - (now - last);
}

export const DEFAULT_DIAGNOSIS_INTERVAL_MS = 10_000;

export class PendingController {
  /** The last message said per app ("ns/name"); forgotten when its pods are placed or it is deleted. */
  private readonly said = new Map<string, string>();
  /** When each app was last diagnosed. */
  private readonly diagnosedAt = new Map<string, number>();

  constructor(private readonly deps: PendingControllerDeps) {}

  forget(key: string): void {
    this.said.delete(key);
    this.diagnosedAt.delete(key);
  }

  reconcile(key: string): ReconcileResult | undefined {
    const [namespace, name] = key.split("/") as [string, string];
    const app = this.deps.app(namespace, name);
    if (!app) return void this.forget(key);
    const pods = this.deps.podsOf(namespace, name);
    if (!pods.some(isUnschedulable)) return void this.forget(key);
    const now = (this.deps.now ?? Date.now)();
    const wait = diagnosisDelay(
      this.diagnosedAt.get(key),
      now,
      this.deps.intervalMs ?? DEFAULT_DIAGNOSIS_INTERVAL_MS,
    );
    if (wait > 0) return { requeueAfterMs: wait };
    this.diagnosedAt.set(key, now);
    const nodes = this.deps.nodes();
    const boundPods = this.deps.boundPodsOn(nodes.map((n) => n.metadata?.name ?? ""));
    const message = summarizePending(diagnosePending({ app, pods, nodes, boundPods })).join("; ");
    if (message === "" || this.said.get(key) === message) return undefined;
    this.said.set(key, message);
    this.deps.events.event(app, "Warning", PENDING_EVENT_REASON, message);
    this.deps.log.info({ app: key, message }, "pods pending");
    return undefined;
  }
}
