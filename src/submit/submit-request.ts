/**
 * A SparkApplication as the kubeflow operator hands it to spark-submit: the options, `--conf` pairs (in the
 * operator's order, which decides which of two writers of a key wins) and the application file and arguments.
 * Both the spark-submit argv and the native SparkConf are derived from this one structure.
 */
import { posix } from "node:path";
import { OperatorLabel } from "../api/v1beta2/constants.js";
import { withDefaults } from "../api/v1beta2/defaults.js";
import type { SparkApplication, SparkPodSpec } from "../api/v1beta2/sparkapplication.js";
import { ConfKey, ConfPrefix, SparkContainer, SparkVolume, SparkVolumeType } from "../spark/constants.js";
import { withMonitoring } from "./monitoring.js";
import { driverPodName } from "./names.js";
import { applicationRef } from "./owners.js";
import { compareSemanticVersion } from "./spark-version.js";

export interface SubmitRequest {
  master: string;
  deployMode: string;
  mainClass?: string;
  name: string;
  jars?: string;
  packages?: string;
  excludePackages?: string;
  repositories?: string;
  pyFiles?: string;
  files?: string;
  archives?: string;
  /** `--conf key=value` pairs, in order; a later pair overrides an earlier one. */
  conf: [string, string][];
  proxyUser?: string;
  mainApplicationFile: string;
  arguments: string[];
}

export interface SubmitRequestContext {
  /** spark.master: `k8s://https://<host>:<port>` (a URL without the k8s:// prefix gets it). */
  master: string;
  /** Stamped as label sparkoperator.k8s.io/submission-id on the driver and executors. */
  submissionId: string;
  /** Properties the operator adds as if written in spec.sparkConf (e.g. spark.ui.proxyBase for an ingress). */
  extraSparkConf?: Record<string, string>;
  /** Path of the executor pod template file, when the executors need one. */
  executorPodTemplateFile?: string;
  /** Path of the driver pod template file (spark-submit runs only: native submission builds the pod itself). */
  driverPodTemplateFile?: string;
}

/** Secret types that also set a well-known environment variable pointing into the mounted secret. */
const SECRET_ENV: Record<string, [string, string]> = {
  GCPServiceAccount: ["GOOGLE_APPLICATION_CREDENTIALS", "key.json"],
  HadoopDelegationToken: ["HADOOP_TOKEN_FILE_LOCATION", "hadoop.token"],
};

/** The kubeflow master URL for an in-cluster API server address (IPv6 hosts get brackets). */
export function masterUrlFromServiceHost(host: string, port: string | number): string {
  const bracketed = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  return `k8s://https://${bracketed}:${port}`;
}

