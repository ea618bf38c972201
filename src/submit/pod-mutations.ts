/**
 * The SparkApplication fields Spark's configuration cannot carry, applied to a pod the way the kubeflow
 * operator's mutating webhook applies them to driver and executor pods (same order, same merge rules).
 * sparkplane has no webhook: the driver pod gets them directly, the executors through their pod template.
 */
import type { V1Container, V1Pod, V1Volume, V1VolumeMount } from "@kubernetes/client-node";
import type { DriverSpec, ExecutorSpec, SparkApplication } from "../api/v1beta2/sparkapplication.js";
import { SparkEnv, SparkVolume } from "../spark/constants.js";
import { javaMemoryToKubernetesQuantity } from "./memory.js";
import {
  mountsPrometheusConfigMap,
  prometheusConfigMapName,
  prometheusPort,
  prometheusPortName,
} from "./monitoring.js";
import {
  applicationOwnerReference,
  applicationRef,
  executorApplicationOwnerReference,
  withOwnerReference,
} from "./owners.js";
import { PROMETHEUS_MOUNT_PATH } from "./prometheus-defaults.js";

export const KubeflowPath = {
  SparkConfDir: "/etc/spark/conf",
  HadoopConfDir: "/etc/hadoop/conf",
} as const;

export const KubeflowVolume = {
  SparkConfigMap: "spark-configmap-volume",
  HadoopConfigMap: "hadoop-configmap-volume",
} as const;

const MAX_NAME_LENGTH = 63;

export type PodRole = "driver" | "executor";

interface Target {
  pod: V1Pod & { spec: NonNullable<V1Pod["spec"]> };
  container: V1Container;
  app: SparkApplication;
  role: PodRole;
  roleSpec: DriverSpec | ExecutorSpec;
}

type Mutation = (target: Target) => void;

const addVolume = (target: Target, volume: V1Volume) => {
  target.pod.spec.volumes = [...(target.pod.spec.volumes ?? []), volume];
};

const addMount = (target: Target, mount: V1VolumeMount) => {
  target.container.volumeMounts = [...(target.container.volumeMounts ?? []), mount];
};

const addEnv = (target: Target, name: string, value: string) => {
  target.container.env = [...(target.container.env ?? []), { name, value }];
};

const addConfigMap = (target: Target, configMapName: string, volumeName: string, mountPath: string) => {
  addVolume(target, { name: volumeName, configMap: { name: configMapName } });
  addMount(target, { name: volumeName, mountPath, readOnly: true });
};

const addPort = (target: Target, containerPort: number, protocol: string, name: string) => {
  target.container.ports = [...(target.container.ports ?? []), { name, containerPort, protocol }];
};

const sameContainer = (a: V1Container, b: V1Container) => a.name === b.name && a.image === b.image;

