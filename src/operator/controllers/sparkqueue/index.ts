/**
 * The SparkQueue controller's registration: SparkQueues, the shared Spark pod and SparkApplication caches
 * and the nodes; any change to a queue, a driver pod or a node enqueues the one key (every reconcile
 * decides for all queues).
 */
import type { KubernetesObject } from "@kubernetes/client-node";
import type { SparkQueue } from "../../../api/sparkplane/sparkqueue.js";
import type { SparkApplication } from "../../../api/v1beta2/sparkapplication.js";
import { labelIndex } from "../../../kube/store.js";
import { SparkLabel, SparkRole } from "../../../spark/constants.js";
import { ControllerName } from "../../metrics/names.js";
import { NODES, SPARK_APPLICATIONS, SPARK_PODS, SPARK_QUEUES } from "../caches.js";
import type { ControllerDefinition, ControllerOptions } from "../controller.js";
import { controllerQueue, queueWorkers } from "../queue-workers.js";
import { ALL_QUEUES, admissionInputChanged, isDriverPod, SparkQueueController } from "./controller.js";

export interface SparkQueueControllerOptions extends ControllerOptions {
  /** Admit only while the queued apps' demand fits the nodes' allocatable (default true). */
  queueCapacityCheck?: boolean;
}

const NAME = ControllerName.SparkQueue;
/** Spark pods by role: a pass reads the drivers only, not every executor. */
const ROLE_INDEX = "spark-role";

export const sparkQueueController: ControllerDefinition<SparkQueueControllerOptions> = {
  name: NAME,
  async start(ctx) {
    const queues = ctx.informers.informer(SPARK_QUEUES);
    const pods = ctx.informers.informer(SPARK_PODS, { [ROLE_INDEX]: labelIndex(SparkLabel.Role) });
    const apps = ctx.informers.informer(SPARK_APPLICATIONS);
    const nodes = ctx.options.queueCapacityCheck === false ? undefined : ctx.informers.informer(NODES);
    const controller = new SparkQueueController({
      json: ctx.clients.json,
      queues: () => queues.list() as SparkQueue[],
      driverPods: () => pods.byIndex(ROLE_INDEX, SparkRole.Driver),
      app: (namespace, name) => apps.get(namespace, name) as SparkApplication | undefined,
      ...(nodes ? { nodes: () => nodes.list() } : {}),
      events: ctx.events,
      log: ctx.log,
      now: ctx.options.now,
    });
    const queue = controllerQueue(ctx, NAME);
    const all = () => queue.add(ALL_QUEUES);
    const onDriver = (o: KubernetesObject) => {
      if (isDriverPod(o)) all();
    };
    queues.addHandlers({ onAdd: all, onUpdate: all, onDelete: all });
    pods.addHandlers({
      onAdd: onDriver,
      onUpdate: (old, o) => {
        if (isDriverPod(o) && admissionInputChanged(old, o)) all();
      },
      onDelete: onDriver,
    });
    apps.addHandlers({
      onDelete: (o) => controller.forget(`${o.metadata?.namespace}/${o.metadata?.name}`),
    });
    nodes?.addHandlers({ onAdd: all, onUpdate: all, onDelete: all });
    const started = queueWorkers(ctx, NAME, queue, (key) => controller.reconcile(key));
    return {
      ...started,
      async stop() {
        await started.stop();
        await controller.flush();
      },
    };
  },
};
