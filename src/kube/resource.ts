import {
  ApiException,
  createConfiguration,
  HttpMethod,
  type KubeConfig,
  type KubernetesObject,
  ServerConfiguration,
} from "@kubernetes/client-node";
// Not re-exported by the package root; used so informer objects match what the typed clients return.
import { ObjectSerializer } from "@kubernetes/client-node/dist/gen/models/ObjectSerializer.js";

/** A kind of object and where it lives in the API. */
export interface ResourceType {
  /** "v1" for the core group, else "group/version". */
  apiVersion: string;
  kind: string;
  /** The resource name in URLs, e.g. "pods". */
  plural: string;
  /** False for cluster-scoped kinds (default true). */
  namespaced?: boolean;
  /**
   * The client-node model to convert objects into (e.g. "V1Pod": timestamps become Date), as the typed
   * clients do. Leave unset for custom resources: they stay plain JSON, like CustomObjectsApi returns them.
   */
  model?: string;
}

export const Resources = {
  pods: { apiVersion: "v1", kind: "Pod", plural: "pods", model: "V1Pod" },
  services: { apiVersion: "v1", kind: "Service", plural: "services", model: "V1Service" },
  configMaps: { apiVersion: "v1", kind: "ConfigMap", plural: "configmaps", model: "V1ConfigMap" },
  events: { apiVersion: "v1", kind: "Event", plural: "events", model: "CoreV1Event" },
  namespaces: {
    apiVersion: "v1",
    kind: "Namespace",
    plural: "namespaces",
    namespaced: false,
    model: "V1Namespace",
  },
  nodes: { apiVersion: "v1", kind: "Node", plural: "nodes", namespaced: false, model: "V1Node" },
  leases: { apiVersion: "coordination.k8s.io/v1", kind: "Lease", plural: "leases", model: "V1Lease" },
} satisfies Record<string, ResourceType>;

/** The URL path of a collection: all namespaces when `namespace` is undefined (or the kind is cluster-scoped). */
export function collectionPath(resource: ResourceType, namespace?: string): string {
  const root = resource.apiVersion.includes("/")
    ? `/apis/${resource.apiVersion}`
    : `/api/${resource.apiVersion}`;
  const scoped = resource.namespaced !== false && namespace !== undefined;
  return scoped
    ? `${root}/namespaces/${encodeURIComponent(namespace)}/${resource.plural}`
    : `${root}/${resource.plural}`;
}

/** "namespace/name", or "name" for a cluster-scoped object: the work-queue key of client-go. */
export function objectKey(obj: KubernetesObject): string {
  const name = obj.metadata?.name ?? "";
  const namespace = obj.metadata?.namespace;
  return namespace ? `${namespace}/${name}` : name;
}

export function namespacedKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** The inverse of `objectKey`. */
export function splitKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf("/");
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** A plain JSON object from the API server as the resource's client-node model, with apiVersion and kind set. */
export function fromWire<T extends KubernetesObject>(resource: ResourceType, raw: KubernetesObject): T {
  const obj = (resource.model ? ObjectSerializer.deserialize(raw, resource.model, "") : raw) as T;
  // List items come without apiVersion/kind; events and owner references need them.
  obj.apiVersion ??= resource.apiVersion;
  obj.kind ??= resource.kind;
  return obj;
}

export interface ListPage {
  items: KubernetesObject[];
  metadata?: { resourceVersion?: string; continue?: string };
}

/**
 * GETs of raw JSON through client-node's own transport (TLS, auth, token refresh), for any resource path
 * without per-kind typed methods.
 */
export class RawGetter {
  private readonly config;

  constructor(kc: KubeConfig) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error("kubeconfig has no current cluster");
    this.config = createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: kc },
    });
  }

  async get(
    path: string,
    query: Record<string, string | number | undefined>,
    signal?: AbortSignal,
  ): Promise<unknown> {
    const ctx = this.config.baseServer.makeRequestContext(path, HttpMethod.GET);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) ctx.setQueryParam(k, String(v));
    ctx.setHeaderParam("Accept", "application/json");
    if (signal) ctx.setSignal(signal);
    await this.config.authMethods.default?.applySecurityAuthentication(ctx);
    const response = await this.config.httpApi.send(ctx).toPromise();
    const body = await response.body.text();
    if (response.httpStatusCode < 200 || response.httpStatusCode > 299) {
      throw new ApiException(response.httpStatusCode, `GET ${path}`, body, response.headers);
    }
    return JSON.parse(body);
  }
}
