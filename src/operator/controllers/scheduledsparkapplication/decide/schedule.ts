/**
 * `spec.schedule` + `spec.timeZone` -> the instants a ScheduledSparkApplication runs at.
 *
 * Accepted, as kubeflow accepts them (robfig/cron `ParseStandard`):
 * - a 5-field cron expression `minute hour day-of-month month day-of-week`, read in the time zone, with
 *   names (JAN, MON), ranges, lists, steps and `?`; croner's extensions (L, W, #, +) work too. Seconds and
 *   years (6 or 7 fields) are refused, as kubeflow refuses them;
 * - the descriptors @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly;
 * - `@every <Go duration>` (`@every 5m`, `@every 1h30m`): elapsed time, independent of the zone, counted
 *   from an origin (the ScheduledSparkApplication's creation), whole seconds, at least 1s;
 * - a `CRON_TZ=<zone> ` or `TZ=<zone> ` prefix, which sets the zone and wins over spec.timeZone.
 *
 * Daylight saving (croner's semantics, checked by the tests): a cron expression names wall-clock times.
 * - A time that does not exist (skipped by a spring-forward) runs as much later as the clocks jumped:
 *   `0 2 * * *` in America/New_York runs at 03:00 EDT that day, `30 2 * * *` at 03:30 EDT. A daily job
 *   still runs once that day (robfig/cron, hence kubeflow, skips it).
 * - A time that exists twice (fall-back) runs once, at its first occurrence: `30 1 * * *` runs at
 *   01:30 EDT only. This holds for every field, so `0 * * * *` has a two-hour gap around the repeated hour;
 *   `@every 1h` counts elapsed time instead. (For 30-minute shifts, e.g. Australia/Lord_Howe, croner picks
 *   the second occurrence; still once.)
 */
import { Cron } from "croner";
import type { ValidationError } from "../../../../api/v1beta2/validate.js";
import { formatGoDuration, parseGoDuration } from "../../../../util/go-duration.js";
import { resolveTimeZone } from "./time-zone.js";

export interface Schedule {
  /** `spec.schedule` as written, trimmed. */
  readonly expression: string;
  /** The zone the cron fields are read in (for `@every`, resolved but without effect). */
  readonly timeZone: string;
  /** For messages: `"0 2 * * *" in America/New_York`, `every 1h30m0s`. */
  readonly summary: string;
  /** The first fire time strictly after `after`. */
  next(after: Date): Date;
  /** The last fire time strictly before `before`, if there is one. */
  previous(before: Date): Date | undefined;
  /** The last fire time `t` with `since <= t <= now`, if there is one. */
  mostRecentDue(since: Date, now: Date): Date | undefined;
}

export interface ScheduleSource {
  schedule: string;
  timeZone?: string | undefined;
}

export interface ScheduleOptions {
  /** The zone when spec.timeZone is unset, empty or `Local`: the operator's own (`operatorTimeZone()`). */
  defaultTimeZone: string;
  /** Origin of `@every` intervals: fire times are `origin + k * interval`, k >= 1. Default: the epoch. */
  everyOrigin?: Date;
}

export type ScheduleParse = { ok: true; schedule: Schedule } | { ok: false; errors: ValidationError[] };

const SCHEDULE_FIELD = "spec.schedule";
const TIME_ZONE_FIELD = "spec.timeZone";
const CRON_HELP =
  'use 5 fields "minute hour day-of-month month day-of-week" (e.g. "0 2 * * *"), a descriptor such as ' +
  "@hourly or @daily, or @every <duration> (e.g. @every 5m)";

const DESCRIPTORS: Readonly<Record<string, string>> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

const ZONE_PREFIX = /^(?:CRON_TZ|TZ)=(\S*)\s*/;
const EVERY = /^@every(?:\s+|$)/i;

