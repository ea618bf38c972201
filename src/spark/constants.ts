/**
 * Spark's own contract with Kubernetes (Spark 3.5 / 4.x, resource-managers/kubernetes): pod labels, container
 * and volume names, paths, ports, environment variables and the configuration keys sparkplane reads or writes.
 * Constants only.
 */

/** Labels Spark puts on the pods it creates. */
export const SparkLabel = {
  AppId: "spark-app-selector",
  AppName: "spark-app-name",
  Role: "spark-role",
  Version: "spark-version",
  ExecutorId: "spark-exec-id",
  ResourceProfileId: "spark-exec-resourceprofile-id",
  ExecutorInactive: "spark-exec-inactive",
} as const;

export const SparkRole = { Driver: "driver", Executor: "executor" } as const;
export type SparkRole = (typeof SparkRole)[keyof typeof SparkRole];

export const SparkContainer = {
  Driver: "spark-kubernetes-driver",
  Executor: "spark-kubernetes-executor",
} as const;

export const SparkVolume = {
  /** The driver's spark.properties ConfigMap. */
  DriverConf: "spark-conf-volume-driver",
  ExecutorConf: "spark-conf-volume-exec",
  /** Prefix of the scratch-space volumes: spark-local-dir-1, spark-local-dir-2, ... */
  LocalDirPrefix: "spark-local-dir-",
  /** The executor pod template ConfigMap, mounted into the driver. */
  PodTemplate: "pod-template-volume",
  HadoopConf: "hadoop-properties",
} as const;

export const SparkPath = {
  ConfDir: "/opt/spark/conf",
  PropertiesFileName: "spark.properties",
  PropertiesFile: "/opt/spark/conf/spark.properties",
  /** Default scratch directory: `/var/data/spark-<uuid>`. */
  LocalDirPrefix: "/var/data/spark-",
  PodTemplateDir: "/opt/spark/pod-template",
  PodTemplateFileName: "pod-spec-template.yml",
  PodTemplateFile: "/opt/spark/pod-template/pod-spec-template.yml",
  /** Where spark.kubernetes.hadoop.configMapName is mounted. */
  HadoopConfDir: "/opt/hadoop/conf",
  WorkDir: "/opt/spark/work-dir",
  Home: "/opt/spark",
  /** sparkplane's: where the node agent maps the Spark Connect server jar (Spark 3.5 images lack it). */
  ConnectJarsDir: "/opt/spark/connect-jars",
  ConnectJarFileName: "spark-connect.jar",
  ConnectJar: "/opt/spark/connect-jars/spark-connect.jar",
} as const;

export const SparkConfigMap = {
  /** Driver conf map: `spark-drv-<uniqueID>-conf-map`. */
  DriverPrefix: "spark-drv-",
  ExecutorPrefix: "spark-exec-",
  Suffix: "-conf-map",
  /** Executor pod template map: `<resourcePrefix>-driver-podspec-conf-map` (POD_TEMPLATE_CONFIGMAP), key below. */
  PodTemplateSuffix: "-driver-podspec-conf-map",
  PodTemplateKey: "podspec-configmap-key",
  /** ConfigMap names are DNS subdomains. */
  MaxNameLength: 253,
} as const;

export const SparkPort = {
  DriverRpc: 7078,
  BlockManager: 7079,
  Ui: 4040,
  /** Spark Connect's gRPC port (spark.connect.grpc.binding.port); Spark 4.1+ declares it on every driver. */
  Connect: 15002,
} as const;

export const SparkPortName = {
  DriverRpc: "driver-rpc-port",
  BlockManager: "blockmanager",
  Ui: "spark-ui",
  Connect: "spark-connect",
} as const;

export const SparkEnv = {
  User: "SPARK_USER",
  ApplicationId: "SPARK_APPLICATION_ID",
  DriverBindAddress: "SPARK_DRIVER_BIND_ADDRESS",
  LocalDirs: "SPARK_LOCAL_DIRS",
  ConfDir: "SPARK_CONF_DIR",
  HadoopConfDir: "HADOOP_CONF_DIR",
  PysparkPython: "PYSPARK_PYTHON",
  PysparkDriverPython: "PYSPARK_DRIVER_PYTHON",
  DriverUrl: "SPARK_DRIVER_URL",
  ExecutorCores: "SPARK_EXECUTOR_CORES",
  ExecutorMemory: "SPARK_EXECUTOR_MEMORY",
  ExecutorId: "SPARK_EXECUTOR_ID",
  ExecutorPodIp: "SPARK_EXECUTOR_POD_IP",
  ExecutorPodName: "SPARK_EXECUTOR_POD_NAME",
  ResourceProfileId: "SPARK_RESOURCE_PROFILE_ID",
  JavaOptPrefix: "SPARK_JAVA_OPT_",
  Classpath: "SPARK_CLASSPATH",
  DriverPodIp: "SPARK_DRIVER_POD_IP",
} as const;

