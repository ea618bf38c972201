/**
 * The SparkConnect controller's registration: its own cache of sessions, the shared Spark pod cache with an
 * index by connect-name (server and executors), a queue keyed by session, workers.
 */
import type { KubernetesObject, V1Pod } from "@kubernetes/client-node";
import {
  API_VERSION_V1ALPHA1,
  SparkConnectLabel,
  SparkConnectNames,
} from "../../../api/v1alpha1/constants.js";
import type { SparkConnect } from "../../../api/v1alpha1/sparkconnect.js";
import type { InformerSpec } from "../../../kube/informer-registry.js";
import type { ResourceType } from "../../../kube/resource.js";
import { labelIndex } from "../../../kube/store.js";
import { ControllerName } from "../../metrics/names.js";
import { listerOf, SPARK_PODS } from "../caches.js";
import type { ControllerDefinition, ControllerOptions } from "../controller.js";
import { enqueueHandlers } from "../enqueue-handlers.js";
import { controllerQueue, queueWorkers } from "../queue-workers.js";
import { SparkConnectController } from "./controller.js";
import { SPARK_CONNECT_RBAC } from "./rbac.js";

const NAME = ControllerName.SparkConnect;

export const SPARK_CONNECT_RESOURCE: ResourceType = {
  apiVersion: API_VERSION_V1ALPHA1,
  kind: SparkConnectNames.kind,
  plural: SparkConnectNames.plural,
};

const SPARK_CONNECTS: InformerSpec = { key: "sparkconnects", resource: SPARK_CONNECT_RESOURCE };

const CONNECT_INDEX = "connectName";
const podIndexers = { [CONNECT_INDEX]: labelIndex<KubernetesObject>(SparkConnectLabel.ConnectName) };

export const sparkConnectController: ControllerDefinition<ControllerOptions> = {
  name: NAME,
  rbac: SPARK_CONNECT_RBAC,
  async start(ctx) {
    const sessions = ctx.informers.informer(SPARK_CONNECTS);
    const pods = ctx.informers.informer(SPARK_PODS, podIndexers);
    const controller = new SparkConnectController({
      core: ctx.clients.core,
      json: ctx.clients.json,
      sessions: listerOf<SparkConnect>(sessions),
      pods: listerOf<V1Pod>(pods, { [SparkConnectLabel.ConnectName]: CONNECT_INDEX }),
      events: ctx.events,
      master: `k8s://${ctx.kc.getCurrentCluster()?.server ?? "https://kubernetes.default.svc"}`,
      ...(ctx.options.now ? { now: ctx.options.now } : {}),
      log: ctx.log,
    });
    const queue = controllerQueue(ctx, NAME);
    sessions.addHandlers(enqueueHandlers(queue, { onDelete: "ignore" }));
    pods.addHandlers(enqueueHandlers(queue, { keyOf: (o) => SparkConnectController.keyOfPod(o) }));
    return queueWorkers(ctx, NAME, queue, (key) => controller.reconcile(key));
  },
};
