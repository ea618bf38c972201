/**
 * The queue's scheduling gate: the driver pod of an app that names a SparkQueue is created gated, and the
 * queue controller removes the gate when the whole app is admitted — unless the queue admits it at its
 * submission (nothing waits ahead of it and it fits), when the pod is created without the gate. An app
 * whose demand can never fit its queue is refused at submission, with the fields and the numbers.
 */
import { SchedulingGate } from "../../../api/sparkplane/constants.js";
import type { SparkQueue } from "../../../api/sparkplane/sparkqueue.js";
import { appDemand } from "../../../api/v1beta2/demand.js";
import type { SparkApplication } from "../../../api/v1beta2/sparkapplication.js";
import { SchedulingRefusal } from "../../../submit/scheduling-gates.js";
import { SPARK_QUEUES } from "../caches.js";
import type { ControllerContext } from "../controller.js";
import type { SchedulingGateProvider } from "../pod-shaping.js";
import { neverFitsReason } from "./decide/admission.js";
import { queueOf, queueView } from "./queue-view.js";

/** The queue's provider; `admitAtSubmission` is the queue controller's (absent: every queued run is gated). */
export function queueGateProvider(
  ctx: Pick<ControllerContext, "informers">,
  admitAtSubmission?: (app: SparkApplication) => boolean,
): SchedulingGateProvider {
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
    if (queue && admitAtSubmission?.(app)) return undefined;
    return { driver: [SchedulingGate.Queue] };
  };
}
