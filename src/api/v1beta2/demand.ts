/**
 * What a whole SparkApplication asks of a cluster at once: its driver plus the executors it starts with, as
 * Spark requests them. A queue admits an app only when all of it fits (gang admission).
 */
import { parseKubernetesQuantity } from "../quantity.js";
import { isDynamicAllocationEnabled, withDefaults } from "./defaults.js";
import { podCpuRequest, podMemory } from "./resources.js";
import type { SparkApplicationSpec } from "./sparkapplication.js";

export interface AppDemand {
  /** Cores. */
  cpu: number;
  memoryMiB: number;
  /** Executors counted (instances, or dynamic allocation's starting number). */
  executors: number;
  /** Where the figures come from, for messages: batchSchedulerOptions.resources wins when it is set. */
  from: "spec.batchSchedulerOptions.resources" | "spec.driver and spec.executor";
}

export type DemandResult = { ok: true; demand: AppDemand } | { ok: false; error: string };

const MIB = 1024 * 1024;

/** The executors an app starts with: instances; under dynamic allocation, the larger of min and initial. */
export function startingExecutors(spec: SparkApplicationSpec): number {
  const instances = spec.executor.instances ?? Number(spec.sparkConf?.["spark.executor.instances"]);
  if (!isDynamicAllocationEnabled(spec)) return Number.isFinite(instances) ? instances : 1;
  const da = spec.dynamicAllocation ?? {};
  const conf = spec.sparkConf ?? {};
  const min = da.minExecutors ?? Number(conf["spark.dynamicAllocation.minExecutors"] ?? 0);
  const initial = da.initialExecutors ?? Number(conf["spark.dynamicAllocation.initialExecutors"] ?? min);
  const counts = [min, initial, Number.isFinite(instances) ? instances : 0].filter(Number.isFinite);
  return Math.max(0, ...counts);
}

export function appDemand(rawSpec: SparkApplicationSpec): DemandResult {
  const spec = withDefaults(rawSpec);
  const executors = startingExecutors(spec);
  const declared = spec.batchSchedulerOptions?.resources;
  if (declared && (declared.cpu !== undefined || declared.memory !== undefined)) {
    const cpu = declared.cpu === undefined ? 0 : parseKubernetesQuantity(declared.cpu);
    const bytes = declared.memory === undefined ? 0 : parseKubernetesQuantity(declared.memory);
    if (cpu === undefined)
      return {
        ok: false,
        error: `spec.batchSchedulerOptions.resources.cpu: "${declared.cpu}" is not a quantity`,
      };
    if (bytes === undefined)
      return {
        ok: false,
        error: `spec.batchSchedulerOptions.resources.memory: "${declared.memory}" is not a quantity`,
      };
    return {
      ok: true,
      demand: {
        cpu,
        memoryMiB: Math.ceil(bytes / MIB),
        executors,
        from: "spec.batchSchedulerOptions.resources",
      },
    };
  }
  const driverCpu = podCpuRequest(spec, "driver");
  const executorCpu = podCpuRequest(spec, "executor");
  const driverMemory = podMemory(spec, "driver");
  const executorMemory = podMemory(spec, "executor");
  if (driverCpu === undefined) return { ok: false, error: "spec.driver.cores: not a CPU quantity" };
  if (executorCpu === undefined) return { ok: false, error: "spec.executor.cores: not a CPU quantity" };
  if (!driverMemory)
    return { ok: false, error: "spec.driver.memory: not a Spark memory size (e.g. 512m, 2g)" };
  if (!executorMemory)
    return { ok: false, error: "spec.executor.memory: not a Spark memory size (e.g. 512m, 2g)" };
  return {
    ok: true,
    demand: {
      cpu: driverCpu + executors * executorCpu,
      memoryMiB: driverMemory.totalMiB + executors * executorMemory.totalMiB,
      executors,
      from: "spec.driver and spec.executor",
    },
  };
}