/** Values Spark writes or recognises. */
export const SparkValue = {
  /** Primary resource placeholder for a local jar that is already on the classpath through spark.jars. */
  NoResource: "spark-internal",
  PythonRunner: "org.apache.spark.deploy.PythonRunner",
  RRunner: "org.apache.spark.deploy.RRunner",
  ResourceTypeJava: "java",
  ResourceTypePython: "python",
  ResourceTypeR: "r",
  DefaultImagePullPolicy: "IfNotPresent",
  DefaultIpFamilyPolicy: "SingleStack",
  DefaultIpFamilies: "IPv4",
  DefaultAppName: "spark",
  DefaultNamespace: "default",
  InClusterMaster: "https://kubernetes.default.svc",
  /** Placeholders Spark substitutes in label and annotation values. */
  AppIdPlaceholder: "{{APP_ID}}",
  ExecutorIdPlaceholder: "{{EXECUTOR_ID}}",
  /** Spark 4: replaced by Spark's own version in container image names (Utils.substituteSparkVersion). */
  SparkVersionPlaceholder: "{{SPARK_VERSION}}",
} as const;

export const SparkMemory = {
  /** ResourceProfile.MEMORY_OVERHEAD_MIN_MIB. */
  MinOverheadMiB: 384,
  JvmOverheadFactor: 0.1,
  NonJvmOverheadFactor: 0.4,
  DefaultMemory: "1g",
  DefaultCores: 1,
} as const;

/** Names are DNS labels (services, label values) of at most 63 characters. */
export const KUBERNETES_DNS_LABEL_MAX_LENGTH = 63;

/** Configuration keys (exact) that sparkplane reads or writes. */
export const ConfKey = {
  Master: "spark.master",
  AppName: "spark.app.name",
  AppId: "spark.app.id",
  SubmitTime: "spark.app.submitTime",
  DeployMode: "spark.submit.deployMode",
  Jars: "spark.jars",
  Files: "spark.files",
  Archives: "spark.archives",
  PyFiles: "spark.submit.pyFiles",
  Packages: "spark.jars.packages",
  ExcludePackages: "spark.jars.excludes",
  Repositories: "spark.jars.repositories",
  LocalDir: "spark.local.dir",
  PysparkPython: "spark.pyspark.python",
  PysparkDriverPython: "spark.pyspark.driver.python",
  UiPort: "spark.ui.port",
  UiEnabled: "spark.ui.enabled",
  BlockManagerPort: "spark.blockManager.port",
  MetricsNamespace: "spark.metrics.namespace",
  MetricsConf: "spark.metrics.conf",

  DriverCores: "spark.driver.cores",
  DriverMemory: "spark.driver.memory",
  DriverMemoryOverhead: "spark.driver.memoryOverhead",
  DriverMemoryOverheadFactor: "spark.driver.memoryOverheadFactor",
  DriverMinMemoryOverhead: "spark.driver.minMemoryOverhead",
  DriverExtraJavaOptions: "spark.driver.extraJavaOptions",
  DriverHost: "spark.driver.host",
  DriverBindAddress: "spark.driver.bindAddress",
  DriverPort: "spark.driver.port",
  DriverBlockManagerPort: "spark.driver.blockManager.port",

  ExecutorInstances: "spark.executor.instances",
  ExecutorCores: "spark.executor.cores",
  ExecutorMemory: "spark.executor.memory",
  ExecutorMemoryOverhead: "spark.executor.memoryOverhead",
  ExecutorExtraJavaOptions: "spark.executor.extraJavaOptions",

  DynamicAllocationEnabled: "spark.dynamicAllocation.enabled",
  DynamicAllocationInitialExecutors: "spark.dynamicAllocation.initialExecutors",
  DynamicAllocationMinExecutors: "spark.dynamicAllocation.minExecutors",
  DynamicAllocationMaxExecutors: "spark.dynamicAllocation.maxExecutors",
  DynamicAllocationShuffleTrackingEnabled: "spark.dynamicAllocation.shuffleTracking.enabled",
  DynamicAllocationShuffleTrackingTimeout: "spark.dynamicAllocation.shuffleTracking.timeout",

  KubernetesNamespace: "spark.kubernetes.namespace",
  KubernetesDriverMaster: "spark.kubernetes.driver.master",
  ContainerImage: "spark.kubernetes.container.image",
  DriverContainerImage: "spark.kubernetes.driver.container.image",
  ExecutorContainerImage: "spark.kubernetes.executor.container.image",
  ImagePullPolicy: "spark.kubernetes.container.image.pullPolicy",
  ImagePullSecrets: "spark.kubernetes.container.image.pullSecrets",
  DriverPodName: "spark.kubernetes.driver.pod.name",
  ExecutorPodNamePrefix: "spark.kubernetes.executor.podNamePrefix",
  ConnectGrpcBindingPort: "spark.connect.grpc.binding.port",
  ConnectGrpcBindingAddress: "spark.connect.grpc.binding.address",
  SubmitInDriver: "spark.kubernetes.submitInDriver",
  MemoryOverheadFactor: "spark.kubernetes.memoryOverheadFactor",
  ResourceType: "spark.kubernetes.resource.type",
  PysparkPythonVersion: "spark.kubernetes.pyspark.pythonVersion",
  WaitAppCompletion: "spark.kubernetes.submission.waitAppCompletion",
  DriverRequestCores: "spark.kubernetes.driver.request.cores",
  DriverLimitCores: "spark.kubernetes.driver.limit.cores",
  ExecutorRequestCores: "spark.kubernetes.executor.request.cores",
  ExecutorLimitCores: "spark.kubernetes.executor.limit.cores",
  DriverServiceAccountName: "spark.kubernetes.authenticate.driver.serviceAccountName",
  ExecutorServiceAccountName: "spark.kubernetes.authenticate.executor.serviceAccountName",
  ExecutorDeleteOnTermination: "spark.kubernetes.executor.deleteOnTermination",
  DriverPodTemplateFile: "spark.kubernetes.driver.podTemplateFile",
  DriverPodTemplateContainerName: "spark.kubernetes.driver.podTemplateContainerName",
  ExecutorPodTemplateFile: "spark.kubernetes.executor.podTemplateFile",
  ExecutorPodTemplateContainerName: "spark.kubernetes.executor.podTemplateContainerName",
  SchedulerName: "spark.kubernetes.scheduler.name",
  DriverSchedulerName: "spark.kubernetes.driver.scheduler.name",
  LocalDirsTmpfs: "spark.kubernetes.local.dirs.tmpfs",
  HadoopConfigMapName: "spark.kubernetes.hadoop.configMapName",
  ExecutorHadoopConfigMapName: "spark.kubernetes.executor.hadoopConfigMapName",
  DriverServiceIpFamilyPolicy: "spark.kubernetes.driver.service.ipFamilyPolicy",
  DriverServiceIpFamilies: "spark.kubernetes.driver.service.ipFamilies",
  /** Spark 4.3+: the containers' securityContext.allowPrivilegeEscalation (default false); per role below. */
  AllowPrivilegeEscalation: "spark.kubernetes.securityContext.allowPrivilegeEscalation",
  DriverAllowPrivilegeEscalation: "spark.kubernetes.driver.securityContext.allowPrivilegeEscalation",
} as const;