const sorted = (map: Record<string, string> | undefined) =>
  Object.entries(map ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

const joined = (list: string[] | undefined) => (list && list.length > 0 ? list.join(",") : undefined);

/** The request for the defaulted spec (defaulting is idempotent; kubeflow defaults before submitting too). */
export function buildSubmitRequest(original: SparkApplication, context: SubmitRequestContext): SubmitRequest {
  const app = withMonitoring({ ...original, spec: withDefaults(original.spec) });
  const { name, namespace } = applicationRef(app);
  const spec = app.spec;
  const conf: [string, string][] = [];
  const set = (key: string, value: string) => conf.push([key, value]);

  set(ConfKey.KubernetesNamespace, namespace);
  if (spec.image) set(ConfKey.ContainerImage, spec.image);
  if (spec.imagePullPolicy) set(ConfKey.ImagePullPolicy, spec.imagePullPolicy);
  if (spec.imagePullSecrets && spec.imagePullSecrets.length > 0) {
    set(ConfKey.ImagePullSecrets, spec.imagePullSecrets.join(","));
  }
  if (spec.pythonVersion) set(ConfKey.PysparkPythonVersion, spec.pythonVersion);
  if (spec.memoryOverheadFactor) set(ConfKey.MemoryOverheadFactor, spec.memoryOverheadFactor);
  set(ConfKey.WaitAppCompletion, "false");
  for (const [key, value] of sorted({ ...spec.sparkConf, ...context.extraSparkConf })) {
    if (key !== ConfKey.DriverPodName) set(key, value);
  }
  for (const [key, value] of sorted(spec.hadoopConf)) set(`${ConfPrefix.Hadoop}${key}`, value);
  if (context.driverPodTemplateFile) {
    set(ConfKey.DriverPodTemplateFile, context.driverPodTemplateFile);
    set(ConfKey.DriverPodTemplateContainerName, SparkContainer.Driver);
  }
  set(ConfKey.DriverPodName, driverPodName(name, spec));
  driverConf(app, context.submissionId, set);
  for (const [key, value] of sorted(spec.driver.envVars)) set(`${ConfPrefix.DriverEnv}${key}`, value);
  secretConf(spec.driver, ConfPrefix.DriverSecrets, ConfPrefix.DriverEnv, set);
  localDirVolumeConf(spec, spec.driver, ConfPrefix.DriverVolumes, set);
  if (context.executorPodTemplateFile) {
    set(ConfKey.ExecutorPodTemplateFile, context.executorPodTemplateFile);
    set(ConfKey.ExecutorPodTemplateContainerName, SparkContainer.Executor);
  }
  executorConf(app, context.submissionId, set);
  for (const [key, value] of sorted(spec.executor.envVars)) set(`${ConfPrefix.ExecutorEnv}${key}`, value);
  secretConf(spec.executor, ConfPrefix.ExecutorSecrets, ConfPrefix.ExecutorEnv, set);
  localDirVolumeConf(spec, spec.executor, ConfPrefix.ExecutorVolumes, set);
  for (const [key, value] of sorted(spec.nodeSelector)) set(`${ConfPrefix.NodeSelector}${key}`, value);
  dynamicAllocationConf(spec.dynamicAllocation, set);

  const deps = spec.deps ?? {};
  const request: SubmitRequest = {
    master: context.master.startsWith("k8s://") ? context.master : `k8s://${context.master}`,
    deployMode: spec.mode ?? "cluster",
    name,
    conf,
    mainApplicationFile: spec.mainApplicationFile,
    arguments: [...(spec.arguments ?? [])],
  };
  if (spec.mainClass !== undefined) request.mainClass = spec.mainClass;
  const optional = {
    jars: joined(deps.jars),
    packages: joined(deps.packages),
    excludePackages: joined(deps.excludePackages),
    repositories: joined(deps.repositories),
    pyFiles: joined(deps.pyFiles),
    files: joined(deps.files),
    archives: joined(deps.archives),
    proxyUser: spec.proxyUser || undefined,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) request[key as keyof typeof optional] = value;
  }
  return request;
}

type Set = (key: string, value: string) => void;

/**
 * Whether kubeflow labels the role's pods `mutated-by-spark-operator` (for its webhook): always before Spark
 * 3.0, else unless the role has a pod template of its own.
 */
function mutatedByOperator(app: SparkApplication, role: "driver" | "executor"): boolean {
  return compareSemanticVersion(app.spec.sparkVersion, "3.0.0") < 0 || app.spec[role].template === undefined;
}

