/**
 * The ScheduledSparkApplication controller's registration: its own cache of scheduled apps, its queue and
 * workers; runs are read from the shared SparkApplication cache through an index by scheduled-app-name, and
 * a run's add, update or delete enqueues its scheduled app.
 */
import type { KubernetesObject } from "@kubernetes/client-node";
import {
  API_VERSION,
  OperatorLabel,
  ScheduledSparkApplicationNames,
} from "../../../api/v1beta2/constants.js";
import type { ScheduledSparkApplication } from "../../../api/v1beta2/scheduledsparkapplication.js";
import type { SparkApplication } from "../../../api/v1beta2/sparkapplication.js";
import type { InformerSpec } from "../../../kube/informer-registry.js";
import type { ResourceType } from "../../../kube/resource.js";
import { labelIndex } from "../../../kube/store.js";
import { ControllerName } from "../../metrics/names.js";
import { listerOf, SPARK_APPLICATIONS } from "../caches.js";
import type { ControllerDefinition, ControllerOptions } from "../controller.js";
import { enqueueHandlers } from "../enqueue-handlers.js";
import { controllerQueue, queueWorkers } from "../queue-workers.js";
import { ScheduledAppController } from "./controller.js";
import { SCHEDULED_SPARK_APPLICATION_RBAC } from "./rbac.js";

export interface ScheduledSparkApplicationControllerOptions extends ControllerOptions {
  /** The zone of schedules without spec.timeZone (default `operatorTimeZone()`: TZ, else the local zone). */
  defaultTimeZone?: string;
}

const NAME = ControllerName.ScheduledSparkApplication;

export const SCHEDULED_SPARK_APPLICATION_RESOURCE: ResourceType = {
  apiVersion: API_VERSION,
  kind: ScheduledSparkApplicationNames.kind,
  plural: ScheduledSparkApplicationNames.plural,
};

const SCHEDULED_SPARK_APPLICATIONS: InformerSpec = {
  key: "scheduledsparkapplications",
  resource: SCHEDULED_SPARK_APPLICATION_RESOURCE,
};

/** The index of the shared SparkApplication cache that finds the runs of a scheduled app by its name. */
const SCHEDULED_RUNS_INDEX = "scheduledApp";
const runIndexers = { [SCHEDULED_RUNS_INDEX]: labelIndex<KubernetesObject>(OperatorLabel.ScheduledAppName) };

export const scheduledSparkApplicationController: ControllerDefinition<ScheduledSparkApplicationControllerOptions> =
  {
    name: NAME,
    rbac: SCHEDULED_SPARK_APPLICATION_RBAC,
    async start(ctx) {
      const scheduledApps = ctx.informers.informer(SCHEDULED_SPARK_APPLICATIONS);
      const runs = ctx.informers.informer(SPARK_APPLICATIONS, runIndexers);
      const controller = new ScheduledAppController({
        custom: ctx.clients.custom,
        scheduledApps: listerOf<ScheduledSparkApplication>(scheduledApps),
        runs: listerOf<SparkApplication>(runs, { [OperatorLabel.ScheduledAppName]: SCHEDULED_RUNS_INDEX }),
        events: ctx.events,
        now: ctx.options.now,
        defaultTimeZone: ctx.options.defaultTimeZone,
        log: ctx.log,
      });
      const queue = controllerQueue(ctx, NAME);
      scheduledApps.addHandlers(enqueueHandlers(queue, { onDelete: (key) => controller.forget(key) }));
      runs.addHandlers(
        enqueueHandlers(queue, {
          keyOf: (o) => ScheduledAppController.scheduledKeyOfRun(o),
          onDelete: (key, o) => {
            controller.forgetRun(o);
            queue.add(key);
          },
        }),
      );
      return queueWorkers(ctx, NAME, queue, (key) => controller.reconcile(key));
    },
  };
