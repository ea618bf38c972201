/** The smaller lists: scheduled apps with their runs, Spark Connect sessions, queues with use against quota. */
import { parseKubernetesQuantity } from "../../../api/quantity.js";
import type { AppCost } from "../../../api/sparkplane/cost.js";
import type { SparkQueue } from "../../../api/sparkplane/sparkqueue.js";
import type { ScheduledSparkApplication } from "../../../api/v1beta2/scheduledsparkapplication.js";
import { formatCost } from "../app-rows.js";
import { type Html, html } from "../html.js";
import { errorBox, page } from "../layout.js";
import { appHref } from "./apps.js";

/** A list the caller could read, or why not (403, CRD absent). */
export type Listed<T> = { items: readonly T[] } | { unavailable: string };

function unavailable<T>(l: Listed<T>): l is { unavailable: string } {
  return "unavailable" in l;
}

const runLinks = (ns: string, names: readonly string[] | undefined) =>
  (names ?? []).map((n, i) => html`${i > 0 ? ", " : ""}<a href="${appHref(ns, n)}">${n}</a>`);

export function scheduledPage(list: Listed<ScheduledSparkApplication>): Html {
  const body = unavailable(list)
    ? errorBox(list.unavailable)
    : html`<table id="scheduled"><thead><tr><th>Namespace</th><th>Name</th><th>Schedule</th><th>Suspend</th><th>State</th><th>Last run</th><th>Next run</th><th>Succeeded runs</th><th>Failed runs</th></tr></thead>
<tbody>${list.items.map((s) => {
        const ns = s.metadata.namespace ?? "";
        const st = s.status;
        return html`<tr><td>${ns}</td><td>${s.metadata.name}</td><td><code>${s.spec.schedule}</code>${s.spec.timeZone ? html` <span class="muted">${s.spec.timeZone}</span>` : ""}</td>
<td>${s.spec.suspend ? "yes" : "no"}</td><td>${st?.scheduleState ?? ""}${st?.reason ? html` <span class="muted">${st.reason}</span>` : ""}</td>
<td>${st?.lastRunName ? html`<a href="${appHref(ns, st.lastRunName)}">${st.lastRunName}</a>` : ""} <span class="muted">${String(st?.lastRun ?? "")}</span></td>
<td class="next-run">${String(st?.nextRun ?? "")}</td><td>${runLinks(ns, st?.pastSuccessfulRunNames)}</td><td>${runLinks(ns, st?.pastFailedRunNames)}</td></tr>`;
      })}</tbody></table>`;
  return page("Scheduled applications", "scheduled", html`<h1>Scheduled applications</h1>${body}`);
}

function usage(used: string | undefined, quota: string | number | undefined): Html {
  if (quota === undefined) return html`${used ?? "0"} <span class="muted">/ no quota</span>`;
  const u = parseKubernetesQuantity(used ?? "0") ?? 0;
  const q = parseKubernetesQuantity(quota) ?? 0;
  const fraction = q > 0 ? Math.min(1, u / q) : 0;
  return html`<div class="bar" title="${Math.round(fraction * 100)}%"><span style="width:${Math.round(fraction * 100)}%"></span></div>${used ?? "0"} / ${String(quota)}`;
}

export function queuesPage(
  list: Listed<SparkQueue>,
  costs: ReadonlyMap<string, AppCost & { apps: number }> = new Map(),
): Html {
  const body = unavailable(list)
    ? errorBox(list.unavailable)
    : html`<table id="queues"><thead><tr><th>Queue</th><th>Priority</th><th>Running</th><th>Waiting</th><th>CPU used / quota</th><th>Memory used / quota</th><th>Cost of its apps (ended pods: requested; used CPU)</th><th>Waiting apps (in order)</th></tr></thead>
<tbody>${list.items.map((q) => {
        const st = q.status;
        return html`<tr data-queue="${q.metadata.name}"><td>${q.metadata.name}</td><td>${q.spec.priority ?? 0}</td><td>${st?.running ?? 0}${q.spec.maxRunningApplications !== undefined ? html` <span class="muted">/ ${q.spec.maxRunningApplications}</span>` : ""}</td>
<td>${st?.waiting ?? 0}</td><td>${usage(st?.used?.cpu, q.spec.quota?.cpu)}</td><td>${usage(st?.used?.memory, q.spec.quota?.memory)}</td><td class="cost">${formatCost(costs.get(q.metadata.name ?? ""))}</td>
<td>${(st?.waitingApplications ?? []).map((w) => html`<div><a href="${appHref(w.namespace, w.name)}">${w.namespace}/${w.name}</a> <span class="muted">${w.cpu} CPU, ${w.memory}${w.reason ? ` — ${w.reason}` : ""}</span></div>`)}</td></tr>`;
      })}</tbody></table>`;
  return page("Queues", "queues", html`<h1>Queues</h1>${body}`);
}

/** A SparkConnect session as far as the list reads it (kubeflow's v1alpha1 kind). */
export interface SessionItem {
  metadata: { name?: string; namespace?: string; creationTimestamp?: string };
  status?: { state?: string; connectionURL?: string; message?: string; [key: string]: unknown };
}

/** The sc:// address a session's status names, whatever field carries it. */
function sessionUrl(s: SessionItem): string {
  if (s.status?.connectionURL) return s.status.connectionURL;
  for (const v of Object.values(s.status ?? {})) if (typeof v === "string" && v.startsWith("sc://")) return v;
  for (const v of Object.values(s.status ?? {}))
    if (typeof v === "object" && v !== null)
      for (const w of Object.values(v)) if (typeof w === "string" && w.startsWith("sc://")) return w;
  return "";
}

export function sessionsPage(list: Listed<SessionItem>): Html {
  const body = unavailable(list)
    ? errorBox(list.unavailable)
    : list.items.length === 0
      ? html`<p class="muted">no sessions</p>`
      : html`<table id="sessions"><thead><tr><th>Namespace</th><th>Name</th><th>State</th><th>Connect URL</th><th>Created</th></tr></thead>
<tbody>${list.items.map((s) => html`<tr data-session="${s.metadata.namespace}/${s.metadata.name}"><td>${s.metadata.namespace}</td><td>${s.metadata.name}</td><td>${s.status?.state ?? ""}${s.status?.message ? html` <span class="muted">${s.status.message}</span>` : ""}</td><td><code>${sessionUrl(s)}</code></td><td class="muted">${s.metadata.creationTimestamp ?? ""}</td></tr>`)}</tbody></table>`;
  return page("Sessions", "sessions", html`<h1>Spark Connect sessions</h1>${body}`);
}
