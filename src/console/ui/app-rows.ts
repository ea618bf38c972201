/**
 * The apps table of the console, decided purely: one row per SparkApplication (what the list shows) and the
 * page a query selects from all rows (filter by namespace, state and name, newest first, offset and limit).
 */

import { COST_ANNOTATION } from "../../api/sparkplane/constants.js";
import { type AppCost, parseLedger } from "../../api/sparkplane/cost.js";
import { APP_STATES, TERMINAL_APP_STATES } from "../../api/v1beta2/constants.js";
import type { SparkApplication } from "../../api/v1beta2/sparkapplication.js";

export interface AppRow {
  namespace: string;
  name: string;
  /** `status.applicationState.state`; "" for an app the operator has not seen yet. */
  state: string;
  attempts: number;
  created: string;
  /** From the last submission attempt to termination (or now while it runs); undefined before submission. */
  durationMs?: number;
  queue?: string;
  sparkApplicationId?: string;
  error?: string;
  /** Requested CPU·s and memory GiB·s of the app's pods that ended (the operator's ledger). */
  cost?: AppCost;
}

const time = (t: unknown): number | undefined => {
  if (t === undefined || t === null || t === "") return undefined;
  const ms = new Date(t as string).getTime();
  return Number.isFinite(ms) ? ms : undefined;
};

export function appRow(app: SparkApplication, now: number): AppRow {
  const status = app.status;
  const state = status?.applicationState?.state ?? "";
  const started = time(status?.lastSubmissionAttemptTime);
  const ended = TERMINAL_APP_STATES.includes(state as never) ? time(status?.terminationTime) : undefined;
  const row: AppRow = {
    namespace: app.metadata.namespace ?? "",
    name: app.metadata.name ?? "",
    state,
    attempts: status?.submissionAttempts ?? 0,
    created: String(app.metadata.creationTimestamp ?? ""),
  };
  if (started !== undefined) row.durationMs = Math.max(0, (ended ?? now) - started);
  const queue = app.spec?.batchSchedulerOptions?.queue;
  if (queue) row.queue = queue;
  if (status?.sparkApplicationId) row.sparkApplicationId = status.sparkApplicationId;
  if (status?.applicationState?.errorMessage) row.error = status.applicationState.errorMessage;
  const ledger = app.metadata.annotations?.[COST_ANNOTATION];
  if (ledger) {
    const { cpuCoreSeconds, memoryGiBSeconds, usedCpuCoreSeconds } = parseLedger(ledger);
    row.cost = { cpuCoreSeconds, memoryGiBSeconds };
    if (usedCpuCoreSeconds !== undefined) row.cost.usedCpuCoreSeconds = usedCpuCoreSeconds;
  }
  return row;
}

export interface AppQuery {
  namespace?: string;
  state?: string;
  /** A substring of the name. */
  name?: string;
  offset: number;
  limit: number;
}

export interface AppPage {
  total: number;
  offset: number;
  limit: number;
  items: AppRow[];
}

export const MAX_PAGE = 500;
export const DEFAULT_PAGE = 50;

/** Newest first (then by namespace and name, so pages are stable). */
export function compareRows(a: AppRow, b: AppRow): number {
  if (a.created !== b.created) return a.created < b.created ? 1 : -1;
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** `rows` must already be sorted by `compareRows`; `visible`: the namespaces the caller may list (all if unset). */
export function selectApps(rows: readonly AppRow[], q: AppQuery, visible?: ReadonlySet<string>): AppPage {
  const matching = rows.filter(
    (r) =>
      (visible === undefined || visible.has(r.namespace)) &&
      (q.namespace === undefined || r.namespace === q.namespace) &&
      (q.state === undefined || r.state === q.state) &&
      (q.name === undefined || r.name.includes(q.name)),
  );
  return {
    total: matching.length,
    offset: q.offset,
    limit: q.limit,
    items: matching.slice(q.offset, q.offset + q.limit),
  };
}

export class QueryError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function intOf(q: URLSearchParams, key: string, fallback: number, max: number): number {
  const text = q.get(key);
  if (text === null || text === "") return fallback;
  if (!/^\d{1,9}$/.test(text) || Number(text) > max)
    throw new QueryError(key, `${key}=${text.slice(0, 40)}: an integer from 0 to ${max} is expected`);
  return Number(text);
}

/** `namespace`, `state`, `name`, `offset`, `limit` from a query string; a bad one is a QueryError naming it. */
export function parseAppQuery(q: URLSearchParams): AppQuery {
  const query: AppQuery = {
    offset: intOf(q, "offset", 0, 1_000_000_000),
    limit: intOf(q, "limit", DEFAULT_PAGE, MAX_PAGE),
  };
  if (query.limit === 0) query.limit = DEFAULT_PAGE;
  const ns = q.get("namespace");
  if (ns) {
    if (!DNS_LABEL.test(ns))
      throw new QueryError("namespace", `namespace=${ns.slice(0, 80)}: not a DNS-1123 label`);
    query.namespace = ns;
  }
  const state = q.get("state");
  if (state !== null && state !== "") {
    const known = state === "NEW" ? "" : state;
    if (!APP_STATES.includes(known as never))
      throw new QueryError(
        "state",
        `state=${state.slice(0, 40)}: one of NEW, ${APP_STATES.filter(Boolean).join(", ")} is expected`,
      );
    query.state = known;
  }
  const name = q.get("name");
  if (name) {
    if (name.length > 253) throw new QueryError("name", "name: at most 253 characters");
    query.name = name;
  }
  return query;
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return "";
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** Cost of all apps in each queue ("" for apps in none), from their rows; used CPU where any was reported. */
export function costByQueue(rows: readonly AppRow[]): Map<string, AppCost & { apps: number }> {
  const out = new Map<string, AppCost & { apps: number }>();
  for (const r of rows) {
    const q = out.get(r.queue ?? "") ?? { cpuCoreSeconds: 0, memoryGiBSeconds: 0, apps: 0 };
    q.apps++;
    q.cpuCoreSeconds += r.cost?.cpuCoreSeconds ?? 0;
    q.memoryGiBSeconds += r.cost?.memoryGiBSeconds ?? 0;
    const used = r.cost?.usedCpuCoreSeconds;
    if (used !== undefined) q.usedCpuCoreSeconds = (q.usedCpuCoreSeconds ?? 0) + used;
    out.set(r.queue ?? "", q);
  }
  return out;
}

const fmtAmount = (v: number, unit: string) =>
  v >= 3600 ? `${(v / 3600).toFixed(2)} ${unit}·h` : `${v.toFixed(v >= 10 ? 0 : 1)} ${unit}·s`;

/** "1.2 core·h" / "45 core·s" style, for cost cells: requests, then the CPU used where reported. */
export function formatCost(c: AppCost | undefined): string {
  if (!c) return "";
  const requested = `${fmtAmount(c.cpuCoreSeconds, "core")}, ${fmtAmount(c.memoryGiBSeconds, "GiB")}`;
  return c.usedCpuCoreSeconds === undefined
    ? requested
    : `${requested}; used ${fmtAmount(c.usedCpuCoreSeconds, "core")}`;
}

/** The CPU an app's ended pods used, or why there is no figure. */
export function formatUsedCpu(c: AppCost | undefined): string {
  if (c?.usedCpuCoreSeconds !== undefined) return fmtAmount(c.usedCpuCoreSeconds, "core");
  return c ? "not reported by the nodes" : "nothing ended yet";
}
