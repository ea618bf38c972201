/**
 * The objects of a SparkConnect session, built without running Spark: the server pod (a Spark driver in
 * client mode whose main class is the Spark Connect server), its ConfigMap (spark.properties and the
 * executor pod template) and its Service. Spark itself then creates the executors, owned by the server pod.
 *
 * As kubeflow: names `<name>-server` (pod, Service) and `<name>-conf`; labels `connect-name`,
 * `launched-by-spark-operator`, spark-role `connect-server`; the Service's ports 7078, 7079, 4040, 15002.
 * Unlike kubeflow, the conf travels as a properties file read by the image's `driver` entrypoint (no shell
 * command line to quote), and the Spark 3.5 server jar is the one the node provides at SparkPath.ConnectJar.
 */
import type {
  V1ConfigMap,
  V1Container,
  V1EnvVar,
  V1OwnerReference,
  V1Pod,
  V1ResourceRequirements,
  V1Service,
} from "@kubernetes/client-node";
import { parseSparkMemory } from "../api/quantity.js";
import {
  API_VERSION_V1ALPHA1,
  CONNECT_SERVER_ROLE,
  SPARK_CONNECT_PORT,
  SPARK_CONNECT_SERVER_CLASS,
  SparkConnectLabel,
  SparkConnectNames,
} from "../api/v1alpha1/constants.js";
import type { SparkConnect } from "../api/v1alpha1/sparkconnect.js";
import {
  ConfKey,
  ConfPrefix,
  SparkContainer,
  SparkEnv,
  SparkLabel,
  SparkPath,
  SparkValue,
} from "../spark/constants.js";
import { storeProperties } from "./properties.js";
import { dynamicAllocationConf } from "./submit-request.js";

export const CONNECT_EXECUTOR_TEMPLATE_FILE = "executor-pod-template.yaml";
const CONF_VOLUME = "spark-connect-conf";
const DRIVER_PORT = 7078;
const BLOCK_MANAGER_PORT = 7079;
const UI_PORT = 4040;
const MIN_OVERHEAD_MIB = 384;
const OVERHEAD_FACTOR = 0.1;

export interface ConnectNames {
  pod: string;
  service: string;
  configMap: string;
}

export function connectNames(conn: SparkConnect): ConnectNames {
  const name = conn.metadata.name ?? "";
  return {
    pod: `${name}-server`,
    service: conn.spec.server.service?.metadata?.name || `${name}-server`,
    configMap: `${name}-conf`,
  };
}

/** The in-cluster URL a Spark Connect client uses: `sc://<service>.<namespace>.svc:15002`. */
export function connectionURL(conn: SparkConnect): string {
  return `sc://${connectNames(conn).service}.${conn.metadata.namespace}.svc:${SPARK_CONNECT_PORT}`;
}

