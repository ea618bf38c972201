/**
 * Names of runs. kubeflow names a run `<name>-<unix nanoseconds of the moment it was created>`; sparkplane
 * uses the SCHEDULED time in unix seconds instead, so a run's name follows from its schedule alone and an
 * operator that restarts (or retries) between creating a run and recording it finds the run instead of
 * creating a second one.
 */
import { createHash } from "node:crypto";
import { MAX_LABEL_LENGTH } from "../../../../api/k8s-names.js";

/** Unix seconds, zero-padded to a fixed width so that names sort as their times do (until year 2286). */
const TIMESTAMP_DIGITS = 10;

/** What a run's name adds to a short scheduled application name: `-` and the timestamp. */
export const RUN_NAME_SUFFIX_LENGTH = 1 + TIMESTAMP_DIGITS;

const HASH_LENGTH = 8;

/**
 * `<name>-<unix seconds>`, at most 63 characters so that it also fits a label value
 * (`sparkoperator.k8s.io/app-name`). A longer scheduled name is cut and made unique again with a hash of it:
 * `<first 43 characters>-<8 hex>-<unix seconds>`.
 */
export function runNameFor(scheduledAppName: string, scheduledTime: Date): string {
  const seconds = Math.floor(scheduledTime.getTime() / 1000);
  const timestamp = String(seconds).padStart(TIMESTAMP_DIGITS, "0");
  return `${runNamePrefix(scheduledAppName)}-${timestamp}`;
}

/** The scheduled time a run's name encodes, if `runName` is a run of `scheduledAppName`. */
export function scheduledTimeOfRun(scheduledAppName: string, runName: string): Date | undefined {
  const prefix = `${runNamePrefix(scheduledAppName)}-`;
  if (!runName.startsWith(prefix)) return undefined;
  const digits = runName.slice(prefix.length);
  return /^\d+$/.test(digits) ? new Date(Number(digits) * 1000) : undefined;
}

function runNamePrefix(scheduledAppName: string): string {
  const room = MAX_LABEL_LENGTH - RUN_NAME_SUFFIX_LENGTH;
  if (scheduledAppName.length <= room) return scheduledAppName;
  const hash = createHash("sha256").update(scheduledAppName).digest("hex").slice(0, HASH_LENGTH);
  const kept = scheduledAppName.slice(0, room - HASH_LENGTH - 1).replace(/[-.]+$/, "");
  return `${kept}-${hash}`;
}
