/**
 * Spark's size and number parsing (JavaUtils.byteStringAs, SparkConf's typed getters) and the driver's memory
 * and CPU rules of BasicDriverFeatureStep: request = limit = memory + overhead, overhead =
 * spark.driver.memoryOverhead else max(factor x memory, 384 MiB), factor 0.1 (0.4 for Python and R).
 */
import { ConfKey, SparkMemory, SparkValue } from "../spark/constants.js";

export type ByteUnit = "b" | "k" | "m" | "g" | "t" | "p";

const UNIT_POWER: Record<ByteUnit, number> = { b: 0, k: 1, m: 2, g: 3, t: 4, p: 5 };
const SUFFIXES: Record<string, ByteUnit> = {
  b: "b",
  k: "k",
  kb: "k",
  m: "m",
  mb: "m",
  g: "g",
  gb: "g",
  t: "t",
  tb: "t",
  p: "p",
  pb: "p",
};

const SIZE_HELP =
  "Size must be specified as bytes (b), kibibytes (k), mebibytes (m), gibibytes (g), tebibytes (t), or " +
  "pebibytes(p). E.g. 50b, 100k, or 250m.";

/** Java's String#trim: drops leading and trailing characters <= U+0020. */
export function javaTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  return text.slice(start, end);
}

/**
 * A Spark size string in `unit`, as SparkConf's bytesConf reads it: whole numbers, optional suffix
 * (b, k[b], m[b], g[b], t[b], p[b]), no suffix meaning `unit`; converting down rounds towards zero.
 */
export function parseSparkSize(value: string, unit: ByteUnit): number {
  const negative = value.startsWith("-");
  const text = javaTrim((negative ? value.slice(1) : value).toLowerCase());
  const whole = /^([0-9]+)([a-z]+)?$/.exec(text);
  if (!whole) {
    const fraction = /^([0-9]+\.[0-9]+)([a-z]+)?$/.exec(text);
    const reason = fraction
      ? `Fractional values are not supported. Input was: ${fraction[1]}`
      : `Failed to parse byte string: ${value}`;
    throw new Error(`${SIZE_HELP}\n${reason}`);
  }
  const suffix = whole[2];
  const from = suffix === undefined ? unit : SUFFIXES[suffix];
  if (from === undefined) throw new Error(`${SIZE_HELP}\nInvalid suffix: "${suffix}"`);
  const amount = Number(whole[1]);
  const shift = UNIT_POWER[from] - UNIT_POWER[unit];
  const converted = shift >= 0 ? amount * 1024 ** shift : Math.floor(amount / 1024 ** -shift);
  return negative ? -converted : converted;
}

/** MiB of a Spark memory string such as spark.driver.memory ("1g" -> 1024, "512" -> 512). */
export function sparkSizeToMiB(value: string): number {
  return parseSparkSize(value, "m");
}

/** SparkConf's int getters (trimmed Integer.parseInt). */
export function parseJavaInt(value: string, key: string): number {
  const text = javaTrim(value);
  if (!/^[+-]?[0-9]+$/.test(text)) throw new Error(`${key} should be int, but was ${value}`);
  const parsed = Number(text);
  if (parsed > 2147483647 || parsed < -2147483648) throw new Error(`${key} should be int, but was ${value}`);
  return parsed;
}

/** SparkConf's boolean getters (trimmed, case-insensitive true/false). */
export function parseJavaBoolean(value: string, key: string): boolean {
  const text = javaTrim(value).toLowerCase();
  if (text === "true" || text === "false") return text === "true";
  throw new Error(`${key} should be boolean, but was ${value}`);
}

/** SparkConf's double getters (trimmed Double.parseDouble; the d/f suffixes Java allows are accepted). */
export function parseJavaDouble(value: string, key: string): number {
  const text = javaTrim(value).replace(/[dDfF]$/, "");
  if (/^[+-]?(NaN|Infinity)$/.test(text)) return Number(text);
  if (!/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(text)) {
    throw new Error(`${key} should be double, but was ${value}`);
  }
  return Number(text);
}

/** Double#toString: `0.1`, `1.0`, `1.0E-4`, `1.5E7`. */
export function javaDoubleToString(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const text = String(value);
    return text.includes(".") ? text : `${text}.0`;
  }
  const [mantissa, exponent] = value.toExponential().split("e") as [string, string];
  const digits = mantissa.includes(".") ? mantissa : `${mantissa}.0`;
  return `${digits}E${exponent.replace("+", "")}`;
}

