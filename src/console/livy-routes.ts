/** Livy's batch API (`/batches`) over SparkApplications; `/sessions` points to Spark Connect. */
import { GROUP, SparkApplicationNames, VERSION } from "../api/v1beta2/constants.js";
import type { SparkApplication } from "../api/v1beta2/sparkapplication.js";
import { validateSparkApplication } from "../api/v1beta2/validate.js";
import { allocateBatchId, BatchIdError } from "./batch-ids.js";
import { LivyLabel } from "./constants.js";
import { HttpError, kubeError, sendJson } from "./http.js";
import { readAll } from "./kube.js";
import {
  appToBatch,
  type BatchDefaults,
  batchAppName,
  batchIdOf,
  batchToApp,
  type LivyBatchRequest,
  LivyBatchRequestSchema,
  logWindow,
} from "./livy.js";
import { driverPodOf, type RestRequest } from "./rest.js";
import { schemaErrors } from "./validate.js";

const appsPath = (ns: string, name?: string) =>
  `/apis/${GROUP}/${VERSION}/namespaces/${encodeURIComponent(ns)}/${SparkApplicationNames.plural}${name ? `/${encodeURIComponent(name)}` : ""}`;

function intQuery(q: URLSearchParams, key: string, fallback: number, min: number): number {
  const text = q.get(key);
  if (text === null || text === "") return fallback;
  if (!/^-?\d{1,9}$/.test(text) || Number(text) < min)
    throw new HttpError(400, `query parameter ${key}=${text.slice(0, 40)}: an integer >= ${min} is expected`);
  return Number(text);
}

function parseId(text: string): number {
  if (!/^\d{1,15}$/.test(text))
    throw new HttpError(400, `batch id "${text.slice(0, 40)}" is not a non-negative integer`);
  return Number(text);
}

async function getBatchApp(r: RestRequest, ns: string, id: number): Promise<SparkApplication> {
  const answer = await r.caller.call<SparkApplication>("GET", appsPath(ns, batchAppName(id)));
  if (answer.status === 404) throw new HttpError(404, `no batch ${id}`);
  if (answer.status !== 200) throw kubeError(answer.status, answer.body, `batch ${id}`);
  if (batchIdOf(answer.body) !== id)
    throw new HttpError(404, `no batch ${id} (${batchAppName(id)} was not made through /batches)`);
  return answer.body;
}

async function driverLines(r: RestRequest, ns: string, app: SparkApplication): Promise<string[]> {
  const name = app.metadata.name ?? "";
  const pod = await driverPodOf(r.caller, ns, name, `batch ${name}`);
  const up = await r.caller.open(
    "GET",
    `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(pod)}/log`,
  );
  const text = await readAll(up);
  // No driver pod yet (or any longer): an empty log, as Livy shows before a batch starts.
  if (up.statusCode !== 200) return [];
  return text.split("\n").filter((l, i, all) => l !== "" || i < all.length - 1);
}

export async function handleLivy(r: RestRequest, d: BatchDefaults): Promise<void> {
  const [top, idText, sub, ...rest] = r.segments;
  if (top === "sessions")
    throw new HttpError(
      r.method === "GET" ? 404 : 405,
      "interactive Livy sessions are not served: use Spark Connect (sc://) for interactive Spark; /batches is served",
    );
  if (top !== "batches" || rest.length > 0)
    throw new HttpError(404, "no such path; Livy batches are under /batches");
  const ns = d.namespace;
  if (idText === undefined && r.method === "GET") {
    const from = intQuery(r.query, "from", 0, 0);
    const size = intQuery(r.query, "size", 100, 1);
    const answer = await r.caller.call<{ items: SparkApplication[] }>(
      "GET",
      `${appsPath(ns)}?labelSelector=${encodeURIComponent(LivyLabel.BatchId)}`,
    );
    if (answer.status !== 200) throw kubeError(answer.status, answer.body, "list batches");
    const batches = answer.body.items
      .map((app) => ({ app, id: batchIdOf(app) }))
      .filter((b): b is { app: SparkApplication; id: number } => b.id !== undefined)
      .sort((a, b) => a.id - b.id);
    return sendJson(r.res, 200, {
      from,
      total: batches.length,
      sessions: batches.slice(from, from + size).map((b) => appToBatch(b.app, b.id)),
    });
  }
  if (idText === undefined && r.method === "POST") {
    const body = await r.body();
    const errors = schemaErrors(LivyBatchRequestSchema, body);
    if (errors.length > 0)
      throw new HttpError(
        400,
        `invalid batch: ${errors.map((e) => `${e.field}: ${e.message}`).join("; ")}`,
        errors,
      );
    const req = body as LivyBatchRequest;
    const probe = batchToApp(0, req, d);
    const semantic = validateSparkApplication(probe);
    if (semantic.length > 0)
      throw new HttpError(
        400,
        `invalid batch: ${semantic.map((e) => `${e.field}: ${e.message}`).join("; ")}`,
        semantic,
      );
    let id: number;
    try {
      id = await allocateBatchId(r.caller, ns);
    } catch (err) {
      if (err instanceof BatchIdError) throw new HttpError(err.status >= 500 ? 503 : err.status, err.message);
      throw err;
    }
    const app = batchToApp(id, req, d);
    const answer = await r.caller.call<SparkApplication>("POST", appsPath(ns), app);
    if (answer.status !== 201 && answer.status !== 200)
      throw kubeError(answer.status, answer.body, `create batch ${id}`);
    return sendJson(r.res, 201, appToBatch(answer.body, id));
  }
  if (idText === undefined) throw new HttpError(405, `${r.method} /batches: GET or POST`);
  const id = parseId(idText);
  if (sub === undefined && r.method === "GET")
    return sendJson(r.res, 200, appToBatch(await getBatchApp(r, ns, id), id));
  if (sub === "state" && r.method === "GET") {
    const b = appToBatch(await getBatchApp(r, ns, id), id);
    return sendJson(r.res, 200, { id, state: b.state });
  }
  if (sub === "log" && r.method === "GET") {
    const app = await getBatchApp(r, ns, id);
    const size = intQuery(r.query, "size", 100, 0);
    const fromText = r.query.get("from");
    const from = fromText === null || fromText === "" ? undefined : intQuery(r.query, "from", 0, -1);
    const window = logWindow(await driverLines(r, ns, app), from, size);
    return sendJson(r.res, 200, {
      id,
      from: window.from,
      size: window.log.length,
      total: window.total,
      log: window.log,
    });
  }
  if (sub === undefined && r.method === "DELETE") {
    await getBatchApp(r, ns, id);
    const answer = await r.caller.call("DELETE", appsPath(ns, batchAppName(id)));
    if (answer.status !== 200 && answer.status !== 202)
      throw kubeError(answer.status, answer.body, `delete batch ${id}`);
    return sendJson(r.res, 200, { msg: "deleted" });
  }
  throw new HttpError(
    sub === undefined || sub === "state" || sub === "log" ? 405 : 404,
    `${r.method} is not served here`,
  );
}
