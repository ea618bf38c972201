/** The Kubernetes Events of a ScheduledSparkApplication, one per run started, skipped, replaced or pruned. */
import { EventType } from "../../../../api/v1beta2/constants.js";
import { formatGoDuration } from "../../../../util/go-duration.js";
import type { ScheduledEvent } from "./decision.js";
import { ScheduledEventReason } from "./reasons.js";
import type { Schedule } from "./schedule.js";
import { describeInstant } from "./time-zone.js";

const normal = (reason: ScheduledEventReason, message: string): ScheduledEvent => ({
  type: EventType.Normal,
  reason,
  message,
});
const warning = (reason: ScheduledEventReason, message: string): ScheduledEvent => ({
  type: EventType.Warning,
  reason,
  message,
});

/** Lateness below this is the normal delay of a reconcile and goes unmentioned. */
const NOTEWORTHY_LATENESS_MS = 60_000;

export interface Lateness {
  lateMs: number;
  /** The scheduled time passed before this operator process started. */
  whileOperatorDown: boolean;
}

function describeLateness({ lateMs, whileOperatorDown }: Lateness): string {
  const down = whileOperatorDown ? "; missed while the operator was down" : "";
  return lateMs >= NOTEWORTHY_LATENESS_MS || whileOperatorDown
    ? ` (${formatGoDuration(lateMs)} late${down})`
    : "";
}

export const scheduledEvents = {
  scheduled: (schedule: Schedule, nextRun: Date) =>
    normal(
      ScheduledEventReason.Scheduled,
      `Scheduled ${schedule.summary}; next run at ${describeInstant(nextRun, schedule.timeZone)}`,
    ),
  failedValidation: (reason: string) =>
    warning(ScheduledEventReason.FailedValidation, `Schedule not accepted, no runs will start: ${reason}`),
  runStarted: (run: string, scheduledTime: Date, schedule: Schedule, lateness: Lateness) =>
    normal(
      ScheduledEventReason.RunStarted,
      `Started run ${run} for ${describeInstant(scheduledTime, schedule.timeZone)}${describeLateness(lateness)}`,
    ),
  skippedWhileActive: (scheduledTime: Date, schedule: Schedule, active: readonly string[]) =>
    normal(
      ScheduledEventReason.RunSkipped,
      `Skipped the run for ${describeInstant(scheduledTime, schedule.timeZone)}: concurrencyPolicy is Forbid ` +
        `and ${active.join(", ")} ${active.length === 1 ? "is" : "are"} still running`,
    ),
  skippedPastDeadline: (
    scheduledTime: Date,
    schedule: Schedule,
    lateness: Lateness,
    deadlineSeconds: number,
  ) =>
    warning(
      ScheduledEventReason.RunSkipped,
      `Skipped the run for ${describeInstant(scheduledTime, schedule.timeZone)}: it is ` +
        `${formatGoDuration(lateness.lateMs)} late${lateness.whileOperatorDown ? " (missed while the operator was down)" : ""}, ` +
        `beyond startingDeadlineSeconds ${deadlineSeconds}`,
    ),
  replaced: (oldRun: string, state: string, newRun: string) =>
    normal(
      ScheduledEventReason.RunReplaced,
      `Deleting run ${oldRun} (${state || "new"}) to replace it with ${newRun}: concurrencyPolicy is Replace`,
    ),
  pruned: (run: string, why: string) => normal(ScheduledEventReason.RunPruned, `Deleting run ${run}: ${why}`),
};
