/**
 * The SparkApplication controller's registration: its caches (SparkApplications, Spark pods indexed by app
 * and by spark-app-selector, the apps' Services), its queue and workers, and its submitter.
 */
import type { KubeConfig, KubernetesObject, V1Pod, V1Service } from "@kubernetes/client-node";
import { OperatorLabel } from "../../../api/v1beta2/constants.js";
import type { SparkApplication } from "../../../api/v1beta2/sparkapplication.js";
import type { JsonClient } from "../../../kube/json-client.js";
import { labelIndex } from "../../../kube/store.js";
import { BatchSchedulerPresence } from "../../batch-schedulers/presence.js";
import { ControllerName } from "../../metrics/names.js";
import { NativeSubmitter } from "../../submitters/native.js";
import { type SparkSubmitOptions, SparkSubmitSubmitter } from "../../submitters/spark-submit.js";
import type { Submitter } from "../../submitters/submitter.js";
import {
  listerOf,
  PODS_BY_APP,
  podsByApp,
  SPARK_APP_SERVICES,
  SPARK_APPLICATIONS,
  SPARK_PODS,
} from "../caches.js";
import type { ControllerDefinition, ControllerOptions } from "../controller.js";
import { enqueueHandlers } from "../enqueue-handlers.js";
import type { PodShaping } from "../pod-shaping.js";
import { controllerQueue, queueWorkers } from "../queue-workers.js";
import { SparkAppController } from "./controller.js";
import { DEFAULT_DECIDE_CONFIG, type DecideConfig } from "./decide/index.js";
import { EventRecorderSink } from "./event-sink.js";
import { SPARK_APPLICATION_RBAC } from "./rbac.js";

export interface SparkApplicationControllerOptions extends ControllerOptions {
  /** Default native. */
  submitter?: "native" | "spark-submit";
  /** For the spark-submit submitter. */
  sparkSubmit?: Omit<SparkSubmitOptions, "master">;
  decide?: Partial<DecideConfig>;
}

const NAME = ControllerName.SparkApplication;
const APP_INDEX = PODS_BY_APP;
const APP_ID_INDEX = "appId";
const podIndexers = {
  [APP_INDEX]: podsByApp,
  [APP_ID_INDEX]: labelIndex<KubernetesObject>("spark-app-selector"),
};

function makeSubmitter(
  opts: SparkApplicationControllerOptions,
  kc: KubeConfig,
  json: JsonClient,
  podShaping: PodShaping,
): Submitter {
  const master = `k8s://${kc.getCurrentCluster()?.server ?? "https://kubernetes.default.svc"}`;
  if (opts.submitter === "spark-submit") {
    if (!opts.sparkSubmit)
      throw new Error("--submitter=spark-submit needs Spark: set SPARK_HOME or run `sparkplane provision`");
    return new SparkSubmitSubmitter({ ...opts.sparkSubmit, master });
  }
  // The registry is read per run: controllers that register later (any CONTROLLERS order) still count.
  return new NativeSubmitter(json, { master, schedulingGates: (run) => podShaping.gatesFor(run) });
}

export const sparkApplicationController: ControllerDefinition<SparkApplicationControllerOptions> = {
  name: NAME,
  rbac: SPARK_APPLICATION_RBAC,
  async start(ctx) {
    const apps = ctx.informers.informer(SPARK_APPLICATIONS);
    const pods = ctx.informers.informer(SPARK_PODS, podIndexers);
    const services = ctx.informers.informer(SPARK_APP_SERVICES);
    const batchSchedulers = new BatchSchedulerPresence(ctx.clients.json);
    await batchSchedulers.refresh();
    const controller = new SparkAppController({
      clients: ctx.clients,
      apps: listerOf<SparkApplication>(apps),
      pods: listerOf<V1Pod>(pods, { [OperatorLabel.AppName]: APP_INDEX, "spark-app-selector": APP_ID_INDEX }),
      services: listerOf<V1Service>(services),
      submitter: makeSubmitter(ctx.options, ctx.kc, ctx.clients.json, ctx.podShaping),
      events: new EventRecorderSink(ctx.events),
      metrics: ctx.metrics,
      config: { ...DEFAULT_DECIDE_CONFIG, ...ctx.options.decide },
      clusterErrors: (app) => batchSchedulers.errors(app),
      now: ctx.options.now,
    });
    const queue = controllerQueue(ctx, NAME);
    apps.addHandlers(enqueueHandlers(queue, { onDelete: (key) => controller.forget(key) }));
    const byOwnerApp = { keyOf: (o: KubernetesObject) => SparkAppController.appKeyOfPod(o as V1Pod) };
    for (const owned of [pods, services]) owned.addHandlers(enqueueHandlers(queue, byOwnerApp));
    // kubeflow's gauges count from the caches at scrape time; its executor counters follow pod phases.
    ctx.metrics.setClusterView({
      apps: () => apps.list() as SparkApplication[],
      pods: () => pods.list() as V1Pod[],
      active: ctx.isLeader,
    });
    pods.addHandlers({ onUpdate: (old, o) => ctx.metrics.apps.observeExecutorPod(old as V1Pod, o as V1Pod) });
    return queueWorkers(ctx, NAME, queue, (key) => controller.reconcile(key));
  },
};
