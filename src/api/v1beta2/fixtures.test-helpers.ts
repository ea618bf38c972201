/** Builders of valid objects for the API's unit tests. */
import { API_VERSION, ScheduledSparkApplicationNames, SparkApplicationNames } from "./constants.js";
import type { ScheduledSparkApplication } from "./scheduledsparkapplication.js";
import type { SparkApplication, SparkApplicationSpec } from "./sparkapplication.js";

export function sparkPiSpec(overrides: Partial<SparkApplicationSpec> = {}): SparkApplicationSpec {
  return {
    type: "Scala",
    sparkVersion: "3.5.2",
    image: "apache/spark:3.5.2",
    mainClass: "org.apache.spark.examples.SparkPi",
    mainApplicationFile: "local:///opt/spark/examples/jars/spark-examples_2.12-3.5.2.jar",
    driver: { cores: 1, memory: "512m" },
    executor: { cores: 1, memory: "512m", instances: 2 },
    ...overrides,
  };
}

export function sparkPiApp(
  overrides: Partial<SparkApplicationSpec> = {},
  name = "spark-pi",
): SparkApplication {
  return {
    apiVersion: API_VERSION,
    kind: SparkApplicationNames.kind,
    metadata: { name, namespace: "default" },
    spec: sparkPiSpec(overrides),
  };
}

export function scheduledSparkPi(name = "nightly-pi"): ScheduledSparkApplication {
  return {
    apiVersion: API_VERSION,
    kind: ScheduledSparkApplicationNames.kind,
    metadata: { name, namespace: "default" },
    spec: { schedule: "@every 1h", template: sparkPiSpec() },
  };
}

const everyPodField = {
  template: {
    metadata: { labels: { from: "template" } },
    spec: { containers: [], volumes: [{ name: "scratch", emptyDir: {} }] },
  },
  cores: 2,
  coreLimit: "2500m",
  memory: "2g",
  memoryLimit: "4Gi",
  memoryOverhead: "512m",
  gpu: { name: "nvidia.com/gpu", quantity: 1 },
  image: "apache/spark:3.5.2-java17",
  configMaps: [{ name: "extra-conf", path: "/etc/extra" }],
  secrets: [{ name: "gcp-key", path: "/mnt/gcp", secretType: "GCPServiceAccount" as const }],
  env: [
    { name: "MODE", value: "full" },
    { name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
  ],
  envVars: { LEGACY: "yes" },
  envFrom: [{ configMapRef: { name: "env-conf" } }],
  envSecretKeyRefs: { PASSWORD: { name: "db", key: "password" } },
  labels: { team: "data" },
  annotations: { "example.com/owner": "data-team" },
  volumeMounts: [
    { name: "data", mountPath: "/data" },
    { name: "scratch", mountPath: "/scratch" },
  ],
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: "disk", operator: "In", values: ["ssd"] }] }],
      },
    },
  },
  tolerations: [
    { key: "dedicated", operator: "Equal", value: "spark", effect: "NoSchedule", tolerationSeconds: 30 },
  ],
  podSecurityContext: { runAsUser: 185, fsGroup: 185 },
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
  schedulerName: "default-scheduler",
  sidecars: [{ name: "log-shipper", image: "busybox", args: ["sleep", "infinity"] }],
  initContainers: [{ name: "fetch", image: "busybox", command: ["true"] }],
  hostNetwork: false,
  nodeSelector: { disk: "ssd" },
  dnsConfig: { nameservers: ["10.0.0.10"], options: [{ name: "ndots", value: "2" }] },
  terminationGracePeriodSeconds: 30,
  serviceAccount: "spark",
  hostAliases: [{ ip: "10.0.0.1", hostnames: ["metastore"] }],
  shareProcessNamespace: false,
  coreRequest: "1500m",
  javaOptions: "-XX:+UseG1GC",
  lifecycle: { preStop: { exec: { command: ["sleep", "5"] } } },
  ports: [{ name: "jmx", protocol: "TCP", containerPort: 8090 }],
  priorityClassName: "batch",
};

