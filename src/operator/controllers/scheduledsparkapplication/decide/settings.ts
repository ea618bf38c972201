/** The fields of a ScheduledSparkApplication spec besides the schedule, defaulted and checked. */
import { ConcurrencyPolicy } from "../../../../api/v1beta2/constants.js";
import type { ScheduledSparkApplicationSpec } from "../../../../api/v1beta2/scheduledsparkapplication.js";
import type { ValidationError } from "../../../../api/v1beta2/validate.js";
import type { HistoryLimits } from "./history.js";

/** kubeflow's default for both history limits. */
export const DEFAULT_RUN_HISTORY_LIMIT = 1;

export interface ScheduledSettings {
  /** Allow when unset or empty, as kubeflow treats an unset policy. */
  concurrencyPolicy: ConcurrencyPolicy;
  historyLimits: HistoryLimits;
  /** Undefined: a late run always starts (once), however late. */
  startingDeadlineSeconds: number | undefined;
  suspend: boolean;
}

export type SettingsRead =
  | { ok: true; settings: ScheduledSettings }
  | { ok: false; errors: ValidationError[] };

const POLICIES: readonly string[] = Object.values(ConcurrencyPolicy);

export function readSettings(spec: ScheduledSparkApplicationSpec): SettingsRead {
  const errors: ValidationError[] = [];
  const policy = spec.concurrencyPolicy || ConcurrencyPolicy.Allow;
  if (!POLICIES.includes(policy)) {
    errors.push({
      field: "spec.concurrencyPolicy",
      message: `"${policy}" is not a concurrency policy; use ${POLICIES.join(", ")} (default Allow)`,
    });
  }
  const count = (field: string, value: number | undefined, fallback: number | undefined) => {
    if (value === undefined || value === null) return fallback;
    if (Number.isInteger(value) && value >= 0) return value;
    errors.push({ field, message: `must be a whole number >= 0, not ${value}` });
    return fallback;
  };
  const successful = count(
    "spec.successfulRunHistoryLimit",
    spec.successfulRunHistoryLimit,
    DEFAULT_RUN_HISTORY_LIMIT,
  );
  const failed = count("spec.failedRunHistoryLimit", spec.failedRunHistoryLimit, DEFAULT_RUN_HISTORY_LIMIT);
  const deadline = count("spec.startingDeadlineSeconds", spec.startingDeadlineSeconds, undefined);
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    settings: {
      concurrencyPolicy: policy as ConcurrencyPolicy,
      historyLimits: { successful: successful!, failed: failed! },
      startingDeadlineSeconds: deadline,
      suspend: spec.suspend === true,
    },
  };
}
