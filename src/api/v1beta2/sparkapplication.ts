/** SparkApplication (`sparkoperator.k8s.io/v1beta2`): schemas are the one source for TS types and the CRD. */
import { type Static, Type } from "@sinclair/typebox";
import { Int32, Int64, IntOrString, StringEnum, StringList, StringMap, Timestamp } from "../schema.js";
import {
  API_VERSION,
  APP_STATES,
  DeployMode,
  EXECUTOR_STATES,
  RestartPolicyType,
  SecretType,
  SparkApplicationNames,
  SparkApplicationType,
} from "./constants.js";
import {
  AffinitySchema,
  ContainerSchema,
  EnvFromSourceSchema,
  EnvVarSchema,
  HostAliasSchema,
  IngressTLSSchema,
  LifecycleSchema,
  ObjectMetaSchema,
  PodDNSConfigSchema,
  PodSecurityContextSchema,
  PodTemplateSpecSchema,
  PortSchema,
  SecurityContextSchema,
  ServiceTypeSchema,
  TolerationSchema,
  VolumeMountSchema,
  VolumeSchema,
} from "./core.js";

const Opt = Type.Optional;

export const SparkApplicationTypeSchema = StringEnum(Object.values(SparkApplicationType));
export const DeployModeSchema = StringEnum(Object.values(DeployMode));
export const RestartPolicyTypeSchema = StringEnum(Object.values(RestartPolicyType));
export const SecretTypeSchema = StringEnum(Object.values(SecretType));

export const GPUSpecSchema = Type.Object({
  name: Type.String({ description: "Resource name of the GPU, e.g. nvidia.com/gpu." }),
  quantity: Int64({ description: "Number of GPUs to request." }),
});

export const NamePathSchema = Type.Object({ name: Type.String(), path: Type.String() });

export const SecretInfoSchema = Type.Object({
  name: Type.String(),
  path: Type.String(),
  secretType: SecretTypeSchema,
});

export const NameKeySchema = Type.Object({ name: Type.String(), key: Type.String() });

/** Fields shared by the driver and the executors. */
const sparkPodFields = {
  template: Opt(PodTemplateSpecSchema),
  cores: Opt(Int32({ minimum: 1 })),
  coreLimit: Opt(Type.String({ description: "Kubernetes CPU limit, e.g. 1200m." })),
  memory: Opt(Type.String({ description: "JVM heap in Spark notation, e.g. 512m, 4g." })),
  memoryLimit: Opt(Type.String({ description: "Kubernetes memory limit, e.g. 2Gi." })),
  memoryOverhead: Opt(Type.String({ description: "Non-heap memory in Spark notation, e.g. 384m." })),
  gpu: Opt(GPUSpecSchema),
  image: Opt(Type.String()),
  configMaps: Opt(Type.Array(NamePathSchema)),
  secrets: Opt(Type.Array(SecretInfoSchema)),
  env: Opt(Type.Array(EnvVarSchema)),
  envVars: Opt(StringMap({ description: "Deprecated: use env." })),
  envFrom: Opt(Type.Array(EnvFromSourceSchema)),
  envSecretKeyRefs: Opt(Type.Record(Type.String(), NameKeySchema, { description: "Deprecated: use env." })),
  labels: Opt(StringMap()),
  annotations: Opt(StringMap()),
  volumeMounts: Opt(Type.Array(VolumeMountSchema)),
  affinity: Opt(AffinitySchema),
  tolerations: Opt(Type.Array(TolerationSchema)),
  podSecurityContext: Opt(PodSecurityContextSchema),
  securityContext: Opt(SecurityContextSchema),
  schedulerName: Opt(Type.String()),
  sidecars: Opt(Type.Array(ContainerSchema)),
  initContainers: Opt(Type.Array(ContainerSchema)),
  hostNetwork: Opt(Type.Boolean()),
  nodeSelector: Opt(StringMap()),
  dnsConfig: Opt(PodDNSConfigSchema),
  terminationGracePeriodSeconds: Opt(Int64()),
  serviceAccount: Opt(Type.String()),
  hostAliases: Opt(Type.Array(HostAliasSchema)),
  shareProcessNamespace: Opt(Type.Boolean()),
};

export const SparkPodSpecSchema = Type.Object(sparkPodFields);

