/** Argo Workflows: the list, and one workflow's nodes (DAG order, indented by depth) with its SparkApplications. */
import type { SparkApplication } from "../../../api/v1beta2/sparkapplication.js";
import { type Html, html } from "../html.js";
import { errorBox, page, stateBadge } from "../layout.js";
import { appHref } from "./apps.js";
import type { Listed } from "./others.js";

/** What the pages read of an Argo Workflow (argoproj.io/v1alpha1). */
export interface WorkflowItem {
  metadata: { name?: string; namespace?: string; creationTimestamp?: string; uid?: string };
  status?: {
    phase?: string;
    startedAt?: string;
    finishedAt?: string;
    message?: string;
    nodes?: Record<string, WorkflowNode>;
  };
}

export interface WorkflowNode {
  id?: string;
  name?: string;
  displayName?: string;
  type?: string;
  phase?: string;
  startedAt?: string;
  finishedAt?: string;
  message?: string;
  children?: string[];
  outputs?: { parameters?: { name: string; value?: string }[] };
}

export interface NodeRow {
  node: WorkflowNode;
  depth: number;
  /** The SparkApplication the node's spark-app template names in its `app-name` output. */
  app?: string;
}

/**
 * The nodes from the root (the node named like the workflow) down, each once, children in start order;
 * nodes not reachable from it (should not happen) follow at depth 0.
 */
export function nodeRows(wf: WorkflowItem): NodeRow[] {
  const nodes = wf.status?.nodes ?? {};
  const byId = new Map(Object.entries(nodes).map(([id, n]) => [n.id ?? id, n]));
  const root = [...byId.entries()].find(([, n]) => n.name === wf.metadata.name)?.[0];
  const rows: NodeRow[] = [];
  const seen = new Set<string>();
  const start = (id: string) => byId.get(id)?.startedAt ?? "";
  const visit = (id: string, depth: number) => {
    const node = byId.get(id);
    if (!node || seen.has(id)) return;
    seen.add(id);
    const app = node.outputs?.parameters?.find((p) => p.name === "app-name")?.value;
    rows.push({ node, depth, ...(app ? { app } : {}) });
    for (const c of [...(node.children ?? [])].sort((a, b) => (start(a) < start(b) ? -1 : 1)))
      visit(c, depth + 1);
  };
  if (root) visit(root, 0);
  for (const id of byId.keys()) visit(id, 0);
  return rows;
}

const seg = encodeURIComponent;

export function workflowsPage(list: Listed<WorkflowItem>): Html {
  const body =
    "unavailable" in list
      ? errorBox(list.unavailable)
      : html`<table id="workflows"><thead><tr><th>Namespace</th><th>Name</th><th>Phase</th><th>Started</th><th>Finished</th><th>Message</th></tr></thead>
<tbody>${list.items.map((w) => {
          const ns = w.metadata.namespace ?? "";
          return html`<tr><td>${ns}</td><td><a href="/ui/workflows/${seg(ns)}/${seg(w.metadata.name ?? "")}">${w.metadata.name}</a></td><td>${w.status?.phase ?? ""}</td><td class="muted">${w.status?.startedAt ?? ""}</td><td class="muted">${w.status?.finishedAt ?? ""}</td><td>${w.status?.message ?? ""}</td></tr>`;
        })}</tbody></table>`;
  return page("Workflows", "workflows", html`<h1>Argo Workflows</h1>${body}`);
}

export function workflowPage(wf: WorkflowItem, apps: readonly SparkApplication[]): Html {
  const ns = wf.metadata.namespace ?? "";
  const logHref = (app: string) => `/api/v1/namespaces/${seg(ns)}/sparkapplications/${seg(app)}/log`;
  const stateOf = new Map(apps.map((a) => [a.metadata.name ?? "", a.status?.applicationState?.state ?? ""]));
  const body = html`<h1>${wf.metadata.name} <span class="muted">in ${ns}</span> <span class="state">${wf.status?.phase ?? ""}</span></h1>
${wf.status?.message ? errorBox(wf.status.message) : ""}
<h2>Nodes</h2><table id="nodes"><thead><tr><th>Node</th><th>Type</th><th>Phase</th><th>SparkApplication</th><th>Started</th><th>Finished</th><th>Message</th></tr></thead>
<tbody>${nodeRows(wf).map(
    (
      r,
    ) => html`<tr data-node="${r.node.displayName ?? ""}"><td style="padding-left:${0.6 + r.depth * 1.2}rem">${r.node.displayName ?? r.node.name}</td><td>${r.node.type ?? ""}</td><td>${r.node.phase ?? ""}</td>
<td>${r.app ? html`<a href="${appHref(ns, r.app)}">${r.app}</a> ${stateOf.has(r.app) ? stateBadge(stateOf.get(r.app) ?? "") : ""} <a class="muted" href="${logHref(r.app)}">driver log</a>` : ""}</td>
<td class="muted">${r.node.startedAt ?? ""}</td><td class="muted">${r.node.finishedAt ?? ""}</td><td>${r.node.message ?? ""}</td></tr>`,
  )}</tbody></table>
<h2>Its SparkApplications</h2>${
    apps.length === 0
      ? html`<p class="muted">none (yet)</p>`
      : html`<table id="workflow-apps"><thead><tr><th>Name</th><th>State</th><th>Driver log</th></tr></thead><tbody>${apps.map(
          (a) =>
            html`<tr><td><a href="${appHref(ns, a.metadata.name ?? "")}">${a.metadata.name}</a></td><td>${stateBadge(a.status?.applicationState?.state ?? "")}</td><td><a href="${logHref(a.metadata.name ?? "")}">log</a></td></tr>`,
        )}</tbody></table>`
  }`;
  return page(wf.metadata.name ?? "workflow", "workflows", body);
}
