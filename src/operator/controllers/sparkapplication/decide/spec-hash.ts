/**
 * Spec-change detection. The hash of the spec that was last submitted lives in the SparkApplication's own
 * annotation `SPEC_HASH_ANNOTATION`: the status subresource has no field for it, and an annotation survives
 * operator restarts (kubeflow compares old and new objects in an update event, which a restart loses).
 *
 * The hash covers the spec as stored, except `suspend` and `timeToLiveSeconds` (changing those never restarts
 * a run). Keys are sorted, and null, empty objects and empty lists count as absent, so formatting-only edits
 * (`arguments: []` vs no arguments) are no change. The value is versioned (`v1:`): a value written by another
 * version of this algorithm is treated as absent (re-recorded, no restart), never as a change.
 */
import { createHash } from "node:crypto";
import { GROUP } from "../../../../api/v1beta2/constants.js";
import type { SparkApplicationSpec } from "../../../../api/v1beta2/sparkapplication.js";

export const SPEC_HASH_ANNOTATION = `${GROUP}/submitted-spec-hash`;

const HASH_VERSION = "v1";
const FIELDS_THAT_NEVER_RESTART = new Set(["suspend", "timeToLiveSeconds"]);

export function specHash(spec: SparkApplicationSpec): string {
  const relevant = Object.fromEntries(
    Object.entries(spec).filter(([key]) => !FIELDS_THAT_NEVER_RESTART.has(key)),
  );
  const digest = createHash("sha256").update(stableJson(relevant)).digest("hex");
  return `${HASH_VERSION}:${digest.slice(0, 32)}`;
}

/** The recorded hash, or undefined when absent or written by another hash version. */
export function recordedSpecHash(annotations: Record<string, string> | undefined): string | undefined {
  const value = annotations?.[SPEC_HASH_ANNOTATION];
  return value?.startsWith(`${HASH_VERSION}:`) ? value : undefined;
}

/** JSON with sorted keys and absent-equivalent values dropped; deterministic for equal content. */
export function stableJson(value: unknown): string {
  return JSON.stringify(normalise(value)) ?? "null";
}

function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => normalise(item) ?? null);
  if (value === null || typeof value !== "object") return value;
  const entries: [string, unknown][] = [];
  for (const key of Object.keys(value).sort()) {
    const child = normalise((value as Record<string, unknown>)[key]);
    if (!isAbsent(child)) entries.push([key, child]);
  }
  return Object.fromEntries(entries);
}

function isAbsent(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === "object" && Object.keys(value).length === 0;
}
