/**
 * What shapes a run's pods beyond the app's spec, registered by the controllers that own it: scheduling gates
 * today (queues, placement), each gate removed by the controller that added it. A controller registers its
 * provider on `ctx.podShaping` in its `start`; the SparkApplication controller's submitter asks the registry
 * for every run, so neither knows the other and the order the controllers start in does not matter.
 */
import type { SparkApplication } from "../../api/v1beta2/sparkapplication.js";
import type { RunSchedulingGates } from "../../submit/scheduling-gates.js";

/** One run about to be submitted. */
export interface GatedRun {
  app: SparkApplication;
  submissionId: string;
}

/**
 * Decides, from its caches, the gates it owns for a run (undefined: none); throws `SchedulingRefusal` for a
 * run that can never be admitted.
 */
export type SchedulingGateProvider = (run: GatedRun) => RunSchedulingGates | undefined;

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

/** The registry of one operator: providers by the controller that owns them. */
export class PodShaping {
  private readonly providers = new Map<string, SchedulingGateProvider>();
  /** The providers sorted by owner: a pod's gates come in the same order whatever order they registered in. */
  private ordered: SchedulingGateProvider[] = [];

  addGateProvider(owner: string, provider: SchedulingGateProvider): void {
    if (this.providers.has(owner)) throw new Error(`${owner} registered a scheduling gate provider twice`);
    this.providers.set(owner, provider);
    this.ordered = [...this.providers].sort(([a], [b]) => a.localeCompare(b)).map(([, p]) => p);
  }

  /** The owners that registered a provider, sorted. */
  owners(): string[] {
    return [...this.providers.keys()].sort();
  }

  gatesFor(run: GatedRun): RunSchedulingGates {
    return gatesOf(this.ordered, run);
  }
}