export const DriverSpecSchema = Type.Object({
  ...sparkPodFields,
  podName: Opt(
    Type.String({ pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$" }),
  ),
  coreRequest: Opt(Type.String({ description: "CPU request of the driver pod, e.g. 500m." })),
  javaOptions: Opt(Type.String()),
  lifecycle: Opt(LifecycleSchema),
  kubernetesMaster: Opt(Type.String()),
  serviceAnnotations: Opt(StringMap()),
  serviceLabels: Opt(StringMap()),
  ports: Opt(Type.Array(PortSchema)),
  priorityClassName: Opt(Type.String()),
});

export const ExecutorSpecSchema = Type.Object({
  ...sparkPodFields,
  instances: Opt(Int32({ minimum: 1 })),
  coreRequest: Opt(Type.String({ description: "CPU request of each executor pod, e.g. 500m." })),
  javaOptions: Opt(Type.String()),
  lifecycle: Opt(LifecycleSchema),
  deleteOnTermination: Opt(Type.Boolean()),
  ports: Opt(Type.Array(PortSchema)),
  priorityClassName: Opt(Type.String()),
});

export const DependenciesSchema = Type.Object({
  jars: Opt(StringList()),
  files: Opt(StringList()),
  pyFiles: Opt(StringList()),
  packages: Opt(StringList({ description: "Maven coordinates groupId:artifactId:version." })),
  excludePackages: Opt(StringList()),
  repositories: Opt(StringList()),
  archives: Opt(StringList()),
});

export const RestartPolicySchema = Type.Object({
  type: Opt(RestartPolicyTypeSchema),
  onSubmissionFailureRetries: Opt(Int32({ minimum: 0 })),
  onFailureRetries: Opt(Int32({ minimum: 0 })),
  onSubmissionFailureRetryInterval: Opt(Int64({ minimum: 1, description: "Seconds." })),
  onFailureRetryInterval: Opt(Int64({ minimum: 1, description: "Seconds." })),
});

export const PrometheusSpecSchema = Type.Object({
  jmxExporterJar: Type.String(),
  port: Opt(Int32({ minimum: 1024, maximum: 49151 })),
  portName: Opt(Type.String()),
  configFile: Opt(Type.String()),
  configuration: Opt(Type.String()),
});

export const MonitoringSpecSchema = Type.Object({
  exposeDriverMetrics: Type.Boolean(),
  exposeExecutorMetrics: Type.Boolean(),
  metricsProperties: Opt(Type.String()),
  metricsPropertiesFile: Opt(Type.String()),
  prometheus: Opt(PrometheusSpecSchema),
});

export const BatchSchedulerConfigurationSchema = Type.Object({
  queue: Opt(Type.String()),
  priorityClassName: Opt(Type.String()),
  resources: Opt(Type.Record(Type.String(), IntOrString())),
});

export const SparkUIConfigurationSchema = Type.Object({
  servicePort: Opt(Int32()),
  servicePortName: Opt(Type.String()),
  serviceType: Opt(ServiceTypeSchema),
  serviceAnnotations: Opt(StringMap()),
  serviceLabels: Opt(StringMap()),
  ingressAnnotations: Opt(StringMap()),
  ingressTLS: Opt(Type.Array(IngressTLSSchema)),
});

export const DriverIngressConfigurationSchema = Type.Object({
  servicePort: Int32(),
  servicePortName: Type.String(),
  serviceType: Opt(ServiceTypeSchema),
  serviceAnnotations: Opt(StringMap()),
  serviceLabels: Opt(StringMap()),
  ingressURLFormat: Opt(Type.String()),
  ingressAnnotations: Opt(StringMap()),
  ingressTLS: Opt(Type.Array(IngressTLSSchema)),
});

export const DynamicAllocationSchema = Type.Object({
  enabled: Opt(Type.Boolean()),
  initialExecutors: Opt(Int32({ minimum: 0 })),
  minExecutors: Opt(Int32({ minimum: 0 })),
  maxExecutors: Opt(Int32({ minimum: 0 })),
  shuffleTrackingEnabled: Opt(Type.Boolean()),
  shuffleTrackingTimeout: Opt(Int64({ minimum: 0, description: "Milliseconds." })),
});

export const SparkApplicationSpecSchema = Type.Object({
  type: SparkApplicationTypeSchema,
  sparkVersion: Type.String(),
  mode: Opt(DeployModeSchema),
  suspend: Opt(Type.Boolean()),
  proxyUser: Opt(Type.String()),
  image: Opt(Type.String()),
  imagePullPolicy: Opt(Type.String()),
  imagePullSecrets: Opt(StringList()),
  mainClass: Opt(Type.String()),
  mainApplicationFile: Type.String(),
  arguments: Opt(StringList()),
  sparkConf: Opt(StringMap()),
  hadoopConf: Opt(StringMap({ description: "Each key is passed to Spark as spark.hadoop.<key>." })),
  sparkConfigMap: Opt(Type.String()),
  hadoopConfigMap: Opt(Type.String()),
  volumes: Opt(Type.Array(VolumeSchema)),
  driver: DriverSpecSchema,
  executor: ExecutorSpecSchema,
  deps: Opt(DependenciesSchema),
  restartPolicy: Opt(RestartPolicySchema),
  nodeSelector: Opt(StringMap({ description: "Deprecated: use driver/executor nodeSelector." })),
  failureRetries: Opt(Int32({ minimum: 0 })),
  retryInterval: Opt(Int64({ minimum: 1 })),
  pythonVersion: Opt(StringEnum(["2", "3"])),
  memoryOverheadFactor: Opt(Type.String()),
  monitoring: Opt(MonitoringSpecSchema),
  batchScheduler: Opt(Type.String()),
  batchSchedulerOptions: Opt(BatchSchedulerConfigurationSchema),
  timeToLiveSeconds: Opt(Int64()),
  sparkUIOptions: Opt(SparkUIConfigurationSchema),
  driverIngressOptions: Opt(Type.Array(DriverIngressConfigurationSchema)),
  dynamicAllocation: Opt(DynamicAllocationSchema),
});

export const DriverInfoSchema = Type.Object({
  webUIServiceName: Opt(Type.String()),
  webUIAddress: Opt(Type.String()),
  webUIPort: Opt(Int32()),
  webUIIngressName: Opt(Type.String()),
  webUIIngressAddress: Opt(Type.String()),
  podName: Opt(Type.String()),
});

export const AppStateSchema = StringEnum(APP_STATES);
export const ExecutorStateSchema = StringEnum(EXECUTOR_STATES);

export const ApplicationStateSchema = Type.Object({
  state: AppStateSchema,
  errorMessage: Opt(Type.String()),
});

export const SparkApplicationStatusSchema = Type.Object({
  sparkApplicationId: Opt(Type.String()),
  submissionID: Opt(Type.String()),
  lastSubmissionAttemptTime: Opt(Timestamp()),
  terminationTime: Opt(Timestamp()),
  driverInfo: Opt(DriverInfoSchema),
  applicationState: Opt(ApplicationStateSchema),
  executorState: Opt(Type.Record(Type.String(), ExecutorStateSchema)),
  executionAttempts: Opt(Int32({ minimum: 0 })),
  submissionAttempts: Opt(Int32({ minimum: 0 })),
});

export const SparkApplicationSchema = Type.Object({
  apiVersion: Type.Literal(API_VERSION),
  kind: Type.Literal(SparkApplicationNames.kind),
  metadata: ObjectMetaSchema,
  spec: SparkApplicationSpecSchema,
  status: Opt(SparkApplicationStatusSchema),
});

export type GPUSpec = Static<typeof GPUSpecSchema>;
export type NamePath = Static<typeof NamePathSchema>;
export type SecretInfo = Static<typeof SecretInfoSchema>;
export type NameKey = Static<typeof NameKeySchema>;
export type SparkPodSpec = Static<typeof SparkPodSpecSchema>;
export type DriverSpec = Static<typeof DriverSpecSchema>;
export type ExecutorSpec = Static<typeof ExecutorSpecSchema>;
export type Dependencies = Static<typeof DependenciesSchema>;
export type RestartPolicy = Static<typeof RestartPolicySchema>;
export type PrometheusSpec = Static<typeof PrometheusSpecSchema>;
export type MonitoringSpec = Static<typeof MonitoringSpecSchema>;
export type BatchSchedulerConfiguration = Static<typeof BatchSchedulerConfigurationSchema>;
export type SparkUIConfiguration = Static<typeof SparkUIConfigurationSchema>;
export type DriverIngressConfiguration = Static<typeof DriverIngressConfigurationSchema>;
export type DynamicAllocation = Static<typeof DynamicAllocationSchema>;
export type SparkApplicationSpec = Static<typeof SparkApplicationSpecSchema>;
export type DriverInfo = Static<typeof DriverInfoSchema>;
export type ApplicationState = Static<typeof ApplicationStateSchema>;
export type SparkApplicationStatus = Static<typeof SparkApplicationStatusSchema>;
export type SparkApplication = Static<typeof SparkApplicationSchema>;