const MUTATIONS: Mutation[] = [
  function ownerReference({ pod, app, role }) {
    const reference =
      role === "driver" ? applicationOwnerReference(app) : executorApplicationOwnerReference(app);
    pod.metadata = {
      ...pod.metadata,
      ownerReferences: withOwnerReference(pod.metadata?.ownerReferences, reference),
    };
  },
  function env({ container, roleSpec }) {
    if (roleSpec.env?.length) container.env = [...(container.env ?? []), ...structuredClone(roleSpec.env)];
  },
  function envFrom({ container, roleSpec }) {
    if (roleSpec.envFrom?.length)
      container.envFrom = [...(container.envFrom ?? []), ...structuredClone(roleSpec.envFrom)];
  },
  function hadoopConfigMap(target) {
    const name = target.app.spec.hadoopConfigMap;
    if (name === undefined) return;
    addConfigMap(target, name, KubeflowVolume.HadoopConfigMap, KubeflowPath.HadoopConfDir);
    addEnv(target, SparkEnv.HadoopConfDir, KubeflowPath.HadoopConfDir);
  },
  function sparkConfigMap(target) {
    const name = target.app.spec.sparkConfigMap;
    if (name === undefined) return;
    addConfigMap(target, name, KubeflowVolume.SparkConfigMap, KubeflowPath.SparkConfDir);
    addEnv(target, SparkEnv.ConfDir, KubeflowPath.SparkConfDir);
  },
  function configMaps(target) {
    for (const { name, path } of target.roleSpec.configMaps ?? []) {
      addConfigMap(target, name, `${name}-vol`.slice(0, MAX_NAME_LENGTH), path);
    }
  },
  function volumes(target) {
    const declared = new Map((target.app.spec.volumes ?? []).map((volume) => [volume.name, volume]));
    const added = new Set<string>();
    for (const mount of target.roleSpec.volumeMounts ?? []) {
      if (mount.name.startsWith(SparkVolume.LocalDirPrefix)) continue;
      const volume = declared.get(mount.name);
      if (!volume) continue;
      if (!added.has(mount.name)) addVolume(target, structuredClone(volume));
      added.add(mount.name);
      addMount(target, structuredClone(mount));
    }
  },
  function ports(target) {
    for (const port of target.roleSpec.ports ?? [])
      addPort(target, port.containerPort, port.protocol, port.name);
  },
  function hostNetwork({ pod, roleSpec }) {
    if (!roleSpec.hostNetwork) return;
    pod.spec.hostNetwork = true;
    pod.spec.dnsPolicy = "ClusterFirstWithHostNet";
  },
  function hostAliases({ pod, roleSpec }) {
    if (roleSpec.hostAliases?.length)
      pod.spec.hostAliases = [...(pod.spec.hostAliases ?? []), ...structuredClone(roleSpec.hostAliases)];
  },
  function initContainers({ pod, roleSpec }) {
    const existing = pod.spec.initContainers ?? [];
    const added = (roleSpec.initContainers ?? []).filter((c) => !existing.some((e) => sameContainer(e, c)));
    if (added.length) pod.spec.initContainers = [...existing, ...structuredClone(added)];
  },
  function sidecars({ pod, roleSpec }) {
    const added = (roleSpec.sidecars ?? []).filter(
      (c) => !pod.spec.containers.some((e) => sameContainer(e, c)),
    );
    pod.spec.containers.push(...structuredClone(added));
  },
  function dnsConfig({ pod, roleSpec }) {
    if (roleSpec.dnsConfig) pod.spec.dnsConfig = structuredClone(roleSpec.dnsConfig);
  },
  function priorityClassName({ pod, roleSpec }) {
    const name = roleSpec.priorityClassName;
    if (!name) return;
    pod.spec.priorityClassName = name;
    delete pod.spec.priority;
    delete pod.spec.preemptionPolicy;
  },
  function schedulerName({ pod, app, roleSpec }) {
    const name = app.spec.batchScheduler ?? roleSpec.schedulerName;
    if (name) pod.spec.schedulerName = name;
  },
  function nodeSelector({ pod, roleSpec }) {
    if (roleSpec.nodeSelector) pod.spec.nodeSelector = { ...pod.spec.nodeSelector, ...roleSpec.nodeSelector };
  },
  function affinity({ pod, roleSpec }) {
    if (roleSpec.affinity) pod.spec.affinity = structuredClone(roleSpec.affinity);
  },
  function tolerations({ pod, roleSpec }) {
    if (roleSpec.tolerations?.length)
      pod.spec.tolerations = [...(pod.spec.tolerations ?? []), ...structuredClone(roleSpec.tolerations)];
  },
  function memoryLimit({ container, roleSpec, role }) {
    // Spark overwrites an executor's memory limit with its request, so only the driver can honour it.
    if (role !== "driver" || roleSpec.memoryLimit === undefined) return;
    const resources = container.resources ?? {};
    resources.limits = { ...resources.limits, memory: javaMemoryToKubernetesQuantity(roleSpec.memoryLimit) };
    container.resources = resources;
  },
  function gpu({ container, roleSpec }) {
    const gpu = roleSpec.gpu;
    if (!gpu || gpu.name === "" || gpu.quantity <= 0) return;
    const resources = container.resources ?? {};
    resources.limits = { ...resources.limits, [gpu.name]: String(gpu.quantity) };
    container.resources = resources;
  },
  function prometheus(target) {
    const { spec } = target.app;
    if (!mountsPrometheusConfigMap(spec)) return;
    const exposed =
      target.role === "driver"
        ? spec.monitoring?.exposeDriverMetrics
        : spec.monitoring?.exposeExecutorMetrics;
    if (!exposed) return;
    const name = prometheusConfigMapName(applicationRef(target.app).name);
    addConfigMap(target, name, `${name}-vol`, PROMETHEUS_MOUNT_PATH);
    addPort(target, prometheusPort(spec), "TCP", prometheusPortName(spec));
  },
  function securityContext({ container, roleSpec }) {
    if (roleSpec.securityContext) container.securityContext = structuredClone(roleSpec.securityContext);
  },
  function podSecurityContext({ pod, roleSpec }) {
    if (roleSpec.podSecurityContext) pod.spec.securityContext = structuredClone(roleSpec.podSecurityContext);
  },
  function terminationGracePeriod({ pod, roleSpec }) {
    if (roleSpec.terminationGracePeriodSeconds !== undefined) {
      pod.spec.terminationGracePeriodSeconds = roleSpec.terminationGracePeriodSeconds;
    }
  },
  function lifecycle({ container, roleSpec }) {
    if (roleSpec.lifecycle) container.lifecycle = structuredClone(roleSpec.lifecycle);
  },
  function shareProcessNamespace({ pod, roleSpec }) {
    if (roleSpec.shareProcessNamespace) pod.spec.shareProcessNamespace = true;
  },
];

/**
 * Applies the webhook's mutations to `pod` in place. `containerName` names the Spark container (the webhook
 * looks for the default names; a pod template may have named it differently).
 */
export function applyKubeflowPodMutations(
  pod: V1Pod,
  containerName: string,
  app: SparkApplication,
  role: PodRole,
): void {
  if (!pod.spec) throw new Error("pod has no spec");
  const container = pod.spec.containers.find((c) => c.name === containerName);
  if (!container) throw new Error(`Spark container ${containerName} not found in pod`);
  const target: Target = {
    pod: pod as Target["pod"],
    container,
    app,
    role,
    roleSpec: role === "driver" ? app.spec.driver : app.spec.executor,
  };
  for (const mutation of MUTATIONS) mutation(target);
}
