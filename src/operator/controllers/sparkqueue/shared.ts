/**
 * The one SparkQueueController of an operator, found by the queue's gate provider (which the SparkApplication
 * controller runs) through the informer registry both are given: a submission the queue admits at once is
 * created without the gate.
 */
import type { InformerRegistry } from "../../../kube/informer-registry.js";
import type { SparkQueueController } from "./controller.js";

const controllers = new WeakMap<InformerRegistry, SparkQueueController>();

export function registerQueueController(informers: InformerRegistry, controller: SparkQueueController): void {
  controllers.set(informers, controller);
}

/** Undefined when the operator runs no SparkQueue controller: every queued run is then gated. */
export function queueControllerOf(informers: InformerRegistry): SparkQueueController | undefined {
  return controllers.get(informers);
}
