import { NAMESPACE_LABEL, UNKNOWN_LABEL_VALUE } from "./names.js";

/** kubeflow's CreateValidMetricNameLabel: prefix + name, with "-" (not allowed in names) turned into "_". */
export function validMetricName(prefix: string, name: string): string {
  return `${prefix}${name}`.replaceAll("-", "_");
}

/** Without ":", which Prometheus reserves for recording rules (promtool refuses it). */
const METRIC_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** `--metrics-prefix`: empty, or what can start a metric name ("-" becomes "_"); throws naming the flag. */
export function parseMetricPrefix(value: string): string {
  const prefix = validMetricName("", value.trim());
  if (prefix !== "" && !METRIC_NAME.test(prefix)) {
    throw new Error(
      `--metrics-prefix: "${value}" cannot start a Prometheus metric name (letters, digits and "_", not ` +
        "starting with a digit); use e.g. --metrics-prefix=team_a_",
    );
  }
  return prefix;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const RESERVED = /^__/;

/**
 * The label names of `--metrics-labels` ("app_type,team" or repeated flags), made valid as kubeflow does
 * ("-" -> "_"), de-duplicated; throws naming the flag for a name Prometheus would refuse.
 */
export function parseMetricLabels(values: readonly string[]): string[] {
  const names = values
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "")
    .map((v) => validMetricName("", v));
  for (const n of names) {
    if (!LABEL_NAME.test(n) || RESERVED.test(n)) {
      throw new Error(
        `--metrics-labels: "${n}" is not a valid Prometheus label name (letters, digits and "_", not starting ` +
          'with a digit or "__"); use e.g. --metrics-labels=app_type,namespace',
      );
    }
  }
  return [...new Set(names)];
}

/** A bucket list flag ("0.5,1,2"): positive, strictly increasing numbers; throws naming the flag. */
export function parseBuckets(flag: string, value: string): number[] {
  const parts = value.split(",").map((v) => v.trim());
  const buckets = parts.map(Number);
  const bad = parts.find((p, i) => p === "" || !Number.isFinite(buckets[i]) || buckets[i]! <= 0);
  if (bad !== undefined)
    throw new Error(`${flag}: "${bad}" is not a positive number (e.g. ${flag}=0.5,1,2,4)`);
  for (let i = 1; i < buckets.length; i++) {
    if (buckets[i]! <= buckets[i - 1]!) {
      throw new Error(`${flag}: buckets must increase, got ${buckets[i - 1]} before ${buckets[i]}`);
    }
  }
  return buckets;
}

/**
 * kubeflow's getMetricLabels: each configured label takes the value of the object's label of that name
 * (object label keys with "-" read as "_"), `namespace` falls back to the object's namespace, anything
 * else to "Unknown".
 */
export function metricLabelValues(
  labelNames: readonly string[],
  object: { namespace?: string; labels?: Record<string, string> },
): Record<string, string> {
  const valid: Record<string, string> = {};
  for (const [k, v] of Object.entries(object.labels ?? {})) valid[validMetricName("", k)] = v;
  const out: Record<string, string> = {};
  for (const name of labelNames) {
    const fromLabels = valid[name];
    if (fromLabels !== undefined) out[name] = fromLabels;
    else if (name === NAMESPACE_LABEL) out[name] = object.namespace ?? "";
    else out[name] = UNKNOWN_LABEL_VALUE;
  }
  return out;
}