/** A spec that sets every field of the API, with valid values (for round trips through the API server). */
export function everyFieldSpec(): SparkApplicationSpec {
  return {
    type: "Scala",
    sparkVersion: "3.5.2",
    mode: "cluster",
    suspend: false,
    proxyUser: "alice",
    image: "apache/spark:3.5.2",
    imagePullPolicy: "IfNotPresent",
    imagePullSecrets: ["registry-key"],
    mainClass: "org.apache.spark.examples.SparkPi",
    mainApplicationFile: "local:///opt/spark/examples/jars/spark-examples_2.12-3.5.2.jar",
    arguments: ["1000"],
    sparkConf: { "spark.eventLog.enabled": "false" },
    hadoopConf: { "fs.s3a.path.style.access": "true" },
    sparkConfigMap: "spark-conf",
    hadoopConfigMap: "hadoop-conf",
    volumes: [{ name: "data", persistentVolumeClaim: { claimName: "data" } }],
    driver: {
      ...structuredClone(everyPodField),
      podName: "every-field-driver",
      kubernetesMaster: "https://kubernetes.default.svc",
      serviceAnnotations: { "example.com/svc": "driver" },
      serviceLabels: { exposed: "true" },
    },
    executor: { ...structuredClone(everyPodField), instances: 3, deleteOnTermination: true },
    deps: {
      jars: ["local:///opt/jars/extra.jar"],
      files: ["local:///opt/files/lookup.csv"],
      pyFiles: ["local:///opt/py/helpers.zip"],
      packages: ["org.apache.spark:spark-avro_2.12:3.5.2"],
      excludePackages: ["com.example:unwanted"],
      repositories: ["https://repo1.maven.org/maven2"],
      archives: ["local:///opt/archives/env.tar.gz#env"],
    },
    restartPolicy: {
      type: "OnFailure",
      onSubmissionFailureRetries: 2,
      onFailureRetries: 3,
      onSubmissionFailureRetryInterval: 10,
      onFailureRetryInterval: 20,
    },
    failureRetries: 1,
    retryInterval: 10,
    pythonVersion: "3",
    memoryOverheadFactor: "0.2",
    monitoring: {
      exposeDriverMetrics: true,
      exposeExecutorMetrics: true,
      metricsProperties: "*.sink.jmx.class=org.apache.spark.metrics.sink.JmxSink",
      metricsPropertiesFile: "/etc/metrics/metrics.properties",
      prometheus: {
        jmxExporterJar: "/prometheus/jmx_prometheus_javaagent.jar",
        port: 8090,
        portName: "jmx-exporter",
        configFile: "/etc/metrics/prometheus.yaml",
        configuration: "lowercaseOutputName: true",
      },
    },
    batchScheduler: "volcano",
    batchSchedulerOptions: {
      queue: "default",
      priorityClassName: "batch",
      resources: { cpu: "4", memory: "8Gi", pods: 4 },
    },
    timeToLiveSeconds: 3600,
    sparkUIOptions: {
      servicePort: 4040,
      servicePortName: "spark-driver-ui-port",
      serviceType: "ClusterIP",
      serviceAnnotations: { "example.com/ui": "yes" },
      serviceLabels: { ui: "true" },
      ingressAnnotations: { "nginx.ingress.kubernetes.io/rewrite-target": "/" },
      ingressTLS: [{ hosts: ["spark.example.com"], secretName: "spark-tls" }],
    },
    driverIngressOptions: [
      {
        servicePort: 8080,
        servicePortName: "api",
        serviceType: "ClusterIP",
        serviceAnnotations: { "example.com/api": "yes" },
        serviceLabels: { api: "true" },
        ingressURLFormat: "{{$appName}}.{{$appNamespace}}.example.com",
        ingressAnnotations: { "example.com/ingress": "api" },
        ingressTLS: [{ hosts: ["api.example.com"], secretName: "api-tls" }],
      },
    ],
    dynamicAllocation: {
      enabled: true,
      initialExecutors: 2,
      minExecutors: 1,
      maxExecutors: 5,
      shuffleTrackingEnabled: true,
      shuffleTrackingTimeout: 60000,
    },
  };
}
