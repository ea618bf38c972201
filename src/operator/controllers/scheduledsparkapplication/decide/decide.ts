/**
 * The pure decision of the ScheduledSparkApplication controller: from the app, its runs and the clock, the
 * status to have, the runs to create and delete, and the events to record.
 *
 * `status.nextRun` is the earliest scheduled time not yet handled (run or skipped). When it is due, the
 * most recent scheduled time in [nextRun, now] is handled, once: runs missed while the operator was down
 * (or suspended with the operator down) never start in a burst, only the latest of them, and only if it
 * is at most `startingDeadlineSeconds` late; without a deadline it starts however late, as kubeflow
 * starts its one overdue run. Then `nextRun` becomes the first scheduled time after now, recomputed from
 * the spec each time, so edits of the schedule or time zone take effect at once (without running a time
 * that passed before the edit) and edits of the template apply to the next run.
 *
 * `status.lastRun` is the SCHEDULED time of the last run started (its name encodes the same time); the
 * moment it was created is its creationTimestamp. A suspended app starts nothing, keeps `nextRun` current
 * (scheduled times passing while suspended are consumed, not run on resume) and still prunes its history.
 * A new app counts its scheduled times from its creation. The `Validating` state is never used: validation
 * is synchronous.
 */
import {
  API_VERSION,
  AppState,
  ConcurrencyPolicy,
  OperatorLabel,
  ScheduledSparkApplicationNames,
  ScheduleState,
} from "../../../../api/v1beta2/constants.js";
import type {
  ScheduledSparkApplication,
  ScheduledSparkApplicationStatus,
} from "../../../../api/v1beta2/scheduledsparkapplication.js";
import type {
  CreateRunAction,
  ScheduledAction,
  ScheduledDecideInput,
  ScheduledDecision,
  ScheduledEvent,
  ValidationError,
} from "./decision.js";
import { scheduledEvents } from "./events.js";
import { bookkeepRuns, type RunHistory, stateOf } from "./history.js";
import { runNameFor } from "./names.js";
import { parseSchedule, type Schedule } from "./schedule.js";
import { readSettings, type ScheduledSettings } from "./settings.js";
import { rfc3339 } from "./time-zone.js";

/** The longest wait between two decisions, well below what a Node.js timer can wait (24.8 days). */
export const MAX_REQUEUE_MS = 24 * 3600 * 1000;

/** The zone when neither spec.timeZone nor `defaultTimeZone` says one: what a pod without TZ has. */
const FALLBACK_TIME_ZONE = "UTC";

const FIELDS_CHECKED_HERE = new Set(["spec.schedule", "spec.timeZone"]);

export function decideScheduled(input: ScheduledDecideInput): ScheduledDecision {
  const { app } = input;
  const createdAt = parseTime(app.metadata.creationTimestamp);
  const parsed = parseSchedule(app.spec, {
    defaultTimeZone: input.defaultTimeZone ?? FALLBACK_TIME_ZONE,
    everyOrigin: createdAt === undefined ? undefined : new Date(createdAt),
  });
  const read = readSettings(app.spec);
  const errors = [
    ...(parsed.ok ? [] : parsed.errors),
    ...(read.ok ? [] : read.errors),
    ...(input.validationErrors ?? []).filter((error) => !FIELDS_CHECKED_HERE.has(error.field)),
  ];
  if (!parsed.ok || !read.ok || errors.length > 0) return failedValidation(app.status ?? {}, errors);
  return new ScheduledDecider(input, parsed.schedule, read.settings, createdAt).decide();
}

function failedValidation(previous: ScheduledSparkApplicationStatus, errors: ValidationError[]) {
  const reason = errors.map((error) => `${error.field}: ${error.message}`).join("; ");
  const unchanged = previous.scheduleState === ScheduleState.FailedValidation && previous.reason === reason;
  const { nextRun: _noNextRun, ...kept } = previous;
  return {
    status: compact({ ...kept, scheduleState: ScheduleState.FailedValidation, reason }),
    actions: [],
    events: unchanged ? [] : [scheduledEvents.failedValidation(reason)],
  } satisfies ScheduledDecision;
}

class ScheduledDecider {
  private readonly app: ScheduledSparkApplication;
  private readonly name: string;
  private readonly now: number;
  private readonly previous: ScheduledSparkApplicationStatus;
  private readonly history: RunHistory;
  private readonly actions: ScheduledAction[] = [];
  private readonly events: ScheduledEvent[] = [];
  private lastRun: number | undefined;
  private lastRunName: string | undefined;

  constructor(
    private readonly input: ScheduledDecideInput,
    private readonly schedule: Schedule,
    private readonly settings: ScheduledSettings,
    private readonly createdAt: number | undefined,
  ) {
    this.app = input.app;
    this.name = input.app.metadata.name ?? "";
    this.now = input.now;
    this.previous = input.app.status ?? {};
    this.history = bookkeepRuns(input.runs, settings.historyLimits);
    this.lastRun = parseTime(this.previous.lastRun);
    this.lastRunName = this.previous.lastRunName;
  }

