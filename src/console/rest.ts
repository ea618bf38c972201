/** `/api/v1`: SparkApplications and ScheduledSparkApplications per namespace, their events and driver logs. */
import type { ServerResponse } from "node:http";
import { isDns1123Label, isDns1123Subdomain } from "../api/k8s-names.js";
import { SPARKPLANE_API_VERSION, SparkQueueNames } from "../api/sparkplane/constants.js";
import { API_VERSION_V1ALPHA1, SparkConnectNames } from "../api/v1alpha1/constants.js";
import {
  API_VERSION,
  APP_STATES,
  ScheduledSparkApplicationNames,
  SparkApplicationNames,
} from "../api/v1beta2/constants.js";
import { driverPodName } from "../api/v1beta2/derived-names.js";
import type { SparkApplication } from "../api/v1beta2/sparkapplication.js";
import { HttpError, kubeError, sendJson } from "./http.js";
import { type KubeCaller, readAll } from "./kube.js";
import { type Kind, validateBody } from "./validate.js";

/** A kind the REST API serves: where it lives in the Kubernetes API. */
export interface KindInfo {
  kind: Kind;
  apiVersion: string;
  namespaced: boolean;
}

/** By plural, as in the path. */
export const KINDS: Record<string, KindInfo> = {
  [SparkApplicationNames.plural]: { kind: "SparkApplication", apiVersion: API_VERSION, namespaced: true },
  [ScheduledSparkApplicationNames.plural]: {
    kind: "ScheduledSparkApplication",
    apiVersion: API_VERSION,
    namespaced: true,
  },
  [SparkConnectNames.plural]: { kind: "SparkConnect", apiVersion: API_VERSION_V1ALPHA1, namespaced: true },
  [SparkQueueNames.plural]: { kind: "SparkQueue", apiVersion: SPARKPLANE_API_VERSION, namespaced: false },
};

export function checkNamespace(ns: string): void {
  if (!isDns1123Label(ns)) throw new HttpError(400, `namespace "${ns.slice(0, 80)}" is not a DNS-1123 label`);
}

export function checkName(name: string, what = "name"): void {
  if (!isDns1123Subdomain(name))
    throw new HttpError(
      400,
      `${what} "${name.slice(0, 80)}" is not a valid object name (DNS-1123 subdomain)`,
    );
}

function intParam(q: URLSearchParams, key: string, min: number, max: number): number | undefined {
  const text = q.get(key);
  if (text === null || text === "") return undefined;
  if (!/^\d{1,9}$/.test(text) || Number(text) < min || Number(text) > max)
    throw new HttpError(
      400,
      `query parameter ${key}=${text.slice(0, 40)}: an integer from ${min} to ${max} is expected`,
    );
  return Number(text);
}

/** The API server path of a kind's collection (in `ns` when namespaced) or of one object. */
const crPath = (ns: string | undefined, plural: string, name?: string) => {
  const info = KINDS[plural];
  const apiVersion = info?.apiVersion ?? API_VERSION;
  const where = ns !== undefined && info?.namespaced !== false ? `namespaces/${encodeURIComponent(ns)}/` : "";
  return `/apis/${apiVersion}/${where}${plural}${name ? `/${encodeURIComponent(name)}` : ""}`;
};

export interface RestRequest {
  method: string;
  segments: string[];
  query: URLSearchParams;
  caller: KubeCaller;
  body: () => Promise<unknown>;
  res: ServerResponse;
}

/**
 * Handles `namespaces/{ns}/{plural}[/{name}[/events|/log]]` for namespaced kinds and `{plural}[/{name}[/events]]`
 * for cluster-scoped ones (SparkQueues); `segments` start after `/api/v1/`.
 */
export async function handleRest(r: RestRequest): Promise<void> {
  const namespaced = r.segments[0] === "namespaces";
  const [ns, plural, name, sub, ...rest] = namespaced ? r.segments.slice(1) : [undefined, ...r.segments];
  if ((namespaced && ns === undefined) || plural === undefined || rest.length > 0)
    throw new HttpError(404, "no such path; see /api/v1/openapi.json");
  if (ns !== undefined) checkNamespace(ns);
  const info = KINDS[plural];
  if (!info)
    throw new HttpError(
      404,
      `unknown resource "${plural.slice(0, 80)}"; known: ${Object.keys(KINDS).join(", ")}`,
    );
  if (info.namespaced !== namespaced)
    throw new HttpError(
      404,
      info.namespaced
        ? `${plural} live in a namespace: /api/v1/namespaces/{namespace}/${plural}`
        : `${plural} are cluster-scoped: /api/v1/${plural}`,
    );
  const kind = info.kind;
  if (name !== undefined) checkName(name);
  const what = `${kind} ${ns ? `${ns}/` : ""}${name ?? ""}`.trim();

  if (name === undefined && r.method === "GET") return list(r, ns, plural, what);
  if (name === undefined && r.method === "POST") return create(r, ns, plural, info, what);
  if (name !== undefined && sub === undefined && (r.method === "GET" || r.method === "DELETE")) {
    const answer = await r.caller.call(r.method, crPath(ns, plural, name));
    if (answer.status !== 200) throw kubeError(answer.status, answer.body, what);
    return sendJson(r.res, 200, answer.body);
  }
  if (name !== undefined && sub === "events" && r.method === "GET") return events(r, ns, kind, name, what);
  if (
    name !== undefined &&
    ns !== undefined &&
    sub === "log" &&
    r.method === "GET" &&
    kind === "SparkApplication"
  )
    return driverLog(r, ns, name, what);
  throw new HttpError(
    r.method === "GET" || r.method === "POST" || r.method === "DELETE" ? 404 : 405,
    `${r.method} is not served here`,
  );
}

