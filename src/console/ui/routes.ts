/**
 * The web pages under `/ui`. Lists of apps come from the console's cache, filtered to the namespaces the
 * caller may list (access reviews as the caller); everything else is read as the caller.
 */
import type { ServerResponse } from "node:http";
import { GROUP, SparkApplicationNames } from "../../api/v1beta2/constants.js";
import { mapLimit } from "../../util/map-limit.js";
import type { AccessReviews } from "../access.js";
import type { AppIndex } from "../app-index.js";
import { HttpError } from "../http.js";
import type { KubeCaller } from "../kube.js";
import { checkName, checkNamespace } from "../rest.js";
import { costByQueue, parseAppQuery, QueryError } from "./app-rows.js";
import { type Html, html } from "./html.js";
import { errorBox, page } from "./layout.js";
import { appPage } from "./pages/app.js";
import { appsPage } from "./pages/apps.js";
import { queuesPage, scheduledPage, sessionsPage } from "./pages/others.js";
import { workflowPage, workflowsPage } from "./pages/workflows.js";
import {
  readAppView,
  readQueues,
  readScheduled,
  readSessions,
  readWorkflow,
  readWorkflows,
} from "./reads.js";

export interface UiRequest {
  method: string;
  /** After `/ui/`. */
  segments: string[];
  query: URLSearchParams;
  caller: KubeCaller;
  res: ServerResponse;
  index: AppIndex;
  reviews: AccessReviews;
}

export function sendHtml(res: ServerResponse, status: number, body: Html): void {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "content-length": Buffer.byteLength(body.text),
    "cache-control": "no-store",
    "content-security-policy": "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'",
  });
  res.end(body.text);
}

export function sendHtmlError(res: ServerResponse, err: HttpError): void {
  sendHtml(res, err.status, page("Error", "apps", html`<h1>${err.status}</h1>${errorBox(err.message)}`));
}

/**
 * The namespaces whose apps the caller may see: every one when it may list apps cluster-wide, else those of
 * the cache it may list in (one cached review each).
 */
export async function visibleNamespaces(
  r: Pick<UiRequest, "caller" | "index" | "reviews">,
): Promise<ReadonlySet<string> | undefined> {
  const attrs = { verb: "list", group: GROUP, resource: SparkApplicationNames.plural } as const;
  if (await r.reviews.allowed(r.caller, attrs)) return undefined;
  const namespaces = r.index.namespaces();
  const allowed = await mapLimit(namespaces, 8, (namespace) =>
    r.reviews.allowed(r.caller, { ...attrs, namespace }),
  );
  return new Set(namespaces.filter((_, i) => allowed[i]));
}

function appQuery(q: URLSearchParams) {
  try {
    return parseAppQuery(q);
  } catch (err) {
    if (err instanceof QueryError)
      throw new HttpError(400, err.message, [{ field: err.field, message: err.message }]);
    throw err;
  }
}

export async function handleUi(r: UiRequest): Promise<void> {
  if (r.method !== "GET") throw new HttpError(405, `${r.method} is not served under /ui`);
  const [section, ns, name, ...rest] = r.segments;
  const namespace = r.query.get("namespace") || undefined;
  if (namespace) checkNamespace(namespace);
  if (section === undefined || (section === "apps" && ns === undefined)) {
    const q = appQuery(r.query);
    const visible = await visibleNamespaces(r);
    const namespaces = visible ? [...visible] : r.index.namespaces();
    return sendHtml(r.res, 200, appsPage(q, r.index.page(q, visible), namespaces));
  }
  if (section === "apps" && ns !== undefined && name !== undefined && rest.length === 0) {
    checkNamespace(ns);
    checkName(name);
    return sendHtml(r.res, 200, appPage(await readAppView(r.caller, ns, name)));
  }
  if (ns === undefined && section === "scheduled")
    return sendHtml(r.res, 200, scheduledPage(await readScheduled(r.caller, namespace)));
  if (ns === undefined && section === "queues") {
    const visible = await visibleNamespaces(r);
    const rows = r.index.allRows().filter((row) => !visible || visible.has(row.namespace));
    return sendHtml(r.res, 200, queuesPage(await readQueues(r.caller), costByQueue(rows)));
  }
  if (ns === undefined && section === "sessions")
    return sendHtml(r.res, 200, sessionsPage(await readSessions(r.caller, namespace)));
  if (ns === undefined && section === "workflows")
    return sendHtml(r.res, 200, workflowsPage(await readWorkflows(r.caller, namespace)));
  if (section === "workflows" && ns !== undefined && name !== undefined && rest.length === 0) {
    checkNamespace(ns);
    checkName(name);
    const { workflow, apps } = await readWorkflow(r.caller, ns, name);
    return sendHtml(r.res, 200, workflowPage(workflow, apps));
  }
  throw new HttpError(404, "no such page; see /ui/apps");
}
