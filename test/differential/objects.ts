/**
 * The differential test's machinery: capture what a submitter created in a namespace, remove it, normalise the
 * generated identifiers and list the differences between two captures as paths.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type {
  CoreV1Api,
  V1ConfigMap,
  V1PersistentVolumeClaim,
  V1Pod,
  V1Service,
} from "@kubernetes/client-node";
import { loadProperties } from "../../src/submit/properties.js";

/** ConfigMaps the API server puts in every namespace. */
const SYSTEM_CONFIG_MAPS = new Set(["kube-root-ca.crt"]);

export interface Captured {
  pods: V1Pod[];
  configMaps: V1ConfigMap[];
  services: V1Service[];
  claims: V1PersistentVolumeClaim[];
}

export async function capture(core: CoreV1Api, namespace: string): Promise<Captured> {
  const [pods, configMaps, services, claims] = await Promise.all([
    core.listNamespacedPod({ namespace }),
    core.listNamespacedConfigMap({ namespace }),
    core.listNamespacedService({ namespace }),
    core.listNamespacedPersistentVolumeClaim({ namespace }),
  ]);
  return {
    pods: pods.items,
    configMaps: configMaps.items.filter((c) => !SYSTEM_CONFIG_MAPS.has(c.metadata?.name ?? "")),
    services: services.items,
    claims: claims.items,
  };
}

const ignoreNotFound = (err: unknown) => {
  if ((err as { code?: number }).code !== 404) throw err;
};

/**
 * Deletes what a submission created and waits until it is gone (the garbage collector may be deleting the
 * driver's dependents at the same time), so the next submitter starts from an empty namespace.
 */
export async function wipe(core: CoreV1Api, namespace: string, objects: Captured): Promise<void> {
  await Promise.all([
    ...objects.pods.map((p) =>
      core
        .deleteNamespacedPod({ namespace, name: p.metadata!.name!, gracePeriodSeconds: 0 })
        .catch(ignoreNotFound),
    ),
    ...objects.configMaps.map((c) =>
      core.deleteNamespacedConfigMap({ namespace, name: c.metadata!.name! }).catch(ignoreNotFound),
    ),
    ...objects.services.map((s) =>
      core.deleteNamespacedService({ namespace, name: s.metadata!.name! }).catch(ignoreNotFound),
    ),
    ...objects.claims.map((c) =>
      core
        .deleteNamespacedPersistentVolumeClaim({ namespace, name: c.metadata!.name! })
        .catch(ignoreNotFound),
    ),
  ]);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const left = await capture(core, namespace);
    const count = left.pods.length + left.configMaps.length + left.services.length + left.claims.length;
    if (count === 0) return;
    if (Date.now() > deadline) throw new Error(`objects left in ${namespace} after deletion: ${count}`);
    await sleep(100);
  }
}

/** A value of the normalised view: JSON, with lists of named things turned into objects keyed by name. */
export type View = unknown;

/** The generated identifiers of one capture, before normalisation (to check how each side draws them). */
export interface GeneratedIds {
  appId?: string;
  submissionId?: string;
  /** The uniqueID in the driver Service name. */
  serviceId?: string;
  /** The uniqueID in the spark.properties ConfigMap name. */
  confMapId?: string;
  /**
   * The uniqueID of the resource prefix `<app>-<id>`, read from the executor pod template ConfigMap
   * `<prefix>-driver-podspec-conf-map` (the only object named after the prefix when the Service name falls back).
   */
  resourcePrefixId?: string;
  /** The UUID of the default scratch directory /var/data/spark-<uuid>. */
  localDirUuid?: string;
}

