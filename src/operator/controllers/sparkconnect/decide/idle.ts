/**
 * Idle stop of a SparkConnect session, pure. Activity is what the server's Spark UI REST API reports: its
 * jobs (`/api/v1/applications/<id>/jobs`) and SQL queries (`.../sql`). A query a Spark Connect client runs
 * shows up as one or both; calls that run nothing on the server (e.g. reading a schema) do not count.
 * The idle clock starts when the server became ready.
 */
import {
  SparkConnectAnnotation,
  SparkConnectCondition,
  SparkConnectConditionReason,
  SparkConnectState,
} from "../../../../api/v1alpha1/constants.js";
import type { SparkConnect, SparkConnectStatus } from "../../../../api/v1alpha1/sparkconnect.js";
import { formatGoDuration, parseGoDuration } from "../../../../util/go-duration.js";
import { setCondition } from "./decide.js";

/** The fields read of the REST API's JobData and ExecutionData. */
export interface SparkJobInfo {
  status?: string;
  submissionTime?: string;
  completionTime?: string;
}
export interface SparkSqlInfo {
  status?: string;
  submissionTime?: string;
  duration?: number;
}
export interface SparkActivity {
  jobs: readonly SparkJobInfo[];
  sql: readonly SparkSqlInfo[];
}

/** Spark's REST dates: `2026-12-03T14:50:12.345GMT` (always GMT); ISO forms are accepted too. */
export function parseSparkTime(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text.replace(/GMT$/, "Z"));
  return Number.isNaN(ms) ? undefined : ms;
}

/** When the server last did something, `now` while a job or query runs; never before `since`. */
export function lastActivity(activity: SparkActivity, since: number, now: number): number {
  if (activity.jobs.some((j) => j.status === "RUNNING") || activity.sql.some((q) => q.status === "RUNNING"))
    return now;
  let last = since;
  for (const j of activity.jobs) {
    last = Math.max(last, parseSparkTime(j.completionTime) ?? parseSparkTime(j.submissionTime) ?? last);
  }
  for (const q of activity.sql) {
    const start = parseSparkTime(q.submissionTime);
    if (start !== undefined) last = Math.max(last, start + (q.duration ?? 0));
  }
  return Math.min(last, now);
}

export type IdleTimeout =
  | { kind: "none" }
  | { kind: "ok"; ms: number; text: string }
  | { kind: "invalid"; problem: string };

/** The session's idle timeout from its annotation (`0` or absent: never stopped). */
export function idleTimeoutOf(conn: SparkConnect): IdleTimeout {
  const key = SparkConnectAnnotation.IdleTimeout;
  const text = conn.metadata.annotations?.[key]?.trim();
  if (!text) return { kind: "none" };
  const parsed = parseGoDuration(text);
  if (!parsed.ok)
    return { kind: "invalid", problem: `annotation ${key}: ${parsed.problem}; set it to e.g. 30m or 1h` };
  if (parsed.ms < 0)
    return { kind: "invalid", problem: `annotation ${key}: "${text}" is negative; set it to e.g. 30m or 1h` };
  if (parsed.ms === 0) return { kind: "none" };
  return { kind: "ok", ms: parsed.ms, text };
}

export type IdleDecision = { kind: "keep"; requeueAfterMs: number } | { kind: "stop"; message: string };

/** The shortest recheck: activity read from a UI is not worth polling faster. */
export const MIN_IDLE_RECHECK_MS = 1000;

/** Stop once idle for the timeout; otherwise look again when the timeout would be reached. */
export function decideIdle(input: {
  timeout: { ms: number; text: string };
  lastActivityMs: number;
  now: number;
}): IdleDecision {
  const idleMs = input.now - input.lastActivityMs;
  if (idleMs >= input.timeout.ms)
    return {
      kind: "stop",
      message: `stopped: idle for ${formatGoDuration(idleMs)}, no Spark job or SQL query since ${new Date(input.lastActivityMs).toISOString()} (${SparkConnectAnnotation.IdleTimeout}: ${input.timeout.text}); delete and re-create the SparkConnect to start it again`,
    };
  return { kind: "keep", requeueAfterMs: Math.max(MIN_IDLE_RECHECK_MS, input.timeout.ms - idleMs) };
}

/** When the server became ready: the ServerPodReady condition's transition to True. */
export function readySince(status: SparkConnectStatus): number | undefined {
  const c = status.conditions?.find((x) => x.type === SparkConnectCondition.ServerPodReady);
  return c?.status === "True" ? parseSparkTime(c.lastTransitionTime) : undefined;
}

/** The status of a session whose server the operator stopped. */
export function stoppedStatus(status: SparkConnectStatus, message: string, now: string): SparkConnectStatus {
  return {
    ...status,
    state: SparkConnectState.Stopped,
    message,
    server: { ...status.server, podIp: undefined },
    conditions: setCondition(status.conditions, {
      type: SparkConnectCondition.ServerPodReady,
      status: "False",
      reason: SparkConnectConditionReason.ServerPodNotReady,
      message,
      lastTransitionTime: now,
    }),
    lastUpdateTime: now,
  };
}