export function parseSchedule(source: ScheduleSource, options: ScheduleOptions): ScheduleParse {
  const written = source.schedule.trim();
  const zoned = splitZone(written, source.timeZone, options.defaultTimeZone);
  const errors = zoned.error === undefined ? [] : [zoned.error];
  // Checked in UTC when the zone is bad, to report both problems at once.
  const rule = parseRule(zoned.expression, zoned.zone ?? "UTC");
  if (typeof rule === "string") errors.push({ field: SCHEDULE_FIELD, message: rule });
  if (typeof rule === "string" || zoned.zone === undefined) return { ok: false, errors };
  const schedule =
    "intervalMs" in rule
      ? everySchedule(written, zoned.zone, rule.intervalMs, options.everyOrigin)
      : cronSchedule(written, zoned.zone, rule.cron);
  return { ok: true, schedule };
}

interface ZonedExpression {
  expression: string;
  zone?: string;
  error?: ValidationError;
}

/** The zone comes from a `CRON_TZ=`/`TZ=` prefix of the schedule, else from spec.timeZone. */
function splitZone(written: string, timeZone: string | undefined, defaultZone: string): ZonedExpression {
  const prefix = ZONE_PREFIX.exec(written);
  if (prefix === null) {
    const resolved = resolveTimeZone(timeZone, defaultZone);
    if (resolved.ok) return { expression: written, zone: resolved.zone };
    return { expression: written, error: { field: TIME_ZONE_FIELD, message: resolved.problem } };
  }
  const expression = written.slice(prefix[0].length);
  const resolved = prefix[1] ? resolveTimeZone(prefix[1], defaultZone) : undefined;
  if (resolved?.ok) return { expression, zone: resolved.zone };
  const problem = resolved?.problem ?? 'names no zone, e.g. "CRON_TZ=UTC 0 2 * * *"';
  return {
    expression,
    error: { field: SCHEDULE_FIELD, message: `the ${prefix[0].trim()} prefix: ${problem}` },
  };
}

/** A compiled cron expression, an `@every` interval, or what is wrong with the expression. */
function parseRule(expression: string, zone: string): { cron: Cron } | { intervalMs: number } | string {
  if (expression === "") return `must not be empty; ${CRON_HELP}`;
  if (EVERY.test(expression)) {
    const interval = parseEveryInterval(expression.replace(EVERY, "").trim());
    return typeof interval === "string" ? interval : { intervalMs: interval };
  }
  const pattern = expandDescriptor(expression);
  if (pattern === undefined) return `unknown descriptor "${expression}"; ${CRON_HELP}`;
  const cron = compileCron(pattern, zone);
  return typeof cron === "string" ? cron : { cron };
}

function expandDescriptor(expression: string): string | undefined {
  if (!expression.startsWith("@")) return expression.split(/\s+/).join(" ");
  return DESCRIPTORS[expression.toLowerCase()];
}

/** Whole seconds, fractions dropped as robfig/cron drops them. */
function parseEveryInterval(text: string): number | string {
  if (text === "") return `@every needs a duration, e.g. "@every 5m" or "@every 1h30m"`;
  const parsed = parseGoDuration(text);
  if (!parsed.ok) return `@every: ${parsed.problem}`;
  const wholeSeconds = Math.floor(parsed.ms / 1000) * 1000;
  if (wholeSeconds < 1000) return `@every: the interval "${text}" must be at least 1s`;
  return wholeSeconds;
}

function compileCron(pattern: string, zone: string): Cron | string {
  const fields = pattern.split(" ").length;
  if (fields !== 5) {
    const hint = fields === 6 || fields === 7 ? " (seconds and years are not supported)" : "";
    return `"${pattern}" has ${fields} fields${hint}; ${CRON_HELP}`;
  }
  let cron: Cron;
  try {
    cron = new Cron(pattern, { timezone: zone, mode: "5-part" });
  } catch (error) {
    const detail = error instanceof Error ? error.message.replace(/^CronPattern:\s*/, "") : String(error);
    return `invalid cron expression "${pattern}": ${detail}; ${CRON_HELP}`;
  }
  // A syntactically valid expression may name no date at all (e.g. 30 February).
  if (cron.nextRun(new Date(0)) === null) return `"${pattern}" never matches a date`;
  return cron;
}