export function generatedIds(objects: Captured): GeneratedIds {
  const driver = objects.pods[0];
  const labels = driver?.metadata?.labels ?? {};
  const ids: GeneratedIds = {};
  if (labels["spark-app-selector"]) ids.appId = labels["spark-app-selector"];
  if (labels["sparkoperator.k8s.io/submission-id"])
    ids.submissionId = labels["sparkoperator.k8s.io/submission-id"];
  for (const s of objects.services) {
    const m = /(?:^spark|-)([0-9a-f]{6,16})-driver-svc$/.exec(s.metadata?.name ?? "");
    if (m) ids.serviceId = m[1]!;
  }
  for (const c of objects.configMaps) {
    const m = /^spark-drv-([0-9a-f]{6,16})-conf-map$/.exec(c.metadata?.name ?? "");
    if (m) ids.confMapId = m[1]!;
    const prefix = /-([0-9a-f]{6,16})-driver-podspec-conf-map$/.exec(c.metadata?.name ?? "");
    if (prefix) ids.resourcePrefixId = prefix[1]!;
  }
  const localDirs = driver?.spec?.containers
    .flatMap((c) => c.env ?? [])
    .find((e) => e.name === "SPARK_LOCAL_DIRS")?.value;
  const m = /^\/var\/data\/spark-([0-9a-f-]{36})$/.exec(localDirs ?? "");
  if (m) ids.localDirUuid = m[1]!;
  return ids;
}

/** String substitutions for the generated parts of one capture (ids, uids, random names, temp paths). */
function substitutions(objects: Captured): [RegExp | string, string][] {
  const subs: [RegExp | string, string][] = [];
  const driver = objects.pods[0];
  const appId = driver?.metadata?.labels?.["spark-app-selector"];
  if (appId) subs.push([appId, "<app-id>"]);
  if (driver?.metadata?.uid) subs.push([driver.metadata.uid, "<driver-pod-uid>"]);
  // uniqueIDs: Spark's 6 random hex + hex(time), sparkplane's 16 hex; in service and ConfigMap names and in
  // everything named after the resource prefix (e.g. the executor pod template ConfigMap).
  const { serviceId, confMapId, resourcePrefixId } = generatedIds(objects);
  for (const id of new Set([serviceId, confMapId, resourcePrefixId])) if (id) subs.push([id, "<unique-id>"]);
  subs.push(
    [
      /\/var\/data\/spark-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
      "/var/data/spark-<uuid>",
    ],
    [/spark-upload-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "spark-upload-<uuid>"],
    [/kube-api-access-[a-z0-9]{5}/g, "kube-api-access-<random>"],
    [/\/[^\s,]*\/sparkplane-submit-[A-Za-z0-9]{6}\//g, "<template-dir>/"],
  );
  return subs;
}

function substituteAll(value: unknown, subs: [RegExp | string, string][]): unknown {
  if (typeof value === "string") {
    let out = value;
    for (const [from, to] of subs)
      out = typeof from === "string" ? out.replaceAll(from, to) : out.replace(from, to);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => substituteAll(v, subs));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [substituteAll(k, subs), substituteAll(v, subs)]),
    );
  }
  return value;
}

/** JSON round trip: drops undefined fields and turns Dates into strings. */
const plain = <T>(value: T): unknown => JSON.parse(JSON.stringify(value));

/** A list as an object keyed by `key` (later duplicates get `#2`, `#3` ... so nothing is lost). */
function keyed(
  list: unknown,
  key: (item: Record<string, unknown>) => string,
): Record<string, unknown> | undefined {
  if (!Array.isArray(list)) return undefined;
  const out: Record<string, unknown> = {};
  for (const item of list as Record<string, unknown>[]) {
    const base = key(item);
    let name = base;
    for (let n = 2; name in out; n++) name = `${base}#${n}`;
    out[name] = item;
  }
  return out;
}

function keyedContainer(container: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...container };
  for (const [field, key] of [
    ["env", (e: Record<string, unknown>) => String(e.name)],
    ["ports", (p: Record<string, unknown>) => String(p.name ?? p.containerPort)],
    ["volumeMounts", (m: Record<string, unknown>) => String(m.mountPath)],
  ] as const) {
    if (field in out) out[field] = keyed(out[field], key);
  }
  return out;
}

/** Metadata fields that are the same kind of thing on both sides; the rest is generated by the API server. */
function metadataView(metadata: Record<string, unknown> | undefined): Record<string, unknown> {
  const m = metadata ?? {};
  const out: Record<string, unknown> = {};
  for (const field of ["name", "generateName", "namespace", "labels", "annotations", "finalizers"]) {
    if (m[field] !== undefined) out[field] = m[field];
  }
  if (m.ownerReferences !== undefined) {
    out.ownerReferences = keyed(m.ownerReferences, (o) => `${String(o.kind)}/${String(o.name)}`);
  }
  return out;
}

