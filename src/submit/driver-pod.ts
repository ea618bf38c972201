/**
 * The driver pod, built as Spark's KubernetesDriverBuilder builds it (feature steps in Spark's order, then the
 * submission client's conf volume), with the SparkApplication fields the kubeflow webhook would add on top.
 */
import type {
  V1Container,
  V1EnvVar,
  V1Pod,
  V1PodSpec,
  V1Volume,
  V1VolumeMount,
} from "@kubernetes/client-node";
import type { SparkApplication } from "../api/v1beta2/sparkapplication.js";
import {
  ConfKey,
  ConfPrefix,
  SparkConfigMap,
  SparkContainer,
  SparkEnv,
  SparkLabel,
  SparkPath,
  SparkPort,
  SparkPortName,
  SparkRole,
  SparkValue,
  SparkVolume,
} from "../spark/constants.js";
import { confVolumes, prefixedEntries, secretKeyRefEnv, secretMounts } from "./conf-volumes.js";
import { type DriverMemory, driverCpu, javaTrim, parseJavaBoolean, parseJavaInt } from "./memory.js";
import { appNameLabel } from "./names.js";
import { applyKubeflowPodMutations } from "./pod-mutations.js";
import { SparkFeatureSince, sparkAtLeast } from "./spark-version.js";
import type { ResolvedSubmission } from "./sparkconf.js";

export interface DriverPodInput {
  app: SparkApplication;
  /** The SparkConf as spark-submit resolved it (before the feature steps' additions). */
  resolved: ResolvedSubmission;
  appId: string;
  resourcePrefix: string;
  podName: string;
  namespace: string;
  memory: DriverMemory;
  /** Name of the spark.properties ConfigMap and the file keys it mounts. */
  configMapName: string;
  confFileNames: string[];
  executorPodTemplateConfigMapName?: string;
  /** Default scratch directory when none is configured. */
  defaultLocalDir: string;
  /** SPARK_USER when there is no proxy user. */
  sparkUser: string;
  sparkVersion: string;
}

/** spark.kubernetes.driver.securityContext.allowPrivilegeEscalation, falling back to the role-less key. */
function allowPrivilegeEscalation(conf: ReadonlyMap<string, string>): boolean {
  for (const key of [ConfKey.DriverAllowPrivilegeEscalation, ConfKey.AllowPrivilegeEscalation]) {
    const value = conf.get(key);
    if (value !== undefined) return parseJavaBoolean(value, key);
  }
  return false;
}

/** Spark's label value placeholders (Utils.substituteAppNExecIds) with the driver's values. */
function substituteIds(value: string, appId: string): string {
  return value
    .replaceAll(SparkValue.AppIdPlaceholder, appId)
    .replaceAll(SparkValue.ExecutorIdPlaceholder, "");
}

/** The driver pod's Spark labels: custom ones plus Spark's reserved ones (the Service selects on them). */
export function driverLabels(
  conf: ReadonlyMap<string, string>,
  appId: string,
  appName: string,
  sparkVersion: string,
) {
  const preset: Record<string, string> = {
    [SparkLabel.Version]: sparkVersion,
    [SparkLabel.AppId]: appId,
    [SparkLabel.AppName]: appNameLabel(appName),
    [SparkLabel.Role]: SparkRole.Driver,
  };
  const custom = Object.fromEntries(
    prefixedEntries(conf, ConfPrefix.DriverLabel).map(([key, value]) => [key, substituteIds(value, appId)]),
  );
  for (const key of Object.keys(preset)) {
    if (key in custom) {
      throw new Error(
        `Label with key ${key} is not allowed as it is reserved for Spark bookkeeping operations.`,
      );
    }
  }
  return { ...custom, ...preset };
}

/** The template pod and its Spark container (named spark-kubernetes-driver, else the first one). */
function initialPod(app: SparkApplication): { pod: V1Pod & { spec: V1PodSpec }; container: V1Container } {
  const template = app.spec.driver.template;
  const spec: V1PodSpec = template?.spec ? structuredClone(template.spec) : { containers: [] };
  const containers = spec.containers ?? [];
  const index = Math.max(
    containers.findIndex((c) => c.name === SparkContainer.Driver),
    0,
  );
  const container = containers[index] ?? { name: SparkContainer.Driver };
  spec.containers = containers.filter((_, i) => i !== index);
  const metadata = template?.metadata ? structuredClone(template.metadata) : {};
  return { pod: { apiVersion: "v1", kind: "Pod", metadata, spec }, container };
}

