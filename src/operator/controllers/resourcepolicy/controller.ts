/**
 * The placement controller's act layer around the pure `decidePlacement`: for a pod gated with
 * `sparkplane.io/placement` it reads the pod and the pods it is counted with from the API server (not the
 * cache, so a restart or a lagging cache never counts short), decides, and writes the unit's node selection
 * and the gate's removal in one update carrying the pod's resourceVersion (a 409 is retried by the queue).
 * Decisions for one namespace are made one at a time, so this process never admits two pods into one slot.
 */
import type { CoordinationV1Api, CoreV1Api, KubernetesObject, V1Node, V1Pod } from "@kubernetes/client-node";
import type { ResourcePolicy } from "../../../api/resourcepolicy/resourcepolicy.js";
import { API_VERSION, OperatorLabel, SparkApplicationNames } from "../../../api/v1beta2/constants.js";
import type { InvolvedObject } from "../../../kube/events.js";
import type { KubeLog } from "../../../kube/log.js";
import { apiStatusCode } from "../../../kube/retry.js";
import type { ReconcileResult } from "../../../kube/workqueue.js";
import {
  applyPlacement,
  decidePlacement,
  hasPlacementGate,
  PlacementEventReason,
  policyFor,
} from "./decide/index.js";
import { LockBusy, withNamespaceLock } from "./lock.js";

export interface PlacementControllerDeps {
  core: CoreV1Api;
  coord: CoordinationV1Api;
  /** Names this process in the namespace lock. */
  identity: string;
  policies: () => ResourcePolicy[];
  nodes: () => V1Node[];
  events: { event(o: InvolvedObject, type: "Normal" | "Warning", reason: string, message: string): void };
  log: KubeLog;
  now?: () => number;
}

export class PlacementController {
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly now: () => number;

  constructor(private readonly d: PlacementControllerDeps) {
    this.now = d.now ?? Date.now;
  }

  reconcile(key: string): Promise<ReconcileResult | undefined> {
    const namespace = key.split("/")[0]!;
    const previous = this.locks.get(namespace) ?? Promise.resolve();
    const run = previous
      .catch(() => undefined)
      .then(() =>
        withNamespaceLock(this.d.coord, namespace, this.d.identity, this.now, () => this.place(key)),
      )
      .catch((err) => {
        // Another process is placing in this namespace: come back once it is done.
        if (err instanceof LockBusy) return { requeueAfterMs: 200 };
        throw err;
      });
    this.locks.set(namespace, run);
    void run
      .finally(() => {
        if (this.locks.get(namespace) === run) this.locks.delete(namespace);
      })
      .catch(() => undefined);
    return run;
  }

  private async place(key: string): Promise<ReconcileResult | undefined> {
    const [namespace, name] = key.split("/") as [string, string];
    const pod = await this.d.core.readNamespacedPod({ namespace, name }).catch((err) => {
      if (apiStatusCode(err) === 404 || (err as { code?: number }).code === 404) return undefined;
      throw err;
    });
    if (!pod || pod.metadata?.deletionTimestamp || !hasPlacementGate(pod)) return undefined;
    const policy = policyFor(
      this.d.policies().filter((p) => p.metadata.namespace === namespace),
      pod,
    );
    if (!policy) {
      // The policy that gated it is gone: nothing restricts the pod any more.
      await this.d.core.replaceNamespacedPod({
        namespace,
        name,
        body: applyPlacement(pod, { labels: {}, annotations: {} }),
      });
      this.d.log.info({ pod: key }, "no ResourcePolicy selects the pod any more; placement gate removed");
      return undefined;
    }
    const live = "status.phase!=Succeeded,status.phase!=Failed";
    const inNamespace = await this.d.core.listNamespacedPod({ namespace, fieldSelector: live });
    // Free capacity needs every namespace's pods; where RBAC grants only this namespace, its pods stand in.
    const bound = await this.d.core
      .listPodForAllNamespaces({ fieldSelector: `${live},spec.nodeName!=` })
      .then((l) => l.items)
      .catch((err) => {
        if (apiStatusCode(err) === 403 || (err as { code?: number }).code === 403)
          return inNamespace.items.filter((p) => p.spec?.nodeName);
        throw err;
      });
    const decision = decidePlacement({
      pod,
      policy,
      pods: inNamespace.items,
      nodes: this.d.nodes(),
      boundPods: bound,
      now: this.now(),
    });
    if (decision.kind === "wait") {
      this.d.events.event(pod, "Warning", PlacementEventReason.Waiting, decision.message);
      const app = appOf(pod);
      if (app)
        this.d.events.event(app, "Warning", PlacementEventReason.Waiting, `pod ${name}: ${decision.message}`);
      return decision.requeueAfterMs === undefined ? undefined : { requeueAfterMs: decision.requeueAfterMs };
    }
    await this.d.core.replaceNamespacedPod({ namespace, name, body: applyPlacement(pod, decision.patch) });
    this.d.log.info({ pod: key, unit: decision.unit }, decision.message);
    this.d.events.event(pod, "Normal", PlacementEventReason.Placed, decision.message);
    return undefined;
  }
}

/** The SparkApplication a Spark pod belongs to (its app-name label), as an event's object. */
function appOf(pod: V1Pod): InvolvedObject | undefined {
  const name = pod.metadata?.labels?.[OperatorLabel.AppName];
  if (!name) return undefined;
  const owner = pod.metadata?.ownerReferences?.find((o) => o.kind === SparkApplicationNames.kind);
  return {
    apiVersion: API_VERSION,
    kind: SparkApplicationNames.kind,
    namespace: pod.metadata?.namespace,
    name,
    ...(owner?.name === name ? { uid: owner.uid } : {}),
  } as KubernetesObject;
}