/** Prefixes of configuration key families (`<prefix><name>`). */
export const ConfPrefix = {
  Hadoop: "spark.hadoop.",
  DriverLabel: "spark.kubernetes.driver.label.",
  DriverAnnotation: "spark.kubernetes.driver.annotation.",
  DriverServiceLabel: "spark.kubernetes.driver.service.label.",
  DriverServiceAnnotation: "spark.kubernetes.driver.service.annotation.",
  ExecutorLabel: "spark.kubernetes.executor.label.",
  ExecutorAnnotation: "spark.kubernetes.executor.annotation.",
  DriverEnv: "spark.kubernetes.driverEnv.",
  ExecutorEnv: "spark.executorEnv.",
  DriverSecrets: "spark.kubernetes.driver.secrets.",
  ExecutorSecrets: "spark.kubernetes.executor.secrets.",
  DriverSecretKeyRef: "spark.kubernetes.driver.secretKeyRef.",
  ExecutorSecretKeyRef: "spark.kubernetes.executor.secretKeyRef.",
  NodeSelector: "spark.kubernetes.node.selector.",
  DriverNodeSelector: "spark.kubernetes.driver.node.selector.",
  ExecutorNodeSelector: "spark.kubernetes.executor.node.selector.",
  DriverVolumes: "spark.kubernetes.driver.volumes.",
  ExecutorVolumes: "spark.kubernetes.executor.volumes.",
  /** spark.driver.resource.<name>.amount / .vendor */
  DriverResource: "spark.driver.resource.",
} as const;

/** Volume types of spark.kubernetes.<role>.volumes.<type>.<name>.* */
export const SparkVolumeType = {
  HostPath: "hostPath",
  EmptyDir: "emptyDir",
  Nfs: "nfs",
  PersistentVolumeClaim: "persistentVolumeClaim",
} as const;

/**
 * The configuration keys through which a spec names the ServiceAccount its pods run as, and the prefixes of
 * host path volumes (`<prefix><name>.options.path`): what the admission policy looks for in spec.sparkConf.
 */
export const SPARK_CONF_POD_PRIVILEGES = {
  serviceAccountKeys: [ConfKey.DriverServiceAccountName, ConfKey.ExecutorServiceAccountName],
  hostPathVolumePrefixes: [
    `${ConfPrefix.DriverVolumes}${SparkVolumeType.HostPath}.`,
    `${ConfPrefix.ExecutorVolumes}${SparkVolumeType.HostPath}.`,
  ],
} as const;

/**
 * The identity Spark drivers run as, as this project's examples name it, and the file that creates it (with
 * kubeflow's chart's default account, which kubeflow's and ACK's example YAML name, beside it).
 */
export const SparkDriverRbac = {
  ServiceAccount: "spark",
  /** kubeflow's chart's default `spark.serviceAccount.name` (release `spark-operator`) . */
  KubeflowServiceAccount: "spark-operator-spark",
  /** The ServiceAccount, Role and RoleBinding, relative to the repository root. */
  Example: "examples/spark-rbac.yaml",
} as const;
