/** Reading SparkQueues and apps into the admission decision's terms. */

import { parseKubernetesQuantity } from "../../../api/quantity.js";
import { SchedulingGate, SPARKPLANE_BATCH_SCHEDULERS } from "../../../api/sparkplane/constants.js";
import type { SparkQueue } from "../../../api/sparkplane/sparkqueue.js";
import type { SparkApplication } from "../../../api/v1beta2/sparkapplication.js";
import type { QueueView } from "./decide/admission.js";

/** The queue an app waits in, or undefined when it names none or leaves batching to another scheduler. */
export function queueOf(app: Pick<SparkApplication, "spec">): string | undefined {
  const scheduler = app.spec.batchScheduler ?? "";
  if (!SPARKPLANE_BATCH_SCHEDULERS.includes(scheduler)) return undefined;
  const queue = app.spec.batchSchedulerOptions?.queue?.trim();
  return queue ? queue : undefined;
}

const MIB = 1024 * 1024;

/** A queue's limits; an unparsable quantity counts as 0 (the CRD cannot refuse it) and is reported. */
export function queueView(queue: SparkQueue, onInvalid?: (field: string, value: unknown) => void): QueueView {
  const quota = queue.spec.quota ?? {};
  const parse = (field: string, value: string | number | undefined, unit: number) => {
    if (value === undefined) return undefined;
    const parsed = parseKubernetesQuantity(value);
    if (parsed === undefined || parsed < 0) {
      onInvalid?.(field, value);
      return 0;
    }
    return parsed / unit;
  };
  const view: QueueView = { name: queue.metadata.name ?? "", priority: queue.spec.priority ?? 0 };
  const cpu = parse("spec.quota.cpu", quota.cpu, 1);
  const memory = parse("spec.quota.memory", quota.memory, MIB);
  if (cpu !== undefined) view.cpu = cpu;
  if (memory !== undefined) view.memoryMiB = memory;
  if (queue.spec.maxRunningApplications !== undefined) view.maxRunning = queue.spec.maxRunningApplications;
  return view;
}

interface GatedPod {
  spec?: { schedulingGates?: { name: string }[] };
}

export function hasQueueGate(pod: GatedPod): boolean {
  return pod.spec?.schedulingGates?.some((g) => g.name === SchedulingGate.Queue) ?? false;
}

/** The pod's gates without the queue's: null when none is left (a merge patch then removes the field). */
export function gatesWithoutQueue(pod: GatedPod): { name: string }[] | null {
  const rest = (pod.spec?.schedulingGates ?? []).filter((g) => g.name !== SchedulingGate.Queue);
  return rest.length > 0 ? rest : null;
}