export type ResourceType = "java" | "python" | "r";

export interface DriverMemory {
  memoryMiB: number;
  overheadMiB: number;
  /** Container memory request and limit. */
  totalMiB: number;
  /** The factor applied to the heap (whether or not an explicit overhead made it moot). */
  overheadFactor: number;
  /** What Spark writes back as spark.kubernetes.memoryOverheadFactor (executors inherit it). */
  defaultOverheadFactor: number;
}

type Conf = ReadonlyMap<string, string>;

/** The driver memory BasicDriverFeatureStep derives from the final SparkConf. */
export function driverMemory(conf: Conf, resourceType: ResourceType, sparkMajorVersion = 3): DriverMemory {
  const memoryMiB = sparkSizeToMiB(conf.get(ConfKey.DriverMemory) ?? SparkMemory.DefaultMemory);
  const configuredFactor = conf.get(ConfKey.MemoryOverheadFactor);
  const kubernetesFactor =
    configuredFactor === undefined
      ? undefined
      : checkedFactor(configuredFactor, ConfKey.MemoryOverheadFactor, (factor) => factor >= 0);
  const defaultOverheadFactor =
    kubernetesFactor ??
    (resourceType === SparkValue.ResourceTypeJava
      ? SparkMemory.JvmOverheadFactor
      : SparkMemory.NonJvmOverheadFactor);
  const driverFactor = conf.get(ConfKey.DriverMemoryOverheadFactor);
  const overheadFactor =
    driverFactor === undefined
      ? defaultOverheadFactor
      : checkedFactor(driverFactor, ConfKey.DriverMemoryOverheadFactor, (factor) => factor > 0);
  const explicitOverhead = conf.get(ConfKey.DriverMemoryOverhead);
  const minimumOverhead = minOverheadMiB(conf, sparkMajorVersion);
  const overheadMiB =
    explicitOverhead === undefined
      ? Math.max(Math.trunc(overheadFactor * memoryMiB), minimumOverhead)
      : sparkSizeToMiB(explicitOverhead);
  return { memoryMiB, overheadMiB, totalMiB: memoryMiB + overheadMiB, overheadFactor, defaultOverheadFactor };
}

function checkedFactor(value: string, key: string, valid: (factor: number) => boolean): number {
  const factor = parseJavaDouble(value, key);
  if (!valid(factor)) throw new Error(`${key}: ${value} is not a valid memory overhead factor`);
  return factor;
}

/** spark.driver.minMemoryOverhead exists from Spark 4.0; 3.x always uses 384 MiB. */
function minOverheadMiB(conf: Conf, sparkMajorVersion: number): number {
  const configured = conf.get(ConfKey.DriverMinMemoryOverhead);
  if (sparkMajorVersion < 4 || configured === undefined) return SparkMemory.MinOverheadMiB;
  return sparkSizeToMiB(configured);
}

/** The driver's CPU request and optional limit (Kubernetes quantities, passed through as Spark does). */
export function driverCpu(conf: Conf): { request: string; limit?: string } {
  const request = conf.get(ConfKey.DriverRequestCores);
  const cores = parseJavaInt(
    conf.get(ConfKey.DriverCores) ?? String(SparkMemory.DefaultCores),
    ConfKey.DriverCores,
  );
  const limit = conf.get(ConfKey.DriverLimitCores);
  return limit === undefined
    ? { request: request ?? String(cores) }
    : { request: request ?? String(cores), limit };
}

/** Major version of a version string like "3.5.1" (3 when it cannot be read). */
export function sparkMajorVersion(version: string | undefined): number {
  const major = Number.parseInt(version ?? "", 10);
  return Number.isFinite(major) ? major : 3;
}

/**
 * A memory string as Kubernetes understands it, the way the kubeflow webhook converts memoryLimit: Spark/JVM
 * suffixes become binary ones ("4g" -> "4Gi", "512m" -> "512Mi"); anything else is passed through.
 */
export function javaMemoryToKubernetesQuantity(memory: string): string {
  const match = /^([0-9]+(?:\.[0-9]+)?)(k|kb|m|mb|g|gb|t|tb|p|pb)$/i.exec(memory);
  if (!match) return memory;
  return `${match[1]}${match[2]!.charAt(0).toUpperCase()}i`;
}
