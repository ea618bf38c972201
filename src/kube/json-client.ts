import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { ApiException, HttpMethod, type KubeConfig, RequestContext } from "@kubernetes/client-node";
import { responseText } from "./response-body.js";

export type JsonMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export const MERGE_PATCH = "application/merge-patch+json";

/**
 * Kubernetes REST calls with plain JSON bodies, for the operator's hot path (creating driver objects,
 * writing statuses and events). The typed clients walk every field of a model to serialize a request and
 * build model objects from every answer; for a burst of submissions that was a sixth of the operator's CPU.
 * Here a body is JSON.stringify'd once and an answer JSON.parse'd once. Credentials and the pooled
 * keep-alive agent come from the KubeConfig (applySecurityAuthentication), as for the typed clients; a
 * refused request throws client-node's ApiException (code, body text), so callers handle both alike.
 */
export class JsonClient {
  private readonly server: URL;
  private readonly timeoutMs: number;

  /** `timeoutMs`: a request with no answer for this long fails (default 60 s), so no worker hangs forever. */
  constructor(
    private readonly kc: KubeConfig,
    opts: { timeoutMs?: number } = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    const server = kc.getCurrentCluster()?.server;
    if (!server) throw new Error("the kubeconfig has no current cluster with a server");
    this.server = new URL(server);
  }

  /**
   * Sends `body` (JSON) to `path` and resolves with the raw answer, whatever its status (for streams, and for
   * callers that pass the API server's status on, as the console does). Rejects only when the server cannot
   * be reached or does not answer in time.
   */
  async open(
    method: JsonMethod,
    path: string,
    body?: unknown,
    contentType = "application/json",
  ): Promise<IncomingMessage> {
    const url = new URL(path, this.server);
    const context = new RequestContext(url.toString(), HttpMethod[method]);
    await this.kc.applySecurityAuthentication(context);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = { ...context.getHeaders(), accept: "application/json" };
    if (payload !== undefined) {
      headers["content-type"] = contentType;
      headers["content-length"] = Buffer.byteLength(payload);
    }
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const agent = context.getAgent();
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = send(url, { method, headers, ...(agent ? { agent } : {}) }, resolve);
      req.setTimeout(this.timeoutMs, () =>
        req.destroy(new Error(`${method} ${url.pathname}: no answer in ${this.timeoutMs} ms`)),
      );
      req.on("error", reject);
      req.end(payload);
    });
  }

  /** Sends `body` (JSON) to `path`; resolves with the parsed answer (undefined for an empty one). */
  async request<T = unknown>(
    method: JsonMethod,
    path: string,
    body?: unknown,
    contentType = "application/json",
  ): Promise<T> {
    const res = await this.open(method, path, body, contentType);
    const { code, text } = await responseText(res);
    if (code >= 200 && code < 300) {
      try {
        return (text ? JSON.parse(text) : undefined) as T;
      } catch (err) {
        throw new Error(`${method} ${path}: answer is not JSON: ${(err as Error).message}`);
      }
    }
    const responseHeaders: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") responseHeaders[k] = v;
    throw new ApiException(
      code,
      `HTTP-Code: ${code}\nMessage: ${statusMessage(text) ?? res.statusMessage ?? ""}`,
      text,
      responseHeaders,
    );
  }

  create<T = unknown>(path: string, body: unknown): Promise<T> {
    return this.request<T>("POST", path, body);
  }

  get<T = unknown>(path: string): Promise<T> {
    return this.request<T>("GET", path);
  }
}

/** The `message` of a Status answer, if the text is one. */
function statusMessage(text: string): string | undefined {
  try {
    const status = JSON.parse(text) as { message?: unknown };
    return typeof status.message === "string" ? status.message : undefined;
  } catch {
    return undefined;
  }
}

/** The path of a namespaced collection or object: `/api/v1/namespaces/NS/pods[/NAME][/SUB]` and the like. */
export function namespacedPath(
  groupVersion: string,
  namespace: string,
  plural: string,
  name?: string,
  subresource?: string,
): string {
  const root = groupVersion.includes("/") ? `/apis/${groupVersion}` : `/api/${groupVersion}`;
  let path = `${root}/namespaces/${encodeURIComponent(namespace)}/${plural}`;
  if (name !== undefined) path += `/${encodeURIComponent(name)}`;
  if (subresource !== undefined) path += `/${subresource}`;
  return path;
}
