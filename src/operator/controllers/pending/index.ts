/**
 * The pending-pod controller's registration: the shared Spark pod cache (indexed by app), the app cache, the
 * nodes and the pods bound to them (indexed by node); a pod the scheduler marks Unschedulable enqueues its app.
 */
import type { KubernetesObject, V1Node, V1Pod } from "@kubernetes/client-node";
import { OperatorLabel } from "../../../api/v1beta2/constants.js";
import type { SparkApplication } from "../../../api/v1beta2/sparkapplication.js";
import { ControllerName } from "../../metrics/names.js";
import {
  BOUND_PODS,
  NODES,
  PODS_BY_APP,
  PODS_BY_NODE,
  podsByApp,
  podsByNode,
  SPARK_APPLICATIONS,
  SPARK_PODS,
} from "../caches.js";
import type { ControllerDefinition, ControllerOptions } from "../controller.js";
import { controllerQueue, queueWorkers } from "../queue-workers.js";
import { isUnschedulable, PendingController } from "./controller.js";
import { PENDING_RBAC } from "./rbac.js";

const NAME = ControllerName.Pending;

export const pendingController: ControllerDefinition<ControllerOptions> = {
  name: NAME,
  rbac: PENDING_RBAC,
  async start(ctx) {
    const pods = ctx.informers.informer(SPARK_PODS, { [PODS_BY_APP]: podsByApp });
    const apps = ctx.informers.informer(SPARK_APPLICATIONS);
    const nodes = ctx.informers.informer(NODES);
    const bound = ctx.informers.informer(BOUND_PODS, { [PODS_BY_NODE]: podsByNode });
    const controller = new PendingController({
      app: (namespace, name) => apps.get(namespace, name) as SparkApplication | undefined,
      podsOf: (namespace, app) => pods.byIndex(PODS_BY_APP, app, namespace) as V1Pod[],
      nodes: () => nodes.list() as V1Node[],
      boundPodsOn: (names) => names.flatMap((n) => bound.byIndex(PODS_BY_NODE, n) as V1Pod[]),
      events: ctx.events,
      log: ctx.log,
    });
    const queue = controllerQueue(ctx, NAME);
    const onPod = (o: KubernetesObject) => {
      const app = o.metadata?.labels?.[OperatorLabel.AppName];
      if (app && isUnschedulable(o as never)) queue.add(`${o.metadata?.namespace}/${app}`);
    };
    pods.addHandlers({ onAdd: onPod, onUpdate: (_old, o) => onPod(o) });
    apps.addHandlers({
      onDelete: (o) => controller.forget(`${o.metadata?.namespace}/${o.metadata?.name}`),
    });
    return queueWorkers(ctx, NAME, queue, async (key) => controller.reconcile(key));
  },
};