function driverResourceLimits(conf: ReadonlyMap<string, string>): Record<string, string> {
  const names = new Set(
    prefixedEntries(conf, ConfPrefix.DriverResource)
      .filter(([key]) => key.includes("."))
      .map(([key]) => key.slice(0, key.indexOf("."))),
  );
  const limits: Record<string, string> = {};
  for (const name of names) {
    const amountKey = `${ConfPrefix.DriverResource}${name}.amount`;
    const amount = conf.get(amountKey);
    if (amount === undefined) throw new Error(`You must specify an amount for ${name}`);
    const vendor = conf.get(`${ConfPrefix.DriverResource}${name}.vendor`);
    if (!vendor) throw new Error(`Resource: ${name} was requested, but vendor was not specified.`);
    limits[`${vendor}/${name}`] = String(parseJavaInt(amount, amountKey));
  }
  return limits;
}

function driverArgs(resolved: ResolvedSubmission): string[] {
  const { primaryResource, resourceType } = resolved;
  const local = !/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(primaryResource) || primaryResource.startsWith("file:");
  // A local jar reaches the driver's classpath through spark.jars; Python and R files are passed on as given.
  const resource =
    resourceType === SparkValue.ResourceTypeJava && local && primaryResource !== SparkValue.NoResource
      ? SparkValue.NoResource
      : primaryResource;
  const proxyUser = resolved.proxyUser === undefined ? [] : ["--proxy-user", resolved.proxyUser];
  return [
    "driver",
    ...proxyUser,
    "--properties-file",
    SparkPath.PropertiesFile,
    "--class",
    resolved.mainClass,
    resource,
    ...resolved.appArgs,
  ];
}

function pythonEnv(conf: ReadonlyMap<string, string>): V1EnvVar[] {
  const python = conf.get(ConfKey.PysparkPython) ?? conf.get(ConfKey.PysparkDriverPython);
  const driverPython = conf.get(ConfKey.PysparkDriverPython) ?? conf.get(ConfKey.PysparkPython);
  const env: V1EnvVar[] = [];
  if (python !== undefined) env.push({ name: SparkEnv.PysparkPython, value: python });
  if (driverPython !== undefined) env.push({ name: SparkEnv.PysparkDriverPython, value: driverPython });
  return env;
}

/** LocalDirsFeatureStep: mounted spark-local-dir-* volumes win; else spark.local.dir or one default emptyDir. */
function localDirs(
  conf: ReadonlyMap<string, string>,
  mounts: V1VolumeMount[],
  defaultLocalDir: string,
): { volumes: V1Volume[]; mounts: V1VolumeMount[]; env: V1EnvVar } {
  const mounted = mounts.filter((m) => m.name.startsWith(SparkVolume.LocalDirPrefix)).map((m) => m.mountPath);
  if (mounted.length > 0)
    return { volumes: [], mounts: [], env: { name: SparkEnv.LocalDirs, value: mounted.join(",") } };
  const dirs = (conf.get(ConfKey.LocalDir) ?? defaultLocalDir).split(",");
  const tmpfs = javaTrim(conf.get(ConfKey.LocalDirsTmpfs) ?? "false").toLowerCase() === "true";
  const names = dirs.map((_, i) => `${SparkVolume.LocalDirPrefix}${i + 1}`);
  return {
    volumes: names.map((name) => ({ name, emptyDir: tmpfs ? { medium: "Memory" } : {} })),
    mounts: names.map((name, i) => ({ name, mountPath: dirs[i]! })),
    env: { name: SparkEnv.LocalDirs, value: dirs.join(",") },
  };
}

