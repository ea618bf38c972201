/**
 * The operator's shared caches: one spec per informer, requested by every controller that reads it
 * (`ctx.informers.informer(SPARK_PODS, indexes)`), so each kind of object is listed and watched once.
 * What a cache keeps of its objects is decided here, for all its readers.
 */
import type { KubernetesObject } from "@kubernetes/client-node";
import { SPARKPLANE_API_VERSION, SparkQueueNames } from "../../api/sparkplane/constants.js";
import { API_VERSION, OperatorLabel, SparkApplicationNames } from "../../api/v1beta2/constants.js";
import { BOUND_PODS_FIELD_SELECTOR } from "../../diagnose/pending.js";
import { type SharedInformer, stripBookkeeping } from "../../kube/informer.js";
import type { InformerSpec } from "../../kube/informer-registry.js";
import { Resources, type ResourceType } from "../../kube/resource.js";
import { labelIndex } from "../../kube/store.js";

export const SPARK_APPLICATION_RESOURCE: ResourceType = {
  apiVersion: API_VERSION,
  kind: SparkApplicationNames.kind,
  plural: SparkApplicationNames.plural,
};

/**
 * A resource cached as the server's JSON, without conversion to client-node's model (no walk over every
 * field per event; timestamps stay strings). The controllers read pods' and Services' timestamps only for
 * presence (deletionTimestamp).
 */
function asPlainJson(resource: ResourceType): ResourceType {
  const { model: _model, ...plain } = resource;
  return plain;
}

/** A container as the pod caches keep it: its requests only (what the scheduler counts). */
interface CachedContainer {
  resources: { requests: Record<string, string> };
}

/**
 * The part of a pod's spec the controllers read: a gated pod's gates and priority (queues, placement), the
 * node it is bound to (whose Summary API says what it used: cost), and, while it is not bound, what the
 * scheduler weighs (requests, tolerations, node selection): the pending diagnosis reads it from here, never
 * from the API server.
 */
interface CachedPodSpec {
  schedulingGates?: { name: string }[];
  priority?: number;
  nodeName?: string;
  containers?: CachedContainer[];
  initContainers?: CachedContainer[];
  overhead?: Record<string, string>;
  tolerations?: unknown[];
  nodeSelector?: Record<string, string>;
  affinity?: { nodeAffinity: unknown };
}

interface RawPodSpec {
  schedulingGates?: { name: string }[];
  priority?: number;
  nodeName?: string;
  containers?: { resources?: { requests?: Record<string, string> } }[];
  initContainers?: { resources?: { requests?: Record<string, string> } }[];
  overhead?: Record<string, string>;
  tolerations?: unknown[];
  nodeSelector?: Record<string, string>;
  affinity?: { nodeAffinity?: unknown };
}

/** Containers reduced to their requests; undefined when none requests anything. */
function requestsOnly(containers: RawPodSpec["containers"]): CachedContainer[] | undefined {
  const kept = (containers ?? [])
    .map((c) => c.resources?.requests)
    .filter((r): r is Record<string, string> => r !== undefined && Object.keys(r).length > 0)
    .map((requests) => ({ resources: { requests } }));
  return kept.length > 0 ? kept : undefined;
}

/** What the scheduler weighs for a pod, as `CachedPodSpec` keeps it. */
export function schedulingSpec(spec: RawPodSpec | undefined): CachedPodSpec {
  const kept: CachedPodSpec = {};
  if (!spec) return kept;
  const containers = requestsOnly(spec.containers);
  const initContainers = requestsOnly(spec.initContainers);
  if (containers) kept.containers = containers;
  if (initContainers) kept.initContainers = initContainers;
  if (spec.overhead && Object.keys(spec.overhead).length > 0) kept.overhead = spec.overhead;
  if (spec.tolerations?.length) kept.tolerations = spec.tolerations;
  if (spec.nodeSelector && Object.keys(spec.nodeSelector).length > 0) kept.nodeSelector = spec.nodeSelector;
  if (spec.affinity?.nodeAffinity) kept.affinity = { nodeAffinity: spec.affinity.nodeAffinity };
  return kept;
}

/**
 * Cached Spark pods: metadata (without managedFields), status, and of the spec only what `CachedPodSpec`
 * keeps: a bound pod its node, an unbound one what the scheduler weighs (and its gates).
 */
export function slimSparkPod(raw: KubernetesObject): KubernetesObject {
  const { spec, ...rest } = stripBookkeeping(raw) as KubernetesObject & { spec?: RawPodSpec };
  const kept: CachedPodSpec = spec?.nodeName ? { nodeName: spec.nodeName } : schedulingSpec(spec);
  if (spec?.schedulingGates?.length) {
    kept.schedulingGates = spec.schedulingGates;
    if (spec.priority !== undefined) kept.priority = spec.priority;
  }
  return Object.keys(kept).length === 0 ? rest : ({ ...rest, spec: kept } as KubernetesObject);
}

/** Cached Services: metadata (without managedFields) and the cluster IP (status.driverInfo.webUIAddress). */
function metadataAndClusterIP(raw: KubernetesObject): KubernetesObject {
  const clusterIP = (raw as { spec?: { clusterIP?: string } }).spec?.clusterIP;
  const slim = { apiVersion: raw.apiVersion, kind: raw.kind, metadata: stripBookkeeping(raw).metadata };
  return clusterIP === undefined ? slim : ({ ...slim, spec: { clusterIP } } as KubernetesObject);
}

