/**
 * The pending-pod controller's registration: the shared Spark pod cache (status only) and the app cache; a
 * pod the scheduler marks Unschedulable enqueues its app.
 */
import type { KubernetesObject } from "@kubernetes/client-node";
import { OperatorLabel } from "../../../api/v1beta2/constants.js";
import type { SparkApplication } from "../../../api/v1beta2/sparkapplication.js";
import { ControllerName } from "../../metrics/names.js";
import { SPARK_APPLICATIONS, SPARK_PODS } from "../caches.js";
import type { ControllerDefinition, ControllerOptions } from "../controller.js";
import { controllerQueue, queueWorkers } from "../queue-workers.js";
import { isUnschedulable, PendingController } from "./controller.js";

const NAME = ControllerName.Pending;

export const pendingController: ControllerDefinition<ControllerOptions> = {
  name: NAME,
  async start(ctx) {
    const pods = ctx.informers.informer(SPARK_PODS);
    const apps = ctx.informers.informer(SPARK_APPLICATIONS);
    const controller = new PendingController({
      json: ctx.clients.json,
      app: (namespace, name) => apps.get(namespace, name) as SparkApplication | undefined,
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
    return queueWorkers(ctx, NAME, queue, (key) => controller.reconcile(key));
  },
};
