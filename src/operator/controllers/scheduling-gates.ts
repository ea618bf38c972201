/**
 * Which scheduling gates a run's pods are created with. Each gate belongs to one controller (queues,
 * placement) that removes it; the SparkApplication controller's submitter asks every provider listed here
 * when it builds a run, so a new gating controller adds its provider to `SCHEDULING_GATE_PROVIDERS`.
 */
import type { SparkApplication } from "../../api/v1beta2/sparkapplication.js";
import type { RunSchedulingGates } from "../../submit/scheduling-gates.js";
import type { ControllerContext, ControllerOptions } from "./controller.js";
import { placementGateProvider } from "./resourcepolicy/provider.js";
import { queueGateProvider } from "./sparkqueue/gate-provider.js";

/** One run about to be submitted. */
export interface GatedRun {
  app: SparkApplication;
  submissionId: string;
}

/** Decides, from its caches, the gates it owns for a run (undefined: none). */
export type SchedulingGateProvider = (run: GatedRun) => RunSchedulingGates | undefined;

/** Makes a provider when the SparkApplication controller starts: request shared informers from `ctx` here. */
export type SchedulingGateProviderFactory = (
  ctx: ControllerContext<ControllerOptions>,
) => SchedulingGateProvider;

export const SCHEDULING_GATE_PROVIDERS: readonly SchedulingGateProviderFactory[] = [
  queueGateProvider,
  placementGateProvider,
];

/** Every provider's gates for a run, in the providers' order, each gate once. */
export function gatesOf(providers: readonly SchedulingGateProvider[], run: GatedRun): RunSchedulingGates {
  const driver: string[] = [];
  const executor: string[] = [];
  for (const provide of providers) {
    const gates = provide(run);
    for (const g of gates?.driver ?? []) if (!driver.includes(g)) driver.push(g);
    for (const g of gates?.executor ?? []) if (!executor.includes(g)) executor.push(g);
  }
  return { driver, executor };
}