export function connectOwnerReference(conn: SparkConnect): V1OwnerReference {
  return {
    apiVersion: API_VERSION_V1ALPHA1,
    kind: SparkConnectNames.kind,
    name: conn.metadata.name ?? "",
    uid: conn.metadata.uid ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Labels of every object of the session (kubeflow's GetCommonLabels). */
export function connectCommonLabels(conn: SparkConnect): Record<string, string> {
  return {
    [SparkConnectLabel.CreatedBySparkOperator]: "true",
    [SparkConnectLabel.ConnectName]: conn.metadata.name ?? "",
  };
}

/** Labels selecting the server pod (kubeflow's GetServerSelectorLabels). */
export function connectServerSelector(conn: SparkConnect): Record<string, string> {
  return {
    [SparkConnectLabel.LaunchedBySparkOperator]: "true",
    [SparkConnectLabel.ConnectName]: conn.metadata.name ?? "",
    [SparkLabel.Role]: CONNECT_SERVER_ROLE,
    [SparkLabel.Version]: conn.spec.sparkVersion,
  };
}

export class ConnectSpecError extends Error {}

export interface ConnectServerOptions {
  /** spark.master: `k8s://https://host:port`. */
  master: string;
}

export interface ConnectServerObjects {
  pod: V1Pod;
  configMap: V1ConfigMap;
  service: V1Service;
  properties: ReadonlyMap<string, string>;
}

function imageOf(containers: readonly V1Container[] | undefined, name: string): string | undefined {
  const list = containers ?? [];
  return (list.find((c) => c.name === name) ?? list[0])?.image || undefined;
}

/** The server's Spark configuration, in the order later writers override earlier ones. */
export function connectServerConf(conn: SparkConnect, options: ConnectServerOptions): Map<string, string> {
  const { spec } = conn;
  const name = conn.metadata.name ?? "";
  const names = connectNames(conn);
  const executorImage =
    imageOf(spec.executor.template?.spec?.containers, SparkContainer.Executor) || spec.image;
  if (!executorImage)
    throw new ConnectSpecError(
      "spec.image is required (or an image on spec.executor.template's spark-kubernetes-executor container)",
    );
  const conf = new Map<string, string>();
  const set = (k: string, v: string) => conf.set(k, v);
  set(ConfKey.Master, options.master.startsWith("k8s://") ? options.master : `k8s://${options.master}`);
  set(ConfKey.DeployMode, "client");
  set(ConfKey.AppName, name);
  set(ConfKey.KubernetesNamespace, conn.metadata.namespace ?? "default");
  set(ConfKey.ContainerImage, executorImage);
  set(ConfKey.ExecutorContainerImage, executorImage);
  for (const [k, v] of sortedEntries(spec.sparkConf)) if (k !== ConfKey.DriverPodName) set(k, v);
  // Spark 3.5's server jar comes first in spark.jars, before the user's own.
  if (spec.sparkVersion.startsWith("3."))
    set(ConfKey.Jars, [SparkPath.ConnectJar, conf.get(ConfKey.Jars)].filter(Boolean).join(","));
  for (const [k, v] of sortedEntries(spec.hadoopConf))
    set(k.startsWith(ConfPrefix.Hadoop) ? k : `${ConfPrefix.Hadoop}${k}`, v);
  if (spec.server.cores !== undefined) set(ConfKey.DriverCores, String(spec.server.cores));
  if (spec.server.memory !== undefined) set(ConfKey.DriverMemory, spec.server.memory);
  set(ConfKey.DriverPort, String(DRIVER_PORT));
  set(ConfKey.DriverBlockManagerPort, String(BLOCK_MANAGER_PORT));
  set(ConfKey.DriverPodName, names.pod);
  set(ConfKey.ConnectGrpcBindingPort, String(SPARK_CONNECT_PORT));
  const label = (k: string, v: string) => set(`${ConfPrefix.ExecutorLabel}${k}`, v);
  label(SparkConnectLabel.LaunchedBySparkOperator, "true");
  label(SparkConnectLabel.ConnectName, name);
  for (const [k, v] of sortedEntries(conn.metadata.labels)) label(k, v);
  if (spec.executor.instances !== undefined) set(ConfKey.ExecutorInstances, String(spec.executor.instances));
  if (spec.executor.cores !== undefined) set(ConfKey.ExecutorCores, String(spec.executor.cores));
  if (spec.executor.memory !== undefined) set(ConfKey.ExecutorMemory, spec.executor.memory);
  set(ConfKey.ExecutorPodNamePrefix, name);
  if (spec.executor.template) {
    set(ConfKey.ExecutorPodTemplateFile, `${SparkPath.ConfDir}/${CONNECT_EXECUTOR_TEMPLATE_FILE}`);
    set(ConfKey.ExecutorPodTemplateContainerName, SparkContainer.Executor);
  }
  dynamicAllocationConf(spec.dynamicAllocation, set);
  return conf;
}

function sortedEntries(map: Record<string, string> | undefined): [string, string][] {
  return Object.entries(map ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The server container's requests when its template sets none: Spark's own driver sizing (memory + overhead). */
export function serverResources(conn: SparkConnect): V1ResourceRequirements {
  const cores = conn.spec.server.cores ?? 1;
  const memory = conn.spec.server.memory ?? "1g";
  const parsed = parseSparkMemory(memory);
  if (!parsed.ok)
    throw new ConnectSpecError(`spec.server.memory ${JSON.stringify(memory)}: ${parsed.reason}`);
  const mib = parsed.mib + Math.max(MIN_OVERHEAD_MIB, Math.floor(parsed.mib * OVERHEAD_FACTOR));
  return {
    requests: { cpu: String(cores), memory: `${mib}Mi` },
    limits: { memory: `${mib}Mi` },
  };
}

function buildServerPod(conn: SparkConnect, names: ConnectNames): V1Pod {
  const template = conn.spec.server.template;
  const spec = structuredClone(template?.spec ?? { containers: [] });
  if (!spec.containers || spec.containers.length === 0) spec.containers = [{ name: SparkContainer.Driver }];
  const index = Math.max(
    0,
    spec.containers.findIndex((c) => c.name === SparkContainer.Driver),
  );
  const container = spec.containers[index]!;
  container.image ||= conn.spec.image;
  if (!container.image)
    throw new ConnectSpecError(
      "spec.image is required (or an image on spec.server.template's spark-kubernetes-driver container)",
    );
  delete container.command;
  container.args = [
    "driver",
    "--properties-file",
    SparkPath.PropertiesFile,
    // Executors reach the server at its pod IP (as kubeflow sets it); the kubelet expands $(VAR) in args.
    "--conf",
    `${ConfKey.DriverHost}=$(${SparkEnv.DriverBindAddress})`,
    "--class",
    SPARK_CONNECT_SERVER_CLASS,
    SparkValue.NoResource,
  ];
  const env: V1EnvVar[] = [
    {
      name: SparkEnv.DriverBindAddress,
      valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "status.podIP" } },
    },
    { name: SparkEnv.ConfDir, value: SparkPath.ConfDir },
    { name: "SPARK_NO_DAEMONIZE", value: "true" },
  ];
  container.env = [...(container.env ?? []).filter((e) => !env.some((o) => o.name === e.name)), ...env];
  container.ports = [
    ...(container.ports ?? []),
    { name: "spark-connect", containerPort: SPARK_CONNECT_PORT, protocol: "TCP" },
  ];
  if (!container.resources?.requests) container.resources = serverResources(conn);
  container.readinessProbe ??= {
    tcpSocket: { port: SPARK_CONNECT_PORT },
    periodSeconds: 2,
    timeoutSeconds: 1,
    failureThreshold: 3,
  };
  container.volumeMounts = [
    ...(container.volumeMounts ?? []),
    { name: CONF_VOLUME, mountPath: SparkPath.ConfDir, readOnly: true },
  ];
  spec.volumes = [...(spec.volumes ?? []), { name: CONF_VOLUME, configMap: { name: names.configMap } }];
  spec.restartPolicy = "Never";
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: names.pod,
      namespace: conn.metadata.namespace ?? "default",
      labels: { ...template?.metadata?.labels, ...connectServerSelector(conn) },
      ...(template?.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ownerReferences: [connectOwnerReference(conn)],
    },
    spec,
  };
}

function buildService(conn: SparkConnect, names: ConnectNames): V1Service {
  const given = conn.spec.server.service;
  const port = (name: string, number: number, appProtocol: string) => ({
    name,
    port: number,
    targetPort: number,
    protocol: "TCP",
    appProtocol,
  });
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      ...given?.metadata,
      name: names.service,
      namespace: conn.metadata.namespace ?? "default",
      labels: { ...given?.metadata?.labels, ...connectCommonLabels(conn) },
      ownerReferences: [connectOwnerReference(conn)],
    },
    spec: {
      ...given?.spec,
      ports: given?.spec?.ports?.length
        ? given.spec.ports
        : [
            port("driver-rpc", DRIVER_PORT, "tcp"),
            port("blockmanager", BLOCK_MANAGER_PORT, "tcp"),
            port("web-ui", UI_PORT, "http"),
            port("spark-connect-server", SPARK_CONNECT_PORT, "grpc"),
          ],
      selector: { ...given?.spec?.selector, ...connectServerSelector(conn) },
    } as V1Service["spec"],
  };
}

