/**
 * The SparkQueue controller's registration: SparkQueues, the shared Spark pod and SparkApplication caches
 * and the nodes; a change to a queue's spec, a driver pod, an app's spec or a node marks what changed and
 * enqueues the one key (every reconcile decides for all queues).
 */
import type { KubernetesObject } from "@kubernetes/client-node";
import type { SparkQueue } from "../../../api/sparkplane/sparkqueue.js";
import type { SparkApplication } from "../../../api/v1beta2/sparkapplication.js";
import { ControllerName } from "../../metrics/names.js";
import { NODES, PODS_BY_APP, podsByApp, SPARK_APPLICATIONS, SPARK_PODS, SPARK_QUEUES } from "../caches.js";
import type { ControllerDefinition, ControllerOptions } from "../controller.js";
import { controllerQueue, queueWorkers } from "../queue-workers.js";
import { admissionInputChanged, isDriverPod } from "./cached-objects.js";
import { ALL_QUEUES, SparkQueueController } from "./controller.js";
import { queueGateProvider } from "./gate-provider.js";
import { queueOf } from "./queue-view.js";
import { SPARK_QUEUE_RBAC } from "./rbac.js";

export interface SparkQueueControllerOptions extends ControllerOptions {
  /** Admit only while the queued apps' demand fits the nodes' allocatable (default true). */
  queueCapacityCheck?: boolean;
  /** Create a queued driver ungated when its queue admits it at submission (default true). */
  queueAdmitAtSubmission?: boolean;
}

const NAME = ControllerName.SparkQueue;

export const sparkQueueController: ControllerDefinition<SparkQueueControllerOptions> = {
  name: NAME,
  rbac: SPARK_QUEUE_RBAC,
  async start(ctx) {
    const queues = ctx.informers.informer(SPARK_QUEUES);
    const pods = ctx.informers.informer(SPARK_PODS, { [PODS_BY_APP]: podsByApp });
    const apps = ctx.informers.informer(SPARK_APPLICATIONS);
    const nodes = ctx.options.queueCapacityCheck === false ? undefined : ctx.informers.informer(NODES);
    const controller = new SparkQueueController({
      json: ctx.clients.json,
      queues: () => queues.list() as SparkQueue[],
      pod: (namespace, name) => pods.get(namespace, name),
      podsOfApp: (namespace, app) => pods.byIndex(PODS_BY_APP, app, namespace),
      app: (namespace, name) => apps.get(namespace, name) as SparkApplication | undefined,
      ...(nodes ? { nodes: () => nodes.list() } : {}),
      events: ctx.events,
      log: ctx.log,
      now: ctx.options.now,
    });
    const queue = controllerQueue(ctx, NAME);
    const all = () => queue.add(ALL_QUEUES);
    const onDriver = (o: KubernetesObject) => {
      if (!isDriverPod(o)) return;
      controller.podChanged(o);
      all();
    };
    // A queue's own status writes need no pass; its spec changes (generation) and resyncs do.
    queues.addHandlers({
      onAdd: all,
      onUpdate: (old, o) => {
        if (old === o || old.metadata?.generation !== o.metadata?.generation) all();
      },
      onDelete: all,
    });
    pods.addHandlers({
      onAdd: onDriver,
      onUpdate: (old, o) => {
        if (old === o || admissionInputChanged(old, o)) onDriver(o);
      },
      onDelete: onDriver,
    });
    const onApp = (o: KubernetesObject) => {
      controller.appChanged(o);
      all();
    };
    apps.addHandlers({
      // A new app without a queue changes no decision (apps without a queue cost the queue nothing).
      onAdd: (o) => {
        if (queueOf(o as SparkApplication)) onApp(o);
      },
      onUpdate: (old, o) => {
        if (old === o || old.metadata?.generation !== o.metadata?.generation) onApp(o);
      },
      onDelete: (o) => {
        controller.forget(`${o.metadata?.namespace}/${o.metadata?.name}`);
        onApp(o);
      },
    });
    const onNodes = () => {
      controller.nodesChanged();
      all();
    };
    nodes?.addHandlers({ onAdd: onNodes, onUpdate: onNodes, onDelete: onNodes });
    ctx.podShaping.addGateProvider(
      NAME,
      queueGateProvider(
        ctx,
        ctx.options.queueAdmitAtSubmission === false ? undefined : (app) => controller.admitAtSubmission(app),
      ),
    );
    const started = queueWorkers(ctx, NAME, queue, (key) => controller.reconcile(key));
    return {
      ...started,
      startWorkers() {
        controller.setActive(true);
        started.startWorkers();
      },
      async stop() {
        controller.setActive(false);
        await started.stop();
        await controller.flush();
      },
    };
  },
};
