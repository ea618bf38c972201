/**
 * The console's HTTP server: `/api/v1` (rest.ts), Livy batches (livy-routes.ts), the OpenAPI document. Every
 * call to the cluster is made as the caller (kube.ts); bad input is a 4xx, and no request can take it down.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { KubeConfig } from "@kubernetes/client-node";
import { AccessReviews } from "./access.js";
import { AppIndex } from "./app-index.js";
import { MAX_BODY_BYTES } from "./constants.js";
import { HttpError, isLoopback, readJsonBody, sendError, sendJson } from "./http.js";
import { Callers, type KubeCaller } from "./kube.js";
import type { BatchDefaults } from "./livy.js";
import { handleLivy } from "./livy-routes.js";
import { openApiDocument } from "./openapi.js";
import { handleRest } from "./rest.js";
import { isServiceProxy, proxyService } from "./service-proxy.js";
import { parseAppQuery, QueryError } from "./ui/app-rows.js";
import { handleUi, sendHtmlError, visibleNamespaces } from "./ui/routes.js";

export interface ConsoleOptions {
  kc: KubeConfig;
  address: string;
  port: number;
  batches: BatchDefaults;
  /** Requests without a token from loopback act as the kubeconfig's user (default true). */
  localIdentity?: boolean;
  log?: (line: string) => void;
}

/** Path segments, decoded; 400 for bad escapes and for `.`, `..` or `/` inside a segment (no traversal). */
export function pathSegments(rawPath: string): string[] {
  const parts = rawPath.split("/").filter((p) => p !== "");
  return parts.map((p) => {
    let s: string;
    try {
      s = decodeURIComponent(p);
    } catch {
      throw new HttpError(400, `path segment "${p.slice(0, 80)}" is not valid percent-encoding`);
    }
    if (s === "." || s === ".." || s.includes("/") || s.includes("\\") || s.includes("\0"))
      throw new HttpError(
        400,
        `path segment "${s.slice(0, 80)}" is not allowed (no ., .., / or \\ in a name)`,
      );
    return s;
  });
}

function callerOf(req: IncomingMessage, callers: Callers, localIdentity: boolean): KubeCaller {
  const auth = req.headers.authorization;
  if (auth !== undefined) {
    const m = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/.exec(auth);
    if (!m?.[1]) throw new HttpError(401, "Authorization must be `Bearer <Kubernetes token>`");
    return callers.forToken(m[1]);
  }
  if (localIdentity && isLoopback(req.socket.remoteAddress)) return callers.local;
  throw new HttpError(401, "a bearer token is required (Authorization: Bearer <Kubernetes token>)");
}

/** What every request shares: who the callers are, the app cache and the access answers. */
interface Shared {
  callers: Callers;
  index: AppIndex;
  reviews: AccessReviews;
}

/** `GET /api/v1/sparkapplications`: every namespace the caller may list, from the cache, paged. */
async function listAllApps(query: URLSearchParams, caller: KubeCaller, shared: Shared, res: ServerResponse) {
  let q: ReturnType<typeof parseAppQuery>;
  try {
    q = parseAppQuery(query);
  } catch (err) {
    if (err instanceof QueryError)
      throw new HttpError(400, err.message, [{ field: err.field, message: err.message }]);
    throw err;
  }
  const visible = await visibleNamespaces({ caller, index: shared.index, reviews: shared.reviews });
  sendJson(res, 200, shared.index.page(q, visible));
}

async function route(req: IncomingMessage, res: ServerResponse, o: ConsoleOptions, shared: Shared) {
  const { callers } = shared;
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const rawPath = q < 0 ? url : url.slice(0, q);
  const query = new URLSearchParams(q < 0 ? "" : url.slice(q + 1));
  const segments = pathSegments(rawPath);
  const method = (req.method ?? "GET").toUpperCase();
  const body = () => readJsonBody(req, MAX_BODY_BYTES);
  if (segments.join("/") === "api/v1/openapi.json" && method === "GET")
    return sendJson(res, 200, openApiDocument());
  if (segments.length === 0 && method === "GET" && !(req.headers.accept ?? "").includes("text/html"))
    return sendJson(res, 200, {
      ui: "/ui/apps",
      api: "/api/v1",
      openapi: "/api/v1/openapi.json",
      livy: "/batches",
    });
  if (segments.join("/") === "healthz") return sendJson(res, 200, { ok: true });
  const caller = () => callerOf(req, callers, o.localIdentity ?? true);
  if (segments.length === 0 && method === "GET" && (req.headers.accept ?? "").includes("text/html")) {
    res.writeHead(302, { location: "/ui/apps" });
    return res.end();
  }
  if (segments[0] === "ui") {
    try {
      return await handleUi({ method, segments: segments.slice(1), query, caller: caller(), res, ...shared });
    } catch (err) {
      if (err instanceof HttpError) return sendHtmlError(res, err);
      throw err;
    }
  }
  if (segments.join("/") === "api/v1/sparkapplications" && method === "GET")
    return listAllApps(query, caller(), shared, res);
  if (segments[0] === "api" && segments[1] === "v1" && isServiceProxy(segments.slice(2)))
    return proxyService(method, segments.slice(2), q < 0 ? "" : url.slice(q + 1), caller(), res);
  if (segments[0] === "api" && segments[1] === "v1")
    return handleRest({ method, segments: segments.slice(2), query, caller: caller(), body, res });
  if (segments[0] === "batches" || segments[0] === "sessions")
    return handleLivy({ method, segments, query, caller: caller(), body, res }, o.batches);
  throw new HttpError(
    404,
    "no such path; the API is under /api/v1 (see /api/v1/openapi.json), Livy under /batches",
  );
}

export async function startConsole(o: ConsoleOptions): Promise<Server> {
  const shared: Shared = {
    callers: new Callers(o.kc),
    index: new AppIndex(o.kc),
    reviews: new AccessReviews(),
  };
  shared.index.start();
  const server = createServer((req, res) => {
    route(req, res, o, shared).catch((err: unknown) => {
      if (err instanceof HttpError) return sendError(res, err);
      o.log?.(`${req.method} ${req.url}: ${(err as Error).stack ?? err}`);
      sendError(res, new HttpError(502, `cannot reach the API server: ${(err as Error).message}`));
    });
  });
  server.on("clientError", (_err, socket) => socket.end("HTTP/1.1 400 Bad Request\r\n\r\n"));
  server.on("close", () => void shared.index.stop());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.address, resolve);
  });
  return server;
}