/** Every object of the session; throws ConnectSpecError naming the field when the spec cannot run. */
export function buildConnectServer(
  conn: SparkConnect,
  options: ConnectServerOptions,
  now: Date,
): ConnectServerObjects {
  if (!conn.metadata.name || !conn.metadata.namespace)
    throw new ConnectSpecError("SparkConnect needs metadata.name and metadata.namespace");
  const names = connectNames(conn);
  const properties = connectServerConf(conn, options);
  const data: Record<string, string> = {
    [SparkPath.PropertiesFileName]: storeProperties(properties, {
      comments: `Spark Connect server of SparkConnect ${conn.metadata.namespace}/${conn.metadata.name}`,
      date: now,
    }),
  };
  if (conn.spec.executor.template)
    // Spark loads the template file as a Pod (JSON is YAML).
    data[CONNECT_EXECUTOR_TEMPLATE_FILE] = JSON.stringify(
      { apiVersion: "v1", kind: "Pod", ...conn.spec.executor.template },
      null,
      2,
    );
  return {
    pod: buildServerPod(conn, names),
    configMap: {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: names.configMap,
        namespace: conn.metadata.namespace,
        labels: connectCommonLabels(conn),
        ownerReferences: [connectOwnerReference(conn)],
      },
      data,
    },
    service: buildService(conn, names),
    properties,
  };
}
