/**
 * The cost controller's registration: the shared Spark pod cache; a pod that ends (terminal phase, deletion)
 * enqueues its app, whose ledger then gets the pod's requests × lifetime.
 */
import type { KubernetesObject } from "@kubernetes/client-node";
import { type PodTimes, podEnded } from "../../../api/sparkplane/cost.js";
import { OperatorLabel } from "../../../api/v1beta2/constants.js";
import type { SparkApplication } from "../../../api/v1beta2/sparkapplication.js";
import { kubeletAddress } from "../../../kube/kubelet-client.js";
import { ControllerName } from "../../metrics/names.js";
import { NODES, SPARK_APPLICATIONS, SPARK_PODS } from "../caches.js";
import type { ControllerDefinition, ControllerOptions } from "../controller.js";
import { controllerQueue, queueWorkers } from "../queue-workers.js";
import { CostController } from "./controller.js";
import { NodeUsage } from "./node-usage.js";
import { COST_RBAC } from "./rbac.js";

const NAME = ControllerName.Cost;
/** How long after a pod ends its cost is written. */
const WRITE_DELAY_MS = 5_000;

export interface CostControllerOptions extends ControllerOptions {
  /** How often the nodes running Spark pods are asked what they used (ms; 0: never, only requests are recorded). */
  nodeStatsIntervalMs?: number;
}

/** Default of --node-stats-interval. */
export const DEFAULT_NODE_STATS_INTERVAL_MS = 10_000;

export const costController: ControllerDefinition<CostControllerOptions> = {
  name: NAME,
  rbac: COST_RBAC,
  async start(ctx) {
    const pods = ctx.informers.informer(SPARK_PODS);
    const apps = ctx.informers.informer(SPARK_APPLICATIONS);
    const interval = ctx.options.nodeStatsIntervalMs ?? DEFAULT_NODE_STATS_INTERVAL_MS;
    const nodes = interval > 0 ? ctx.informers.informer(NODES) : undefined;
    const usage = nodes
      ? new NodeUsage(
          ctx.kc,
          (n) => kubeletAddress((nodes.get(undefined, n) ?? {}) as Parameters<typeof kubeletAddress>[0]),
          ctx.log,
        )
      : undefined;
    const controller = new CostController({
      usage,
      json: ctx.clients.json,
      app: (namespace, name) => apps.get(namespace, name) as SparkApplication | undefined,
      metrics: ctx.metrics,
      log: ctx.log,
      now: ctx.options.now,
    });
    const queue = controllerQueue(ctx, NAME);
    const onPod = (o: KubernetesObject, deleted: boolean) => {
      const app = o.metadata?.labels?.[OperatorLabel.AppName];
      const pod = o as PodTimes;
      if (!app || !(deleted || podEnded(pod))) return;
      const key = `${o.metadata?.namespace}/${app}`;
      // Later, not at once: the app's own state change (driver ended) is written first instead of racing
      // this annotation for the resourceVersion, and the app's other pods' ends join the same write.
      if (controller.observe(key, pod)) queue.addAfter(key, WRITE_DELAY_MS);
    };
    pods.addHandlers({
      onAdd: (o) => onPod(o, false),
      onUpdate: (_old, o) => onPod(o, false),
      onDelete: (o) => onPod(o, true),
    });
    apps.addHandlers({
      onDelete: (o) => controller.forget(`${o.metadata?.namespace}/${o.metadata?.name}`),
    });
    const started = queueWorkers(ctx, NAME, queue, (key) => controller.reconcile(key));
    if (!usage) return started;
    // Only the nodes of Spark pods still running: an ended pod's last reading is taken when its cost is written.
    const runningNodes = () =>
      (pods.list() as PodTimes[])
        .filter((p) => !podEnded(p) && p.status?.phase === "Running")
        .map((p) => p.spec?.nodeName)
        .filter((n): n is string => !!n);
    return {
      ...started,
      startWorkers() {
        started.startWorkers();
        usage.start(interval, runningNodes);
      },
      async stop() {
        usage.stop();
        await started.stop();
      },
    };
  },
};