async function list(r: RestRequest, ns: string | undefined, plural: string, what: string): Promise<void> {
  const limit = intParam(r.query, "limit", 1, 10_000);
  const cont = r.query.get("continue");
  const state = r.query.get("state");
  if (state !== null && plural === SparkApplicationNames.plural && !APP_STATES.includes(state as never))
    throw new HttpError(
      400,
      `state=${state.slice(0, 40)}: one of ${APP_STATES.filter(Boolean).join(", ")} (or empty for new apps) is expected`,
    );
  const q = new URLSearchParams();
  if (limit !== undefined) q.set("limit", String(limit));
  if (cont) q.set("continue", cont);
  const answer = await r.caller.call<{ items?: SparkApplication[]; metadata?: unknown }>(
    "GET",
    `${crPath(ns, plural)}${q.size ? `?${q}` : ""}`,
  );
  if (answer.status !== 200) throw kubeError(answer.status, answer.body, `list ${what}`);
  const body = answer.body;
  if (state !== null && body.items) {
    // Custom resources cannot be selected by status on the API server: the page is filtered here, so a
    // filtered page may hold fewer than `limit` items while `continue` still leads on.
    body.items = body.items.filter((a) => (a.status?.applicationState?.state ?? "") === state);
  }
  sendJson(r.res, 200, body);
}

async function create(
  r: RestRequest,
  ns: string | undefined,
  plural: string,
  info: KindInfo,
  what: string,
): Promise<void> {
  const kind = info.kind;
  const body = await r.body();
  if (typeof body === "object" && body !== null && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    b.apiVersion ??= info.apiVersion;
    b.kind ??= kind;
    if (typeof b.metadata === "object" && b.metadata !== null && !Array.isArray(b.metadata)) {
      const m = b.metadata as Record<string, unknown>;
      if (m.namespace !== undefined && m.namespace !== ns && ns !== undefined)
        throw new HttpError(
          400,
          `metadata.namespace "${String(m.namespace).slice(0, 80)}" differs from the path's namespace ${ns}`,
          [{ field: "metadata.namespace", message: `must be ${ns} or absent` }],
        );
    }
  }
  const errors = validateBody(kind, body);
  if (errors.length > 0)
    throw new HttpError(
      400,
      `invalid ${kind}: ${errors.map((e) => `${e.field}: ${e.message}`).join("; ")}`,
      errors,
    );
  const answer = await r.caller.call("POST", crPath(ns, plural), body);
  if (answer.status !== 201 && answer.status !== 200)
    throw kubeError(answer.status, answer.body, `create ${what}`);
  sendJson(r.res, 201, answer.body);
}

async function events(
  r: RestRequest,
  ns: string | undefined,
  kind: Kind,
  name: string,
  what: string,
): Promise<void> {
  const selector = `involvedObject.kind=${kind},involvedObject.name=${name}`;
  const answer = await r.caller.call(
    "GET",
    `/api/v1/${ns === undefined ? "" : `namespaces/${encodeURIComponent(ns)}/`}events?fieldSelector=${encodeURIComponent(selector)}`,
  );
  if (answer.status !== 200) throw kubeError(answer.status, answer.body, `events of ${what}`);
  sendJson(r.res, 200, answer.body);
}

/** The driver pod of an app: the one its status names, else the name the operator gives it. */
export async function driverPodOf(
  caller: KubeCaller,
  ns: string,
  name: string,
  what: string,
): Promise<string> {
  const answer = await caller.call<SparkApplication>("GET", crPath(ns, SparkApplicationNames.plural, name));
  if (answer.status !== 200) throw kubeError(answer.status, answer.body, what);
  const app = answer.body;
  return app.status?.driverInfo?.podName ?? driverPodName(app.metadata.name ?? name, app.spec);
}

async function driverLog(r: RestRequest, ns: string, name: string, what: string): Promise<void> {
  const follow = r.query.get("follow");
  if (follow !== null && follow !== "true" && follow !== "false")
    throw new HttpError(400, `follow=${follow.slice(0, 20)}: true or false is expected`);
  const tail = intParam(r.query, "tailLines", 0, 1_000_000);
  const container = r.query.get("container");
  if (container !== null && !isDns1123Label(container))
    throw new HttpError(400, `container "${container.slice(0, 80)}" is not a DNS-1123 label`);
  const pod = await driverPodOf(r.caller, ns, name, what);
  const q = new URLSearchParams();
  if (follow === "true") q.set("follow", "true");
  if (tail !== undefined) q.set("tailLines", String(tail));
  if (container) q.set("container", container);
  const up = await r.caller.open(
    "GET",
    `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(pod)}/log${q.size ? `?${q}` : ""}`,
  );
  if (up.statusCode !== 200) {
    const text = await readAll(up);
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    throw kubeError(up.statusCode ?? 502, parsed, `log of driver pod ${ns}/${pod}`);
  }
  r.res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
  r.res.on("close", () => up.destroy());
  up.pipe(r.res);
}