/** SparkApplications, plain JSON (custom objects: string timestamps), without managedFields (-135 MB at 10,000). */
export const SPARK_APPLICATIONS: InformerSpec = {
  key: "sparkapplications",
  resource: SPARK_APPLICATION_RESOURCE,
};

/**
 * Spark's pods (driver and executors carry `spark-role`): metadata and status, kept as the server's JSON.
 * Most of their spec is not cached (`slimSparkPod`): a reader that needs part of it adds that part here.
 */
export const SPARK_PODS: InformerSpec = {
  key: "pods/spark-role",
  resource: asPlainJson(Resources.pods),
  labelSelector: "spark-role",
  transform: slimSparkPod,
};

/** An index of SPARK_PODS shared by its readers: Spark pods by their app's name (the operator's label). */
export const PODS_BY_APP = "app";
export const podsByApp = labelIndex<KubernetesObject>(OperatorLabel.AppName);

/** The Services the operator made for apps (the UI Service): whether one exists, and its cluster IP. */
export const SPARK_APP_SERVICES: InformerSpec = {
  key: "services/app-name",
  resource: asPlainJson(Resources.services),
  labelSelector: OperatorLabel.AppName,
  transform: metadataAndClusterIP,
};

/**
 * Every live pod bound to a node, in every namespace (not only the watched ones: any pod takes a node's
 * room), as its node, phase and requests: what each node has left, for the pending diagnosis. The field
 * selector keeps the unbound and the ended out of the cache (the server sends DELETED when a pod ends).
 */
function boundPodEssentials(raw: KubernetesObject): KubernetesObject {
  const pod = raw as KubernetesObject & { spec?: RawPodSpec; status?: { phase?: string } };
  const spec: CachedPodSpec = { nodeName: pod.spec?.nodeName };
  const containers = requestsOnly(pod.spec?.containers);
  const initContainers = requestsOnly(pod.spec?.initContainers);
  if (containers) spec.containers = containers;
  if (initContainers) spec.initContainers = initContainers;
  if (pod.spec?.overhead) spec.overhead = pod.spec.overhead;
  return {
    metadata: {
      name: pod.metadata?.name,
      namespace: pod.metadata?.namespace,
      resourceVersion: pod.metadata?.resourceVersion,
    },
    spec,
    status: { phase: pod.status?.phase },
  } as KubernetesObject;
}

export const BOUND_PODS: InformerSpec = {
  key: "pods/bound",
  resource: asPlainJson(Resources.pods),
  fieldSelector: BOUND_PODS_FIELD_SELECTOR,
  allNamespaces: true,
  transform: boundPodEssentials,
};

/** An index of BOUND_PODS: pods by the node they are bound to. */
export const PODS_BY_NODE = "node";
export const podsByNode = (pod: KubernetesObject): string[] => {
  const node = (pod as { spec?: { nodeName?: string } }).spec?.nodeName;
  return node ? [node] : [];
};

export const SPARK_QUEUE_RESOURCE: ResourceType = {
  apiVersion: SPARKPLANE_API_VERSION,
  kind: SparkQueueNames.kind,
  plural: SparkQueueNames.plural,
  namespaced: false,
};

/** SparkQueues (cluster-scoped), plain JSON. */
export const SPARK_QUEUES: InformerSpec = { key: "sparkqueues", resource: SPARK_QUEUE_RESOURCE };

/**
 * What the controllers read of a Node: labels, taints, unschedulable, allocatable and the Ready condition;
 * its addresses and kubelet port (cost reads what pods used from the kubelet).
 */
function nodeEssentials(raw: KubernetesObject): KubernetesObject {
  const node = stripBookkeeping(raw) as KubernetesObject & {
    spec?: { taints?: unknown; unschedulable?: boolean };
    status?: {
      allocatable?: unknown;
      conditions?: { type: string; status: string }[];
      addresses?: unknown;
      daemonEndpoints?: unknown;
    };
  };
  const ready = node.status?.conditions?.filter((c) => c.type === "Ready");
  return {
    apiVersion: node.apiVersion,
    kind: node.kind,
    metadata: node.metadata,
    spec: { taints: node.spec?.taints, unschedulable: node.spec?.unschedulable },
    status: {
      allocatable: node.status?.allocatable,
      conditions: ready,
      addresses: node.status?.addresses,
      daemonEndpoints: node.status?.daemonEndpoints,
    },
  } as KubernetesObject;
}

/** Nodes, plain JSON, slimmed by `nodeEssentials`. */
export const NODES: InformerSpec = {
  key: "nodes",
  resource: asPlainJson(Resources.nodes),
  transform: nodeEssentials,
};

/** Read access to an informer's cache. */
export interface Lister<T> {
  get(namespace: string, name: string): T | undefined;
  /** Objects whose label `label` has value `value`, in the namespace. */
  byLabel(namespace: string, label: string, value: string): T[];
}

/** A Lister over an informer; labels listed in `indexByLabel` are looked up through that index, others by a scan. */
export function listerOf<T>(
  informer: SharedInformer<KubernetesObject>,
  indexByLabel: Record<string, string> = {},
): Lister<T> {
  return {
    get: (namespace, name) => informer.get(namespace, name) as T | undefined,
    byLabel: (namespace, label, value) => {
      const index = indexByLabel[label];
      if (index) return informer.byIndex(index, value, namespace) as T[];
      return informer.list(namespace).filter((o) => o.metadata?.labels?.[label] === value) as T[];
    },
  };
}