/** Labels, image, resources and the rest of the driver fields Spark reads from its configuration. */
function driverConf(app: SparkApplication, submissionId: string, set: Set): void {
  const { spec } = app;
  const driver = spec.driver;
  const label = (key: string, value: string) => set(`${ConfPrefix.DriverLabel}${key}`, value);
  label(OperatorLabel.AppName, applicationRef(app).name);
  label(OperatorLabel.LaunchedBySparkOperator, "true");
  if (mutatedByOperator(app, "driver")) label(OperatorLabel.MutatedBySparkOperator, "true");
  label(OperatorLabel.SubmissionId, submissionId);
  const image = driver.image || spec.image;
  if (image) set(ConfKey.DriverContainerImage, image);
  if (driver.cores !== undefined) set(ConfKey.DriverCores, String(driver.cores));
  if (driver.coreRequest !== undefined) set(ConfKey.DriverRequestCores, driver.coreRequest);
  if (driver.coreLimit !== undefined) set(ConfKey.DriverLimitCores, driver.coreLimit);
  if (driver.memory !== undefined) set(ConfKey.DriverMemory, driver.memory);
  if (driver.memoryOverhead !== undefined) set(ConfKey.DriverMemoryOverhead, driver.memoryOverhead);
  if (driver.serviceAccount !== undefined) set(ConfKey.DriverServiceAccountName, driver.serviceAccount);
  if (driver.javaOptions !== undefined) set(ConfKey.DriverExtraJavaOptions, driver.javaOptions);
  if (driver.kubernetesMaster !== undefined) set(ConfKey.KubernetesDriverMaster, driver.kubernetesMaster);
  for (const [key, value] of sorted(app.metadata.labels)) label(key, value);
  for (const [key, value] of sorted(driver.labels)) label(key, value);
  for (const [key, value] of sorted(driver.annotations)) set(`${ConfPrefix.DriverAnnotation}${key}`, value);
  for (const [key, value] of sorted(driver.serviceLabels))
    set(`${ConfPrefix.DriverServiceLabel}${key}`, value);
  for (const [key, value] of sorted(driver.serviceAnnotations)) {
    set(`${ConfPrefix.DriverServiceAnnotation}${key}`, value);
  }
  for (const [env, ref] of Object.entries(driver.envSecretKeyRefs ?? {}).sort(([a], [b]) =>
    a < b ? -1 : 1,
  )) {
    set(`${ConfPrefix.DriverSecretKeyRef}${env}`, `${ref.name}:${ref.key}`);
  }
}

function executorConf(app: SparkApplication, submissionId: string, set: Set): void {
  const { spec } = app;
  const executor = spec.executor;
  const label = (key: string, value: string) => set(`${ConfPrefix.ExecutorLabel}${key}`, value);
  label(OperatorLabel.AppName, applicationRef(app).name);
  label(OperatorLabel.LaunchedBySparkOperator, "true");
  if (mutatedByOperator(app, "executor")) label(OperatorLabel.MutatedBySparkOperator, "true");
  label(OperatorLabel.SubmissionId, submissionId);
  if (executor.instances !== undefined) set(ConfKey.ExecutorInstances, String(executor.instances));
  const image = executor.image || spec.image;
  if (image) set(ConfKey.ExecutorContainerImage, image);
  if (executor.cores !== undefined) set(ConfKey.ExecutorCores, String(executor.cores));
  if (executor.coreRequest !== undefined) set(ConfKey.ExecutorRequestCores, executor.coreRequest);
  if (executor.coreLimit !== undefined) set(ConfKey.ExecutorLimitCores, executor.coreLimit);
  if (executor.memory !== undefined) set(ConfKey.ExecutorMemory, executor.memory);
  if (executor.memoryOverhead !== undefined) set(ConfKey.ExecutorMemoryOverhead, executor.memoryOverhead);
  if (executor.serviceAccount !== undefined) set(ConfKey.ExecutorServiceAccountName, executor.serviceAccount);
  if (executor.deleteOnTermination !== undefined) {
    set(ConfKey.ExecutorDeleteOnTermination, String(executor.deleteOnTermination));
  }
  for (const [key, value] of sorted(app.metadata.labels)) label(key, value);
  for (const [key, value] of sorted(executor.labels)) label(key, value);
  for (const [key, value] of sorted(executor.annotations))
    set(`${ConfPrefix.ExecutorAnnotation}${key}`, value);
  for (const [env, ref] of Object.entries(executor.envSecretKeyRefs ?? {}).sort(([a], [b]) =>
    a < b ? -1 : 1,
  )) {
    set(`${ConfPrefix.ExecutorSecretKeyRef}${env}`, `${ref.name}:${ref.key}`);
  }
  if (executor.javaOptions !== undefined) set(ConfKey.ExecutorExtraJavaOptions, executor.javaOptions);
}