export function buildDriverPod(input: DriverPodInput): {
  pod: V1Pod;
  claims: ReturnType<typeof confVolumes>["claims"];
} {
  const conf = input.resolved.conf;
  const { pod, container } = initialPod(input.app);
  const spec = pod.spec;
  const volumes: V1Volume[] = [...(spec.volumes ?? [])];
  const mounts: V1VolumeMount[] = [...(container.volumeMounts ?? [])];
  const env: V1EnvVar[] = [...(container.env ?? [])];

  // BasicDriverFeatureStep
  const configuredImage = conf.get(ConfKey.DriverContainerImage) ?? conf.get(ConfKey.ContainerImage);
  if (!configuredImage)
    throw new Error("Must specify the driver container image (spec.image or spec.driver.image)");
  const image = sparkAtLeast(input.sparkVersion, SparkFeatureSince.ImageVersionPlaceholder)
    ? configuredImage.replaceAll(SparkValue.SparkVersionPlaceholder, input.sparkVersion)
    : configuredImage;
  const blockManagerPort = conf.get(ConfKey.DriverBlockManagerPort) ?? conf.get(ConfKey.BlockManagerPort);
  const port = (key: string, value: string | undefined, fallback: number) =>
    value === undefined ? fallback : parseJavaInt(value, key);
  const ports = [
    {
      name: SparkPortName.DriverRpc,
      containerPort: port(ConfKey.DriverPort, conf.get(ConfKey.DriverPort), SparkPort.DriverRpc),
    },
    {
      name: SparkPortName.BlockManager,
      containerPort: port(ConfKey.DriverBlockManagerPort, blockManagerPort, SparkPort.BlockManager),
    },
    { name: SparkPortName.Ui, containerPort: port(ConfKey.UiPort, conf.get(ConfKey.UiPort), SparkPort.Ui) },
    ...(sparkAtLeast(input.sparkVersion, SparkFeatureSince.ConnectPort)
      ? [
          {
            name: SparkPortName.Connect,
            containerPort: port(
              ConfKey.ConnectGrpcBindingPort,
              conf.get(ConfKey.ConnectGrpcBindingPort),
              SparkPort.Connect,
            ),
          },
        ]
      : []),
  ].map((p) => ({ ...p, protocol: "TCP" }));
  env.push(
    { name: SparkEnv.User, value: input.resolved.proxyUser ?? input.sparkUser },
    { name: SparkEnv.ApplicationId, value: input.appId },
    ...prefixedEntries(conf, ConfPrefix.DriverEnv).map(([name, value]) => ({ name, value })),
    {
      name: SparkEnv.DriverBindAddress,
      valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "status.podIP" } },
    },
  );
  const cpu = driverCpu(conf);
  const memory = `${input.memory.totalMiB}Mi`;
  const resources = container.resources ?? {};
  resources.requests = { ...resources.requests, cpu: cpu.request, memory };
  resources.limits = {
    ...resources.limits,
    ...(cpu.limit === undefined ? {} : { cpu: cpu.limit }),
    memory,
    ...driverResourceLimits(conf),
  };
  const annotations = Object.fromEntries(
    prefixedEntries(conf, ConfPrefix.DriverAnnotation).map(([key, value]) => [
      key,
      substituteIds(value, input.appId),
    ]),
  );
  const appName = conf.get(ConfKey.AppName) ?? SparkValue.DefaultAppName;
  pod.metadata = {
    ...pod.metadata,
    name: input.podName,
    namespace: input.namespace,
    labels: { ...pod.metadata?.labels, ...driverLabels(conf, input.appId, appName, input.sparkVersion) },
  };
  const allAnnotations = { ...pod.metadata?.annotations, ...annotations };
  if (Object.keys(allAnnotations).length > 0) pod.metadata.annotations = allAnnotations;
  spec.restartPolicy = "Never";
  const nodeSelector = {
    ...spec.nodeSelector,
    ...Object.fromEntries(prefixedEntries(conf, ConfPrefix.NodeSelector)),
    ...Object.fromEntries(prefixedEntries(conf, ConfPrefix.DriverNodeSelector)),
  };
  if (Object.keys(nodeSelector).length > 0) spec.nodeSelector = nodeSelector;
  const pullSecrets = (conf.get(ConfKey.ImagePullSecrets) ?? "")
    .split(",")
    .map((name) => javaTrim(name))
    .filter((name) => name !== "");
  if (pullSecrets.length > 0) {
    spec.imagePullSecrets = [...(spec.imagePullSecrets ?? []), ...pullSecrets.map((name) => ({ name }))];
  }
  const schedulerName = conf.get(ConfKey.DriverSchedulerName) ?? conf.get(ConfKey.SchedulerName);
  if (schedulerName !== undefined) spec.schedulerName = schedulerName;

  // DriverKubernetesCredentialsFeatureStep
  const serviceAccount = conf.get(ConfKey.DriverServiceAccountName);
  if (serviceAccount !== undefined) {
    spec.serviceAccount = serviceAccount;
    spec.serviceAccountName = serviceAccount;
  }

  // MountSecretsFeatureStep, EnvSecretsFeatureStep, MountVolumesFeatureStep
  const secrets = secretMounts(conf, ConfPrefix.DriverSecrets);
  volumes.push(...secrets.volumes);
  mounts.push(...secrets.mounts);
  env.push(...secretKeyRefEnv(conf, ConfPrefix.DriverSecretKeyRef));
  const fromConf = confVolumes(conf, ConfPrefix.DriverVolumes, {
    resourcePrefix: input.resourcePrefix,
    appId: input.appId,
  });
  volumes.push(...fromConf.volumes);
  mounts.push(...fromConf.mounts);

  // DriverCommandFeatureStep
  const args = [...(container.args ?? []), ...driverArgs(input.resolved)];
  if (input.resolved.resourceType === SparkValue.ResourceTypePython) env.push(...pythonEnv(conf));

  // HadoopConfDriverFeatureStep (an existing ConfigMap; the submitter's HADOOP_CONF_DIR is not read)
  const hadoopConfigMap = conf.get(ConfKey.HadoopConfigMapName);
  if (hadoopConfigMap !== undefined) {
    volumes.push({ name: SparkVolume.HadoopConf, configMap: { name: hadoopConfigMap } });
    mounts.push({ name: SparkVolume.HadoopConf, mountPath: SparkPath.HadoopConfDir });
    env.push({ name: SparkEnv.HadoopConfDir, value: SparkPath.HadoopConfDir });
  }

  // PodTemplateConfigMapStep
  if (input.executorPodTemplateConfigMapName !== undefined) {
    volumes.push({
      name: SparkVolume.PodTemplate,
      configMap: {
        name: input.executorPodTemplateConfigMapName,
        items: [{ key: SparkConfigMap.PodTemplateKey, path: SparkPath.PodTemplateFileName }],
      },
    });
    mounts.push({ name: SparkVolume.PodTemplate, mountPath: SparkPath.PodTemplateDir });
  }

  // LocalDirsFeatureStep
  const scratch = localDirs(conf, mounts, input.defaultLocalDir);
  volumes.push(...scratch.volumes);
  env.push(scratch.env);
  mounts.push(...scratch.mounts);

  // The submission client: SPARK_CONF_DIR and the spark.properties ConfigMap.
  env.push({ name: SparkEnv.ConfDir, value: SparkPath.ConfDir });
  mounts.push({ name: SparkVolume.DriverConf, mountPath: SparkPath.ConfDir });
  volumes.push({
    name: SparkVolume.DriverConf,
    configMap: {
      name: input.configMapName,
      items: [...input.confFileNames].sort().map((key) => ({ key, path: key, mode: 0o644 })),
    },
  });

  const driverContainer: V1Container = {
    ...container,
    name: container.name || SparkContainer.Driver,
    image,
    imagePullPolicy: conf.get(ConfKey.ImagePullPolicy) ?? SparkValue.DefaultImagePullPolicy,
    args,
    ports: [...(container.ports ?? []), ...ports],
    env,
    resources,
    volumeMounts: mounts,
  };
  if (sparkAtLeast(input.sparkVersion, SparkFeatureSince.AllowPrivilegeEscalation))
    driverContainer.securityContext = {
      ...container.securityContext,
      allowPrivilegeEscalation: allowPrivilegeEscalation(conf),
    };
  spec.containers = [...spec.containers, driverContainer];
  spec.volumes = volumes;
  applyKubeflowPodMutations(pod, driverContainer.name, input.app, "driver");
  return { pod, claims: fromConf.claims };
}