function podView(pod: V1Pod): Record<string, unknown> {
  const spec = plain(pod.spec) as Record<string, unknown>;
  for (const field of ["containers", "initContainers"]) {
    const list = spec[field] as Record<string, unknown>[] | undefined;
    if (list) spec[field] = keyed(list.map(keyedContainer), (c) => String(c.name));
  }
  if (spec.volumes) spec.volumes = keyed(spec.volumes, (v) => String(v.name));
  return { metadata: metadataView(plain(pod.metadata) as Record<string, unknown>), spec };
}

function serviceView(service: V1Service): Record<string, unknown> {
  const spec = plain(service.spec) as Record<string, unknown>;
  // Allocated by the API server (None for a headless Service, but listed for completeness).
  delete spec.clusterIPs;
  if (spec.ports) spec.ports = keyed(spec.ports, (p) => String(p.name ?? p.port));
  return { metadata: metadataView(plain(service.metadata) as Record<string, unknown>), spec };
}

/** The header comment lines of a properties text (the date line is the last one and is dropped). */
function propertiesHeader(text: string): string[] {
  const comments: string[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("#")) break;
    comments.push(line);
  }
  return comments.slice(0, -1);
}

function configMapView(configMap: V1ConfigMap): Record<string, unknown> {
  const data: Record<string, unknown> = { ...configMap.data };
  const text = configMap.data?.["spark.properties"];
  if (text !== undefined) {
    const properties = Object.fromEntries(loadProperties(text));
    if ("spark.app.submitTime" in properties) properties["spark.app.submitTime"] = "<time>";
    data["spark.properties"] = { header: propertiesHeader(text), properties };
  }
  const out: Record<string, unknown> = {
    metadata: metadataView(plain(configMap.metadata) as Record<string, unknown>),
    data,
  };
  if (configMap.immutable !== undefined) out.immutable = configMap.immutable;
  if (configMap.binaryData !== undefined) out.binaryData = configMap.binaryData;
  return out;
}

/** The comparable form of a capture, generated ids replaced by placeholders. */
export function normalise(objects: Captured): Record<string, unknown> {
  const view = {
    pods: keyed(objects.pods.map(podView), (p) => String((p.metadata as { name?: string }).name)),
    configMaps: keyed(objects.configMaps.map(configMapView), (c) =>
      String((c.metadata as { name?: string }).name),
    ),
    services: keyed(objects.services.map(serviceView), (s) => String((s.metadata as { name?: string }).name)),
    claims: keyed(
      objects.claims.map((c) => ({
        metadata: metadataView(plain(c.metadata) as Record<string, unknown>),
        spec: plain(c.spec),
      })),
      (c) => String((c.metadata as { name?: string }).name),
    ),
  };
  return substituteAll(view, substitutions(objects)) as Record<string, unknown>;
}

export interface Difference {
  /** e.g. `pods[spark-pi-driver].spec.containers[spark-kubernetes-driver].env[SPARK_USER].value` */
  path: string;
  native: unknown;
  sparkSubmit: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Every leaf where the two views differ (a subtree missing on one side is one difference). */
export function differences(native: unknown, sparkSubmit: unknown, path = ""): Difference[] {
  if (isObject(native) && isObject(sparkSubmit)) {
    const keys = [...new Set([...Object.keys(native), ...Object.keys(sparkSubmit)])].sort();
    return keys.flatMap((key) => {
      const segment = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? (path ? `.${key}` : key) : `[${key}]`;
      return differences(native[key], sparkSubmit[key], `${path}${segment}`);
    });
  }
  if (Array.isArray(native) && Array.isArray(sparkSubmit) && native.length === sparkSubmit.length) {
    return native.flatMap((item, i) => differences(item, sparkSubmit[i], `${path}[${i}]`));
  }
  if (JSON.stringify(native) === JSON.stringify(sparkSubmit)) return [];
  return [{ path, native, sparkSubmit }];
}
