/** The ScheduledSparkApplication controller's pure half: schedules, run names, history and the decision. */
export { decideScheduled, MAX_REQUEUE_MS } from "./decide.js";
export type {
  CreateRunAction,
  DeleteRunAction,
  OwnerReference,
  ScheduledAction,
  ScheduledDecideInput,
  ScheduledDecision,
  ScheduledEvent,
  ScheduledRun,
} from "./decision.js";
export { bookkeepRuns, isFinished, stateOf } from "./history.js";
export { RUN_NAME_SUFFIX_LENGTH, runNameFor, scheduledTimeOfRun } from "./names.js";
export { ScheduledEventReason } from "./reasons.js";
export { parseSchedule, type Schedule, type ScheduleOptions } from "./schedule.js";
export { DEFAULT_RUN_HISTORY_LIMIT, readSettings } from "./settings.js";
export { LOCAL_TIME_ZONE, operatorTimeZone } from "./time-zone.js";
