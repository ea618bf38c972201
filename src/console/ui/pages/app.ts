/** One application: summary, why its pods wait, its timeline, executors, live driver log, Spark UI, spec. */
import type { CoreV1Event, V1Pod } from "@kubernetes/client-node";
import { stringify } from "yaml";
import { podCost, podEnded, podSeconds } from "../../../api/sparkplane/cost.js";
import { TERMINAL_APP_STATES } from "../../../api/v1beta2/constants.js";
import type { SparkApplication } from "../../../api/v1beta2/sparkapplication.js";
import { SparkLabel, SparkRole } from "../../../spark/constants.js";
import { appRow, formatCost, formatDuration, formatUsedCpu } from "../app-rows.js";
import { type Html, html } from "../html.js";
import { errorBox, page, stateBadge } from "../layout.js";

export interface AppView {
  app: SparkApplication;
  events: readonly CoreV1Event[];
  pods: readonly V1Pod[];
  /** One line per cause when pods are Pending (empty when none), or why it could not be worked out. */
  diagnosis: readonly string[] | { unavailable: string };
  now: number;
}

const seg = encodeURIComponent;

export function sparkUiHref(app: SparkApplication): string | undefined {
  const d = app.status?.driverInfo;
  if (!d?.webUIServiceName || app.status?.applicationState?.state !== "RUNNING") return undefined;
  return `/api/v1/namespaces/${seg(app.metadata.namespace ?? "")}/services/${seg(d.webUIServiceName)}:${d.webUIPort ?? 4040}/proxy/`;
}

const eventTime = (e: CoreV1Event) =>
  String(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp ?? "");

function timeline(events: readonly CoreV1Event[]): Html {
  if (events.length === 0) return html`<p class="muted">no events (events expire after an hour)</p>`;
  const sorted = [...events].sort((a, b) => (eventTime(a) < eventTime(b) ? -1 : 1));
  return html`<table id="timeline"><thead><tr><th>Time</th><th>Type</th><th>Reason</th><th>Message</th><th>Count</th></tr></thead>
<tbody>${sorted.map(
    (e) =>
      html`<tr><td class="muted">${eventTime(e)}</td><td>${e.type ?? ""}</td><td>${e.reason ?? ""}</td><td>${e.message ?? ""}</td><td>${e.count ?? 1}</td></tr>`,
  )}</tbody></table>`;
}

function executors(app: SparkApplication, pods: readonly V1Pod[]): Html {
  const execPods = pods.filter((p) => p.metadata?.labels?.[SparkLabel.Role] === SparkRole.Executor);
  const states = app.status?.executorState ?? {};
  const names = [...new Set([...execPods.map((p) => p.metadata?.name ?? ""), ...Object.keys(states)])].sort();
  if (names.length === 0) return html`<p class="muted">no executors yet</p>`;
  const podOf = new Map(execPods.map((p) => [p.metadata?.name ?? "", p]));
  return html`<table id="executors"><thead><tr><th>Pod</th><th>State</th><th>Phase</th><th>Node</th><th>Started</th></tr></thead>
<tbody>${names.map((n) => {
    const p = podOf.get(n);
    return html`<tr><td>${n}</td><td>${states[n] ?? ""}</td><td>${p?.status?.phase ?? "(gone)"}</td><td>${p?.spec?.nodeName ?? ""}</td><td class="muted">${String(p?.status?.startTime ?? "")}</td></tr>`;
  })}</tbody></table>`;
}

function diagnosisBox(d: AppView["diagnosis"]): Html {
  if (!Array.isArray(d))
    return html`<p class="muted">pending pods not diagnosed: ${(d as { unavailable: string }).unavailable}</p>`;
  if (d.length === 0) return html``;
  return html`<section class="diagnosis" id="diagnosis"><h2>Why it waits</h2><ul>${d.map((l) => html`<li>${l}</li>`)}</ul></section>`;
}

