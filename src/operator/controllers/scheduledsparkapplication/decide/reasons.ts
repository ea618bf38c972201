/**
 * Kubernetes Event reasons of ScheduledSparkApplications (kubeflow emits none). Candidates for
 * `src/api/v1beta2/constants.ts` next to `EventReason`.
 */
export const ScheduledEventReason = {
  /** The schedule was accepted; the message names the time zone and the next run. */
  Scheduled: "ScheduledSparkApplicationScheduled",
  FailedValidation: "ScheduledSparkApplicationFailedValidation",
  RunStarted: "ScheduledSparkApplicationRunStarted",
  /** A due run was not started; the message says why (concurrencyPolicy Forbid, starting deadline passed). */
  RunSkipped: "ScheduledSparkApplicationRunSkipped",
  /** An active run was deleted to make room for a new one (concurrencyPolicy Replace). */
  RunReplaced: "ScheduledSparkApplicationRunReplaced",
  /** A finished run was deleted beyond successfulRunHistoryLimit / failedRunHistoryLimit. */
  RunPruned: "ScheduledSparkApplicationRunPruned",
} as const;
export type ScheduledEventReason = (typeof ScheduledEventReason)[keyof typeof ScheduledEventReason];