  decide(): ScheduledDecision {
    if (!this.settings.suspend) {
      const due = this.schedule.mostRecentDue(new Date(this.unhandledSince()), new Date(this.now));
      if (due !== undefined) this.handleDue(due);
    }
    this.pruneHistory();
    const nextRun = this.schedule.next(new Date(this.now));
    if (this.previous.scheduleState !== ScheduleState.Scheduled) {
      this.events.unshift(scheduledEvents.scheduled(this.schedule, nextRun));
    }
    const status = compact({
      lastRun: this.lastRun === undefined ? undefined : rfc3339(this.lastRun),
      nextRun: rfc3339(nextRun),
      lastRunName: this.lastRunName,
      pastSuccessfulRunNames: this.history.pastSuccessfulRunNames,
      pastFailedRunNames: this.history.pastFailedRunNames,
      scheduleState: ScheduleState.Scheduled,
    });
    return {
      status,
      actions: this.actions,
      events: this.events,
      requeueAfterMs: Math.min(nextRun.getTime() - this.now, MAX_REQUEUE_MS),
    };
  }

  /**
   * The earliest scheduled time not handled yet: see the module comment. A new app's first time is after
   * its creation second (creationTimestamp drops the fraction, so a time in that second may precede it).
   */
  private unhandledSince(): number {
    const isNew = (this.previous.scheduleState ?? ScheduleState.New) === ScheduleState.New;
    const firstOfNew = this.createdAt === undefined ? this.now : this.createdAt + 1000;
    let since = parseTime(this.previous.nextRun) ?? (isNew ? firstOfNew : this.now);
    if (this.lastRun !== undefined) since = Math.max(since, this.lastRun + 1);
    return since;
  }

  private handleDue(scheduledTime: Date) {
    const runName = runNameFor(this.name, scheduledTime);
    if (this.input.runs.some((run) => run.metadata.name === runName)) {
      // Created by an earlier decision whose status update was lost.
      this.recordRun(scheduledTime, runName);
      return;
    }
    const lateMs = this.now - scheduledTime.getTime();
    const startedAt = this.input.operatorStartedAt;
    const lateness = {
      lateMs,
      whileOperatorDown: startedAt !== undefined && scheduledTime.getTime() < startedAt,
    };
    const deadline = this.settings.startingDeadlineSeconds;
    if (deadline !== undefined && lateMs > deadline * 1000) {
      this.events.push(scheduledEvents.skippedPastDeadline(scheduledTime, this.schedule, lateness, deadline));
      return;
    }
    const active = this.history.active;
    if (active.length > 0 && this.settings.concurrencyPolicy === ConcurrencyPolicy.Forbid) {
      const names = active.map((run) => run.metadata.name ?? "");
      this.events.push(scheduledEvents.skippedWhileActive(scheduledTime, this.schedule, names));
      return;
    }
    if (this.settings.concurrencyPolicy === ConcurrencyPolicy.Replace) {
      for (const run of [...active].reverse()) {
        const oldRun = run.metadata.name ?? "";
        this.actions.push({ kind: "deleteRun", name: oldRun, why: `replaced by ${runName}` });
        this.events.push(scheduledEvents.replaced(oldRun, stateOf(run), runName));
      }
    }
    this.actions.push(this.createRun(runName, scheduledTime));
    this.events.push(scheduledEvents.runStarted(runName, scheduledTime, this.schedule, lateness));
    this.recordRun(scheduledTime, runName);
  }

  private recordRun(scheduledTime: Date, runName: string) {
    this.lastRun = scheduledTime.getTime();
    this.lastRunName = runName;
  }

  private createRun(name: string, scheduledTime: Date): CreateRunAction {
    return {
      kind: "createRun",
      name,
      scheduledTime: rfc3339(scheduledTime),
      spec: structuredClone(this.app.spec.template),
      labels: { ...this.app.metadata.labels, [OperatorLabel.ScheduledAppName]: this.name },
      ownerReference: {
        apiVersion: API_VERSION,
        kind: ScheduledSparkApplicationNames.kind,
        name: this.name,
        uid: this.app.metadata.uid ?? "",
        controller: true,
        blockOwnerDeletion: true,
      },
    };
  }

  private pruneHistory() {
    const { successful, failed } = this.settings.historyLimits;
    for (const run of this.history.toPrune) {
      const [field, limit] =
        run.state === AppState.Completed
          ? ["successfulRunHistoryLimit", successful]
          : ["failedRunHistoryLimit", failed];
      const why = `${run.state} and beyond ${field} ${limit}`;
      this.actions.push({ kind: "deleteRun", name: run.name, why });
      this.events.push(scheduledEvents.pruned(run.name, why));
    }
  }
}

function parseTime(text: string | undefined): number | undefined {
  if (text === undefined || text === "") return undefined;
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** Without undefined members: the status is compared and written whole. */
function compact(status: ScheduledSparkApplicationStatus): ScheduledSparkApplicationStatus {
  return Object.fromEntries(
    Object.entries(status).filter(([, value]) => value !== undefined),
  ) as ScheduledSparkApplicationStatus;
}
