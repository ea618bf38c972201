/**
 * Says on the SparkApplication why its pods wait, once per distinct reason: when the scheduler marks one of
 * the app's pods Unschedulable, the app's pods (with their specs), the nodes and the pods bound to them are
 * read and `diagnosePending` turns them into the app's terms. Not on the hot path: only unschedulable pods
 * lead here, and a reason already said is not said again.
 */
import type { V1Node, V1Pod } from "@kubernetes/client-node";
import { PENDING_EVENT_REASON } from "../../../api/sparkplane/constants.js";
import { OperatorLabel } from "../../../api/v1beta2/constants.js";
import type { SparkApplication } from "../../../api/v1beta2/sparkapplication.js";
import { BOUND_PODS_FIELD_SELECTOR, diagnosePending, summarizePending } from "../../../diagnose/pending.js";
import type { EventRecorder } from "../../../kube/events.js";
import type { JsonClient } from "../../../kube/json-client.js";
import type { KubeLog } from "../../../kube/log.js";

export interface PendingControllerDeps {
  json: JsonClient;
  app(namespace: string, name: string): SparkApplication | undefined;
  events: EventRecorder;
  log: KubeLog;
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

export class PendingController {
  /** The last message said per app ("ns/name"); forgotten when its pods are placed or it is deleted. */
  private readonly said = new Map<string, string>();

  constructor(private readonly deps: PendingControllerDeps) {}

  forget(key: string): void {
    this.said.delete(key);
  }

  async reconcile(key: string): Promise<void> {
    const [namespace, name] = key.split("/") as [string, string];
    const app = this.deps.app(namespace, name);
    if (!app) return this.forget(key);
    const selector = encodeURIComponent(`${OperatorLabel.AppName}=${name}`);
    const pods = (
      await this.deps.json.get<{ items: V1Pod[] }>(
        `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods?labelSelector=${selector}`,
      )
    ).items;
    if (!pods.some(isUnschedulable)) return this.forget(key);
    const [nodes, bound] = await Promise.all([
      this.deps.json.get<{ items: V1Node[] }>("/api/v1/nodes"),
      this.deps.json.get<{ items: V1Pod[] }>(
        `/api/v1/pods?fieldSelector=${encodeURIComponent(BOUND_PODS_FIELD_SELECTOR)}`,
      ),
    ]);
    const lines = summarizePending(
      diagnosePending({ app, pods, nodes: nodes.items, boundPods: bound.items }),
    );
    const message = lines.join("; ");
    if (message === "" || this.said.get(key) === message) return;
    this.said.set(key, message);
    this.deps.events.event(app, "Warning", PENDING_EVENT_REASON, message);
    this.deps.log.info({ app: key, message }, "pods pending");
  }
}
