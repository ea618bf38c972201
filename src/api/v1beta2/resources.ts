/**
 * The memory and CPU Spark asks Kubernetes for, derived from a spec as Spark derives them (the spec's own
 * fields win over sparkConf, as they are passed to Spark after it).
 */
import { defaultMemoryOverheadMiB, parseKubernetesQuantity, sparkMemoryToMiB } from "../quantity.js";
import { SparkApplicationType } from "./constants.js";
import type { SparkApplicationSpec } from "./sparkapplication.js";

export type SparkRole = "driver" | "executor";

export const DEFAULT_MEMORY = "1g";
export const DEFAULT_CORES = 1;
export const DEFAULT_MEMORY_OVERHEAD_FACTOR = 0.1;
export const NON_JVM_MEMORY_OVERHEAD_FACTOR = 0.4;

export interface PodMemory {
  /** JVM heap (spark.<role>.memory). */
  heapMiB: number;
  overheadMiB: number;
  /** Container request and limit. */
  totalMiB: number;
}

/** The pod memory Spark requests for `role`, or undefined when a memory string is not valid Spark notation. */
export function podMemory(spec: SparkApplicationSpec, role: SparkRole): PodMemory | undefined {
  const conf = spec.sparkConf ?? {};
  const pod = spec[role];
  const heapMiB = sparkMemoryToMiB(pod.memory ?? conf[`spark.${role}.memory`] ?? DEFAULT_MEMORY);
  if (heapMiB === undefined) return undefined;
  const overhead = pod.memoryOverhead ?? conf[`spark.${role}.memoryOverhead`];
  const overheadMiB =
    overhead === undefined
      ? defaultMemoryOverheadMiB(heapMiB, memoryOverheadFactor(spec, role))
      : sparkMemoryToMiB(overhead);
  if (overheadMiB === undefined) return undefined;
  return { heapMiB, overheadMiB, totalMiB: heapMiB + overheadMiB };
}

/** The factor Spark multiplies the heap by when no explicit overhead is set (0.4 for Python and R apps). */
export function memoryOverheadFactor(spec: SparkApplicationSpec, role: SparkRole): number {
  const conf = spec.sparkConf ?? {};
  const explicit =
    conf[`spark.${role}.memoryOverheadFactor`] ??
    spec.memoryOverheadFactor ??
    conf["spark.kubernetes.memoryOverheadFactor"];
  const parsed = explicit === undefined ? Number.NaN : Number(explicit);
  if (Number.isFinite(parsed) && parsed > 0) return parsed;
  return isJvmApp(spec) ? DEFAULT_MEMORY_OVERHEAD_FACTOR : NON_JVM_MEMORY_OVERHEAD_FACTOR;
}

export function isJvmApp(spec: Pick<SparkApplicationSpec, "type">): boolean {
  return spec.type === SparkApplicationType.Java || spec.type === SparkApplicationType.Scala;
}

/** The CPU request in cores: coreRequest, else spark.kubernetes.<role>.request.cores, else cores (1). */
export function podCpuRequest(spec: SparkApplicationSpec, role: SparkRole): number | undefined {
  const conf = spec.sparkConf ?? {};
  const pod = spec[role];
  const request = pod.coreRequest ?? conf[`spark.kubernetes.${role}.request.cores`];
  if (request !== undefined) return parseKubernetesQuantity(request);
  const cores = pod.cores ?? conf[`spark.${role}.cores`] ?? DEFAULT_CORES;
  return parseKubernetesQuantity(cores);
}