/** Polls the driver log's tail while the app runs; stops once the page says the app ended. */
const LOG_SCRIPT = `
const pre = document.getElementById("driver-log");
async function refresh() {
  try {
    const r = await fetch(pre.dataset.src, { headers: { accept: "text/plain" } });
    const text = await r.text();
    pre.textContent = r.ok ? text : "log not available yet: " + text;
    if (r.ok) pre.scrollTop = pre.scrollHeight;
  } catch (e) { pre.textContent = "cannot read the log: " + e; }
  if (pre.dataset.live === "true") setTimeout(refresh, 2000);
}
refresh();
`;

/** Requests × time so far of the app's pods that still run (the ended ones are in the operator's ledger). */
function runningCost(app: SparkApplication, pods: readonly V1Pod[], now: number) {
  let cpu = 0;
  let mem = 0;
  let any = false;
  for (const p of pods) {
    if (podEnded(p as never) || !p.status?.startTime) continue;
    const role = p.metadata?.labels?.[SparkLabel.Role] === SparkRole.Driver ? "driver" : "executor";
    const c = podCost(app.spec, role, podSeconds(p as never, now));
    if (!c) continue;
    any = true;
    cpu += c.cpuCoreSeconds;
    mem += c.memoryGiBSeconds;
  }
  return any ? { cpuCoreSeconds: cpu, memoryGiBSeconds: mem } : undefined;
}

export function appPage(v: AppView): Html {
  const { app } = v;
  const ns = app.metadata.namespace ?? "";
  const name = app.metadata.name ?? "";
  const row = appRow(app, v.now);
  const live = !TERMINAL_APP_STATES.includes(row.state as never);
  const ui = sparkUiHref(app);
  const running = runningCost(app, v.pods, v.now);
  const logSrc = `/api/v1/namespaces/${seg(ns)}/sparkapplications/${seg(name)}/log?tailLines=300`;
  const body = html`<h1>${name} <span class="muted">in ${ns}</span> ${stateBadge(row.state)}</h1>
<dl id="summary"><dt>State</dt><dd id="state">${row.state || "NEW"}</dd>
<dt>Submission attempts</dt><dd>${row.attempts}</dd><dt>Duration</dt><dd>${formatDuration(row.durationMs)}</dd>
<dt>Queue</dt><dd>${row.queue ?? "(none)"}</dd><dt>Spark app id</dt><dd>${row.sparkApplicationId ?? ""}</dd>
<dt>Requested</dt><dd id="cost">${row.cost ? `${formatCost({ cpuCoreSeconds: row.cost.cpuCoreSeconds, memoryGiBSeconds: row.cost.memoryGiBSeconds })}` : "nothing ended yet"} <span class="muted">(ended pods)</span>${running ? html` + ${formatCost(running)} <span class="muted">(running pods so far)</span>` : ""}</dd>
<dt>Used CPU</dt><dd id="used-cpu">${formatUsedCpu(row.cost)} <span class="muted">(ended pods, as their nodes reported)</span></dd>
<dt>Driver pod</dt><dd>${app.status?.driverInfo?.podName ?? ""}</dd>
<dt>Spark UI</dt><dd>${ui ? html`<a id="spark-ui" href="${ui}">open (through the API server's service proxy)</a>` : html`<span class="muted">while the app runs</span>`}</dd></dl>
${row.error ? errorBox(row.error) : ""}
${diagnosisBox(v.diagnosis)}
<h2>Timeline</h2>${timeline(v.events)}
<h2>Executors</h2>${executors(app, v.pods)}
<h2>Driver log ${live ? html`<span class="muted">(live)</span>` : ""}</h2>
<pre id="driver-log" data-src="${logSrc}" data-live="${String(live)}">loading…</pre>
<h2>Spec</h2><pre id="spec">${stringify(app.spec ?? {})}</pre>`;
  return page(name, "apps", body, LOG_SCRIPT);
}