function secretConf(pod: SparkPodSpec, mountPrefix: string, envPrefix: string, set: Set): void {
  for (const secret of pod.secrets ?? []) {
    set(`${mountPrefix}${secret.name}`, secret.path);
    const env = SECRET_ENV[secret.secretType];
    if (env) set(`${envPrefix}${env[0]}`, posix.join(secret.path, env[1]));
  }
}

/** spark-local-dir-* volumes travel as Spark volume configuration (the kubeflow webhook skips them). */
function localDirVolumeConf(
  spec: SparkApplication["spec"],
  pod: SparkPodSpec,
  prefix: string,
  set: Set,
): void {
  const volumes = new Map(
    (spec.volumes ?? []).filter((v) => v.name.startsWith(SparkVolume.LocalDirPrefix)).map((v) => [v.name, v]),
  );
  for (const mount of pod.volumeMounts ?? []) {
    if (!mount.name.startsWith(SparkVolume.LocalDirPrefix)) continue;
    const volume = volumes.get(mount.name);
    if (!volume) throw new Error(`volume ${mount.name} not found`);
    const type = volume.emptyDir
      ? SparkVolumeType.EmptyDir
      : volume.hostPath
        ? SparkVolumeType.HostPath
        : volume.nfs
          ? SparkVolumeType.Nfs
          : volume.persistentVolumeClaim
            ? SparkVolumeType.PersistentVolumeClaim
            : undefined;
    if (!type) throw new Error("unsupported volume type");
    const key = (suffix: string) => `${prefix}${type}.${mount.name}.${suffix}`;
    if (mount.mountPath) set(key("mount.path"), mount.mountPath);
    if (mount.subPath) set(key("mount.subPath"), mount.subPath);
    if (mount.readOnly) set(key("mount.readOnly"), "true");
    if (volume.emptyDir?.sizeLimit !== undefined)
      set(key("options.sizeLimit"), String(volume.emptyDir.sizeLimit));
    if (volume.hostPath) {
      set(key("options.path"), volume.hostPath.path);
      if (volume.hostPath.type !== undefined) set(key("options.type"), volume.hostPath.type);
    }
    if (volume.nfs) {
      set(key("options.path"), volume.nfs.path);
      set(key("options.server"), volume.nfs.server);
      if (volume.nfs.readOnly) set(key("options.readOnly"), "true");
    }
    if (volume.persistentVolumeClaim) {
      set(key("options.claimName"), volume.persistentVolumeClaim.claimName);
      if (volume.persistentVolumeClaim.readOnly) set(key("options.readOnly"), "true");
    }
  }
}

/** spec.dynamicAllocation as Spark conf (SparkApplications and SparkConnect servers alike). */
export function dynamicAllocationConf(
  allocation: SparkApplication["spec"]["dynamicAllocation"],
  set: (key: string, value: string) => void,
): void {
  if (!allocation?.enabled) return;
  set(ConfKey.DynamicAllocationEnabled, "true");
  if (allocation.initialExecutors !== undefined) {
    set(ConfKey.DynamicAllocationInitialExecutors, String(allocation.initialExecutors));
  }
  if (allocation.minExecutors !== undefined)
    set(ConfKey.DynamicAllocationMinExecutors, String(allocation.minExecutors));
  if (allocation.maxExecutors !== undefined)
    set(ConfKey.DynamicAllocationMaxExecutors, String(allocation.maxExecutors));
  set(ConfKey.DynamicAllocationShuffleTrackingEnabled, String(allocation.shuffleTrackingEnabled ?? true));
  if (allocation.shuffleTrackingTimeout !== undefined) {
    set(ConfKey.DynamicAllocationShuffleTrackingTimeout, String(allocation.shuffleTrackingTimeout));
  }
}
