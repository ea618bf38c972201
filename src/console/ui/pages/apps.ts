/** The applications list: filters, one row per app, paging over the console's cache. */
import { APP_STATES } from "../../../api/v1beta2/constants.js";
import type { AppPage, AppQuery } from "../app-rows.js";
import { formatCost, formatDuration } from "../app-rows.js";
import { type Html, html, queryString } from "../html.js";
import { page, stateBadge } from "../layout.js";

export const appHref = (ns: string, name: string) =>
  `/ui/apps/${encodeURIComponent(ns)}/${encodeURIComponent(name)}`;

export function appsPage(q: AppQuery, result: AppPage, namespaces: readonly string[]): Html {
  const stateParam = q.state === undefined ? "" : q.state === "" ? "NEW" : q.state;
  const link = (offset: number) =>
    `/ui/apps${queryString({ namespace: q.namespace, state: stateParam, name: q.name, offset, limit: q.limit === 50 ? undefined : q.limit })}`;
  const first = result.total === 0 ? 0 : q.offset + 1;
  const last = Math.min(q.offset + result.items.length, result.total);
  const states = ["NEW", ...APP_STATES.filter(Boolean)];
  const body = html`<h1>Applications</h1>
<form class="filters" method="get" action="/ui/apps">
  <label>Namespace<br><select name="namespace"><option value="">all</option>${namespaces.map(
    (ns) => html`<option ${ns === q.namespace ? "selected" : ""}>${ns}</option>`,
  )}</select></label>
  <label>State<br><select name="state"><option value="">any</option>${states.map(
    (s) => html`<option ${s === stateParam ? "selected" : ""}>${s}</option>`,
  )}</select></label>
  <label>Name contains<br><input name="name" value="${q.name ?? ""}"></label>
  <button type="submit">Filter</button>
</form>
<p class="muted" id="count">${first}–${last} of ${result.total}</p>
<table id="apps"><thead><tr><th>Namespace</th><th>Name</th><th>State</th><th>Attempts</th><th>Duration</th><th>Queue</th><th>Requested (ended pods)</th><th>Created</th></tr></thead>
<tbody>${result.items.map(
    (
      r,
    ) => html`<tr data-app="${r.namespace}/${r.name}"><td>${r.namespace}</td><td><a href="${appHref(r.namespace, r.name)}">${r.name}</a></td>
<td>${stateBadge(r.state)}${r.error ? html` <span class="muted" title="${r.error}">⚠</span>` : ""}</td><td>${r.attempts}</td>
<td>${formatDuration(r.durationMs)}</td><td>${r.queue ?? ""}</td><td>${formatCost(r.cost)}</td><td class="muted">${r.created}</td></tr>`,
  )}</tbody></table>
<p>${q.offset > 0 ? html`<a rel="prev" href="${link(Math.max(0, q.offset - q.limit))}">← newer</a> ` : ""}${
    last < result.total ? html`<a rel="next" href="${link(q.offset + q.limit)}">older →</a>` : ""
  }</p>`;
  return page("Applications", "apps", body);
}
