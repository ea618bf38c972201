/**
 * The two size notations a SparkApplication mixes: Spark's JVM memory strings (`512m`, `4g`, `2048`) for
 * memory/memoryOverhead, and Kubernetes quantities (`1200m`, `2Gi`, `0.5`) for coreLimit/memoryLimit/coreRequest.
 */

const MiB = 1024 * 1024;

const SPARK_UNIT_BYTES: Record<string, number> = {
  b: 1,
  k: 1024,
  kb: 1024,
  m: MiB,
  mb: MiB,
  g: 1024 * MiB,
  gb: 1024 * MiB,
  t: 1024 * 1024 * MiB,
  tb: 1024 * 1024 * MiB,
  p: 1024 * 1024 * 1024 * MiB,
  pb: 1024 * 1024 * 1024 * MiB,
};

export type SparkMemoryParse = { ok: true; mib: number; bytes: number } | { ok: false; reason: string };

/**
 * Parses a Spark memory string the way Spark does (trimmed, case-insensitive, whole numbers only). A bare
 * number is in MiB, as for spark.driver.memory / spark.executor.memory / *.memoryOverhead. `mib` is rounded
 * down, as Spark does.
 */
export function parseSparkMemory(value: string): SparkMemoryParse {
  const text = value.trim().toLowerCase();
  const whole = /^(\d+)([a-z]+)?$/.exec(text);
  if (whole) {
    const unit = whole[2] ?? "m";
    const unitBytes = SPARK_UNIT_BYTES[unit];
    if (unitBytes === undefined) return { ok: false, reason: unknownUnitReason(value, whole[1]!, unit) };
    const bytes = Number(whole[1]) * unitBytes;
    return { ok: true, bytes, mib: Math.floor(bytes / MiB) };
  }
  const fraction = /^(\d*\.\d+|\d+\.\d*)([a-z]+)?$/.exec(text);
  if (fraction) {
    const unit = fraction[2] ?? "m";
    const unitBytes = SPARK_UNIT_BYTES[unit];
    const hint =
      unitBytes !== undefined && unitBytes >= 1024
        ? `; write ${Math.round(Number(fraction[1]) * 1024)}${smallerUnit(unit)} instead`
        : "";
    return { ok: false, reason: `Spark does not accept fractional sizes like "${value}"${hint}` };
  }
  return {
    ok: false,
    reason: `"${value}" is not a Spark memory size: use a whole number with an optional unit b, k, m, g, t or p (e.g. 512m, 4g)`,
  };
}

function unknownUnitReason(value: string, amount: string, unit: string): string {
  const kubernetesUnit = /^([kmgtp])i$/.exec(unit);
  if (kubernetesUnit) {
    return `"${value}" is Kubernetes notation; Spark expects ${amount}${kubernetesUnit[1]} (units b, k, m, g, t, p)`;
  }
  return `"${value}" has an unknown unit "${unit}": Spark accepts b, k, m, g, t or p (optionally followed by b)`;
}

function smallerUnit(unit: string): string {
  const order = ["b", "k", "m", "g", "t", "p"];
  return order[order.indexOf(unit[0]!) - 1] ?? "b";
}

/** MiB of a Spark memory string, or undefined when Spark would reject it. */
export function sparkMemoryToMiB(value: string): number | undefined {
  const parsed = parseSparkMemory(value);
  return parsed.ok ? parsed.mib : undefined;
}

const KUBERNETES_QUANTITY =
  /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

const KUBERNETES_SUFFIX: Record<string, number> = {
  "": 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * The value of a Kubernetes quantity in base units (cores, bytes): "500m" -> 0.5, "2Gi" -> 2147483648.
 * Undefined when the API server would reject it.
 */
export function parseKubernetesQuantity(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  const match = KUBERNETES_QUANTITY.exec(value);
  if (!match) return undefined;
  const suffix = match[2] ?? "";
  const multiplier = KUBERNETES_SUFFIX[suffix] ?? 10 ** Number(suffix.slice(1));
  return Number(match[1]) * multiplier;
}

export function isKubernetesQuantity(value: string | number): boolean {
  return parseKubernetesQuantity(value) !== undefined;
}

/** Spark's floor for memory overhead (ResourceProfile.MEMORY_OVERHEAD_MIN_MIB). */
export const MIN_MEMORY_OVERHEAD_MIB = 384;

/** Spark's overhead when none is given: max(factor x memory, 384 MiB), truncated as Spark does. */
export function defaultMemoryOverheadMiB(memoryMiB: number, factor: number): number {
  return Math.max(Math.floor(factor * memoryMiB), MIN_MEMORY_OVERHEAD_MIB);
}

/** A MiB count as a Kubernetes quantity, e.g. 1408 -> "1408Mi". */
export function mibToKubernetesQuantity(mib: number): string {
  return `${mib}Mi`;
}
