/**
 * `GET /api/v1/namespaces/{ns}/services/{svc}/proxy/...` passed to the API server's own service proxy as the
 * caller, the same path on both: the links the API server rewrites into proxied pages (the Spark UI) then
 * lead back here and keep working.
 */
import type { ServerResponse } from "node:http";
import { HttpError, kubeError } from "./http.js";
import { type KubeCaller, readAll } from "./kube.js";
import { checkNamespace } from "./rest.js";

/** `{name}` or `{name}:{port}` (a port number or a port name). */
const SERVICE_REF = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(:([0-9]{1,5}|[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?))?$/;

/** True when this request is a service proxy call (`segments` after `/api/v1/`). */
export function isServiceProxy(segments: readonly string[]): boolean {
  return segments[0] === "namespaces" && segments[2] === "services" && segments[4] === "proxy";
}

export async function proxyService(
  method: string,
  segments: readonly string[],
  rawQuery: string,
  caller: KubeCaller,
  res: ServerResponse,
): Promise<void> {
  if (method !== "GET") throw new HttpError(405, "only GET is passed to a service");
  const [, ns, , service, , ...rest] = segments;
  checkNamespace(ns ?? "");
  if (!service || !SERVICE_REF.test(service))
    throw new HttpError(400, `service "${(service ?? "").slice(0, 80)}" is not a name or name:port`);
  const path = `/api/v1/namespaces/${encodeURIComponent(ns ?? "")}/services/${encodeURIComponent(service)}/proxy/${rest.map(encodeURIComponent).join("/")}${rawQuery ? `?${rawQuery}` : ""}`;
  const up = await caller.open("GET", path);
  const status = up.statusCode ?? 502;
  if (status === 401 || status === 403) {
    const text = await readAll(up);
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {}
    throw kubeError(status, body, `service ${ns}/${service}`);
  }
  const headers: Record<string, string> = {};
  for (const h of ["content-type", "location", "cache-control", "last-modified"]) {
    const v = up.headers[h];
    if (typeof v === "string") headers[h] = v;
  }
  res.writeHead(status, headers);
  res.on("close", () => up.destroy());
  up.pipe(res);
}