/** A 5-field schedule fires at most 60 times in an hour. */
const MAX_STEPS_IN_REPEATED_HOUR = 61;

function cronSchedule(expression: string, timeZone: string, cron: Cron): Schedule {
  const nextMs = (after: number): number => {
    // Asked from inside the repeated hour of a fall-back, croner answers with first occurrences that already
    // passed (for 01:15 EST, 01:30 EDT): those ran, so step on to the first time really after `after`.
    let next = cron.nextRun(new Date(after))?.getTime();
    for (let step = 0; next !== undefined && next <= after && step < MAX_STEPS_IN_REPEATED_HOUR; step++) {
      next = cron.nextRun(new Date(next))?.getTime();
    }
    if (next === undefined || next <= after) {
      throw new Error(`schedule "${expression}" has no time after ${new Date(after).toISOString()}`);
    }
    return next;
  };
  return withMostRecentDue({
    expression,
    timeZone,
    summary: `"${cron.getPattern()}" in ${timeZone}`,
    next: (after) => new Date(nextMs(after.getTime())),
    previous: (before) => optionalDate(lastFireTimeBefore(nextMs, before.getTime())),
  });
}

/** Far enough back for the sparsest 5-field schedules (`0 0 29 2 +MON`: 29 February on a Monday). */
const MAX_LOOK_BACK_MS = 60 * 366 * 24 * 3600 * 1000;

/**
 * croner's own backward search throws for some patterns (e.g. `0 0 29 2 *`), so the last fire time before
 * `before` is found with its forward search only: widen the window back from `before` until it holds a fire
 * time, then bisect for the latest start whose next fire time is still before `before`.
 */
function lastFireTimeBefore(nextMs: (after: number) => number, before: number): number | undefined {
  let span = 60_000;
  let low: number | undefined;
  while (low === undefined && span <= MAX_LOOK_BACK_MS) {
    if (nextMs(before - span) < before) low = before - span;
    else span *= 2;
  }
  if (low === undefined) return undefined;
  let high = before - 1;
  // Fire times of 5-field expressions are whole minutes; the forward steps below settle the last one.
  while (high - low > 60_000) {
    const middle = Math.floor((low + high) / 2);
    if (nextMs(middle) < before) low = middle;
    else high = middle;
  }
  let latest = nextMs(low);
  for (let later = nextMs(latest); later < before; later = nextMs(latest)) latest = later;
  return latest;
}

function everySchedule(expression: string, timeZone: string, intervalMs: number, origin?: Date): Schedule {
  const originMs = Math.floor((origin?.getTime() ?? 0) / 1000) * 1000;
  return withMostRecentDue({
    expression,
    timeZone,
    summary: `every ${formatGoDuration(intervalMs)}`,
    next: (after) => {
      const k = Math.max(1, Math.floor((after.getTime() - originMs) / intervalMs) + 1);
      return new Date(originMs + k * intervalMs);
    },
    previous: (before) => {
      const k = Math.ceil((before.getTime() - originMs) / intervalMs) - 1;
      return k >= 1 ? new Date(originMs + k * intervalMs) : undefined;
    },
  });
}

/** Scheduled times walked forward from `since` before searching back from `now` instead. */
const FORWARD_STEPS = 8;

function withMostRecentDue(schedule: Omit<Schedule, "mostRecentDue">): Schedule {
  return {
    ...schedule,
    mostRecentDue(since, now) {
      if (since.getTime() > now.getTime()) return undefined;
      let latest: Date | undefined;
      let following = schedule.next(new Date(since.getTime() - 1));
      for (let step = 0; step < FORWARD_STEPS; step++) {
        if (following.getTime() > now.getTime()) return latest;
        latest = following;
        following = schedule.next(latest);
      }
      return schedule.previous(new Date(now.getTime() + 1));
    },
  };
}

function optionalDate(ms: number | undefined): Date | undefined {
  return ms === undefined ? undefined : new Date(ms);
}
