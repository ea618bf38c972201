/**
 * The queue's scheduling gate: the driver pod of an app that names a SparkQueue is created gated, and the
 * queue controller removes the gate when the whole app is admitted. An app whose demand can never fit its
 * queue is refused at submission, with the fields and the numbers.
 */
import { SchedulingGate } from "../../../api/sparkplane/constants.js";
import type { SparkQueue } from "../../../api/sparkplane/sparkqueue.js";
import { appDemand } from "../../../api/v1beta2/demand.js";
import { SchedulingRefusal } from "../../../submit/scheduling-gates.js";
import { SPARK_QUEUES } from "../caches.js";
import type { SchedulingGateProviderFactory } from "../scheduling-gates.js";
import { neverFitsReason } from "./decide/admission.js";
import { queueOf, queueView } from "./queue-view.js";

export const queueGateProvider: SchedulingGateProviderFactory = (ctx) => {
  const queues = ctx.informers.informer(SPARK_QUEUES);
  return ({ app }) => {
    const name = queueOf(app);
    if (!name) return undefined;
    const queue = queues.get(undefined, name) as SparkQueue | undefined;
    if (queue) {
      const demand = appDemand(app.spec);
      if (!demand.ok) throw new SchedulingRefusal(demand.error);
      const never = neverFitsReason(demand.demand, queueView(queue));
      if (never) throw new SchedulingRefusal(`spec.batchSchedulerOptions.queue "${name}": ${never}`);
    }
    return { driver: [SchedulingGate.Queue] };
  };
};
