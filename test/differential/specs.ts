/**
 * The SparkApplication specs of the differential test: each is submitted natively and by the real spark-submit,
 * and the objects are compared. Together they cover the spec fields that reach the driver's objects.
 */
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CoreV1Api } from "@kubernetes/client-node";
import type { SparkApplicationSpec } from "../../src/api/v1beta2/sparkapplication.js";

export interface SpecContext {
  /** A scratch directory of this spec (local files, upload path, Ivy home). */
  dir: string;
  /** A real jar on this machine (the project's examples), for local dependencies. */
  jar: string;
  /** Spark's own version (what spark-submit writes as spark-version). */
  sparkVersion: string;
  core: CoreV1Api;
  namespace: string;
}

export interface DiffSpec {
  /** The test's name, and the SparkApplication's unless appName is given. */
  name: string;
  appName?: string;
  covers: string;
  /** metadata.labels of the SparkApplication (Spark labels the driver and executors with them). */
  labels?: Record<string, string>;
  /** Objects the API server needs before the driver pod can be created (e.g. a ServiceAccount). */
  setup?: (ctx: SpecContext) => Promise<void>;
  spec: (ctx: SpecContext) => SparkApplicationSpec;
}

const EXAMPLES_JAR = "local:///opt/spark/examples/jars/spark-examples.jar";

const isSpark4 = (ctx: SpecContext) => !ctx.sparkVersion.startsWith("3.");

/** Spark 4 substitutes `{{SPARK_VERSION}}` in image names: its specs use the placeholder (3.5 keeps it as is). */
const base = (ctx: SpecContext): Pick<SparkApplicationSpec, "mode" | "sparkVersion" | "image"> => ({
  mode: "cluster",
  sparkVersion: ctx.sparkVersion,
  image: isSpark4(ctx) ? "spark:{{SPARK_VERSION}}" : `spark:${ctx.sparkVersion}`,
});

/** A spec.sparkVersion other than spark-submit's own, of the same major. */
export const otherSparkVersion = (sparkVersion: string) =>
  sparkVersion.startsWith("3.") ? "3.5.3" : "4.0.0";

/** A Maven repository in a directory holding one artifact (a copy of a real jar), for --packages. */
function localMavenRepo(dir: string, jar: string): string {
  const root = join(dir, "m2repo");
  const artifact = join(root, "com", "example", "difftest", "1.0");
  mkdirSync(artifact, { recursive: true });
  copyFileSync(jar, join(artifact, "difftest-1.0.jar"));
  writeFileSync(
    join(artifact, "difftest-1.0.pom"),
    `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>difftest</artifactId>
  <version>1.0</version>
  <packaging>jar</packaging>
</project>
`,
  );
  return root;
}

/** Ivy settings that resolve from the local repository only (no network during the test). */
function ivySettings(dir: string, repo: string): string {
  const path = join(dir, "ivysettings.xml");
  writeFileSync(
    path,
    `<ivysettings>
  <settings defaultResolver="local-only"/>
  <resolvers>
    <ibiblio name="local-only" m2compatible="true" root="file://${repo}"/>
  </resolvers>
</ivysettings>
`,
  );
  return path;
}

export const SPECS: DiffSpec[] = [
  {
    name: "scala-pi",
    covers: "Scala, an in-image (local://) jar, one argument, default resources",
    spec: (ctx) => ({
      ...base(ctx),
      type: "Scala",
      mainClass: "org.apache.spark.examples.SparkPi",
      mainApplicationFile: EXAMPLES_JAR,
      arguments: ["1000"],
      driver: { cores: 1, memory: "1g" },
      executor: { cores: 1, instances: 2, memory: "1g" },
    }),
  },
  {
    name: "java-args",
    covers:
      "Java, arguments with spaces, quotes, '=', '$', backslashes, unicode and an empty one; javaOptions; proxyUser",
    spec: (ctx) => ({
      ...base(ctx),
      type: "Java",
      mainClass: "com.example.Main",
      mainApplicationFile: "local:///opt/app/app.jar",
      arguments: [
        "--input",
        "path with spaces/in it",
        `it's "quoted"`,
        "key=value=more",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${X} is the point
        "$HOME and ${X}",
        "C:\\back\\slash",
        "ünïcødé 日本",
        "",
        "--flag",
      ],
      proxyUser: "alice",
      driver: {
        cores: 1,
        memory: "512m",
        javaOptions: `-Dconfig.file=/etc/app.conf -Dname="a b" -XX:+UseG1GC`,
      },
      executor: { cores: 2, instances: 1, memory: "768m", javaOptions: "-Dexec=1 -verbose:gc" },
    }),
  },
  {
    name: "python-pyfiles",
    covers:
      "Python with pyFiles (in-image and remote), pythonVersion, spark.pyspark.python, Python overhead factor",
    spec: (ctx) => ({
      ...base(ctx),
      type: "Python",
      pythonVersion: "3",
      mainApplicationFile: "local:///opt/app/main.py",
      arguments: ["--rows", "10"],
      sparkConf: { "spark.pyspark.python": "python3" },
      deps: { pyFiles: ["local:///opt/app/lib.zip", "https://example.com/deps/helpers.py"] },
      driver: { cores: 1, memory: "512m" },
      executor: { cores: 1, instances: 1, memory: "512m" },
    }),
  },
  {
    name: "volumes",
    covers:
      "hostPath, emptyDir, configMap and secret volumes with mounts (subPath, readOnly); a spark-local-dir volume",
    spec: (ctx) => ({
      ...base(ctx),
      type: "Scala",
      mainClass: "org.apache.spark.examples.SparkPi",
      mainApplicationFile: EXAMPLES_JAR,
      volumes: [
        { name: "data", hostPath: { path: "/mnt/data", type: "DirectoryOrCreate" } },
        { name: "scratch", emptyDir: { sizeLimit: "1Gi" } },
        {
          name: "app-config",
          configMap: { name: "app-config", items: [{ key: "app.conf", path: "app.conf" }] },
        },
        { name: "creds", secret: { secretName: "creds", defaultMode: 0o400 } },
        { name: "spark-local-dir-1", emptyDir: {} },
      ],
      driver: {
        cores: 1,
        memory: "1g",
        volumeMounts: [
          { name: "data", mountPath: "/data" },
          { name: "scratch", mountPath: "/scratch" },
          { name: "app-config", mountPath: "/etc/app/app.conf", subPath: "app.conf", readOnly: true },
          { name: "creds", mountPath: "/var/creds", readOnly: true },
          { name: "spark-local-dir-1", mountPath: "/tmp/spark-local" },
        ],
      },
      executor: {
        cores: 1,
        instances: 2,
        memory: "1g",
        volumeMounts: [
          { name: "data", mountPath: "/data", readOnly: true },
          { name: "spark-local-dir-1", mountPath: "/tmp/spark-local" },
        ],
      },
    }),
  },
  {
    name: "env-secrets",
    covers:
      "env (value, fieldRef, secretKeyRef), envFrom, envVars, envSecretKeyRefs, secrets, configMaps, sparkConfigMap, hadoopConfigMap",
    spec: (ctx) => ({
      ...base(ctx),
      type: "Scala",
      mainClass: "org.apache.spark.examples.SparkPi",
      mainApplicationFile: EXAMPLES_JAR,
      sparkConfigMap: "my-spark-conf",
      hadoopConfigMap: "my-hadoop-conf",
      driver: {
        cores: 1,
        memory: "1g",
        env: [
          { name: "PLAIN", value: "plain value" },
          { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
          { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
        ],
        envFrom: [{ configMapRef: { name: "env-cm" } }, { prefix: "S_", secretRef: { name: "env-secret" } }],
        envVars: { LEGACY: "a b", ZZZ_LAST: "z", AAA_FIRST: "a" },
        envSecretKeyRefs: { LEGACY_TOKEN: { name: "tokens", key: "token" } },
        secrets: [
          { name: "gcp-key", path: "/mnt/secrets/gcp", secretType: "GCPServiceAccount" },
          { name: "hadoop-token", path: "/mnt/secrets/hadoop", secretType: "HadoopDelegationToken" },
          { name: "plain-secret", path: "/mnt/secrets/plain", secretType: "Generic" },
        ],
        configMaps: [{ name: "extra-conf", path: "/etc/extra" }],
      },
      executor: {
        cores: 1,
        instances: 1,
        memory: "1g",
        env: [{ name: "EXEC_ONLY", value: "1" }],
        envVars: { EXEC_LEGACY: "x" },
        secrets: [{ name: "plain-secret", path: "/mnt/secrets/plain", secretType: "Generic" }],
      },
    }),
  },
  {
    name: "node-selectors",
    covers: "spec.nodeSelector, driver/executor nodeSelector, spark.kubernetes(.driver).node.selector.* conf",
    spec: (ctx) => ({
      ...base(ctx),
      type: "Scala",
      mainClass: "org.apache.spark.examples.SparkPi",
      mainApplicationFile: EXAMPLES_JAR,
      nodeSelector: { disktype: "ssd" },
      sparkConf: {
        "spark.kubernetes.node.selector.team": "analytics",
        "spark.kubernetes.driver.node.selector.pool": "drivers",
        "spark.kubernetes.executor.node.selector.pool": "executors",
      },
      driver: { cores: 1, memory: "1g", nodeSelector: { "topology.kubernetes.io/zone": "zone-a" } },
      executor: {
        cores: 1,
        instances: 2,
        memory: "1g",
        nodeSelector: { "topology.kubernetes.io/zone": "zone-b" },
      },
    }),
  },
  {
    name: "scheduling",
    covers:
      "tolerations, affinity, security contexts, hostAliases, dnsConfig, grace period, schedulerName, sidecar, init container, extra ports, lifecycle",
    spec: (ctx) => ({
      ...base(ctx),
      type: "Scala",
      mainClass: "org.apache.spark.examples.SparkPi",
      mainApplicationFile: EXAMPLES_JAR,
      driver: {
        cores: 1,
        memory: "1g",
        tolerations: [
          { key: "dedicated", operator: "Equal", value: "spark", effect: "NoSchedule" },
          { key: "spot", operator: "Exists", effect: "NoExecute", tolerationSeconds: 60 },
        ],
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                {
                  matchExpressions: [
                    { key: "kubernetes.io/arch", operator: "In", values: ["amd64", "arm64"] },
                  ],
                },
              ],
            },
          },
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 50,
                podAffinityTerm: {
                  topologyKey: "kubernetes.io/hostname",
                  labelSelector: { matchLabels: { "spark-role": "driver" } },
                },
              },
            ],
          },
        },
        podSecurityContext: { runAsUser: 185, runAsGroup: 185, fsGroup: 185 },
        securityContext: {
          allowPrivilegeEscalation: false,
          capabilities: { drop: ["ALL"] },
          readOnlyRootFilesystem: false,
        },
        hostAliases: [{ ip: "10.1.2.3", hostnames: ["metastore", "metastore.local"] }],
        dnsConfig: { nameservers: ["10.0.0.10"], options: [{ name: "ndots", value: "2" }] },
        terminationGracePeriodSeconds: 45,
        schedulerName: "custom-scheduler",
        sidecars: [
          { name: "log-shipper", image: "busybox:1.36", args: ["sh", "-c", "tail -F /var/log/app.log"] },
        ],
        initContainers: [{ name: "init-wait", image: "busybox:1.36", command: ["sh", "-c", "true"] }],
        ports: [{ name: "jmx", containerPort: 9999, protocol: "TCP" }],
        lifecycle: { preStop: { exec: { command: ["sh", "-c", "sleep 5"] } } },
      },
      executor: {
        cores: 1,
        instances: 2,
        memory: "1g",
        tolerations: [{ key: "dedicated", operator: "Equal", value: "spark", effect: "NoSchedule" }],
        affinity: {
          podAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 10,
                podAffinityTerm: {
                  topologyKey: "topology.kubernetes.io/zone",
                  labelSelector: { matchLabels: { "spark-role": "driver" } },
                },
              },
            ],
          },
        },
      },
    }),
  },
  {
    name: "dynamic-allocation",
    covers: "dynamicAllocation (initial/min/max executors, shuffle tracking timeout), no executor instances",
    spec: (ctx) => ({
      ...base(ctx),
      type: "Scala",
      mainClass: "org.apache.spark.examples.SparkPi",
      mainApplicationFile: EXAMPLES_JAR,
      dynamicAllocation: {
        enabled: true,
        initialExecutors: 2,
        minExecutors: 1,
        maxExecutors: 10,
        shuffleTrackingTimeout: 60000,
      },
      driver: { cores: 1, memory: "1g" },
      executor: { cores: 1, memory: "1g" },
    }),
  },
  {
    name: "deps",
    covers:
      "a local primary jar, jars, files, archives (in-image, remote, local with an upload path), packages, exclusions, repositories",
    spec: (ctx) => {
      const repo = localMavenRepo(ctx.dir, ctx.jar);
      const localJar = join(ctx.dir, "app.jar");
      copyFileSync(ctx.jar, localJar);
      const localFile = join(ctx.dir, "lookup.csv");
      writeFileSync(localFile, "a,b\n1,2\n");
      mkdirSync(join(ctx.dir, "upload"), { recursive: true });
      return {
        ...base(ctx),
        type: "Java",
        mainClass: "org.apache.spark.examples.SparkPi",
        mainApplicationFile: localJar,
        sparkConf: {
          "spark.kubernetes.file.upload.path": `file://${join(ctx.dir, "upload")}`,
          "spark.jars.ivy": join(ctx.dir, "ivy"),
          "spark.jars.ivySettings": ivySettings(ctx.dir, repo),
        },
        deps: {
          jars: ["local:///opt/jars/extra.jar", "https://example.com/jars/remote.jar"],
          files: ["local:///opt/data/in-image.txt", "https://example.com/data/remote.txt", localFile],
          archives: ["local:///opt/data/env.tar.gz#env"],
          packages: ["com.example:difftest:1.0"],
          excludePackages: ["org.unused:nothing"],
          repositories: [`file://${repo}`],
        },
        driver: { cores: 1, memory: "1g" },
        executor: { cores: 1, instances: 1, memory: "1g" },
      };
    },
  },
  {
    name: "unusual-conf",
    covers:
      "sparkConf and hadoopConf values with spaces, '=', ':', '#', '!', unicode, backslashes, newlines, tabs, empty; odd keys",
    spec: (ctx) => ({
      ...base(ctx),
      type: "Scala",
      mainClass: "org.apache.spark.examples.SparkPi",
      mainApplicationFile: EXAMPLES_JAR,
      sparkConf: {
        "spark.test.spaces": "  leading and trailing  ",
        "spark.test.equals": "a=b=c",
        "spark.test.colon": "host:port:x",
        "spark.test.hash": "#not a comment",
        "spark.test.bang": "!not a comment either",
        "spark.test.unicode": "héllo wörld 日本語 😀",
        "spark.test.backslash": "C:\\path\\to\\file\\",
        "spark.test.newline": "line1\nline2\r\nline3",
        "spark.test.tab": "a\tb",
        "spark.test.empty": "",
        "spark.test.key with spaces": "v",
        "spark.test.key:colon#hash": "v",
        "spark.test.split=at first equals": "v",
        "not.spark.ignored": "dropped by spark-submit",
        "spark.eventLog.enabled": "true",
        "spark.eventLog.dir": "s3a://bucket/path with space/",
      },
      hadoopConf: { "fs.s3a.endpoint": "http://minio:9000", "fs.s3a.odd": "x=y: #z" },
      driver: { cores: 1, memory: "1g" },
      executor: { cores: 1, instances: 1, memory: "1g" },
    }),
  },
  {
    name: "resources",
    covers:
      "memory / memoryOverhead / memoryLimit, cores / coreRequest / coreLimit, GPUs, overhead factor, tmpfs local dirs",
    spec: (ctx) => ({
      ...base(ctx),
      type: "Scala",
      mainClass: "org.apache.spark.examples.SparkPi",
      mainApplicationFile: EXAMPLES_JAR,
      memoryOverheadFactor: "0.2",
      sparkConf: { "spark.kubernetes.local.dirs.tmpfs": "true" },
      driver: {
        cores: 2,
        coreRequest: "500m",
        coreLimit: "1500m",
        memory: "2g",
        memoryOverhead: "512m",
        memoryLimit: "4Gi",
        gpu: { name: "nvidia.com/gpu", quantity: 1 },
      },
      executor: {
        cores: 3,
        coreRequest: "250m",
        coreLimit: "2",
        memory: "3g",
        memoryOverhead: "1g",
        instances: 3,
        gpu: { name: "nvidia.com/gpu", quantity: 2 },
      },
    }),
  },
  {
    name: "labels-annotations",
    covers:
      "app labels, driver/executor labels and annotations ({{APP_ID}}), service labels/annotations, custom pod name, service account, image options, another sparkVersion",
    labels: { "app.kubernetes.io/part-of": "reporting", owner: "team-data" },
    setup: async (ctx) => {
      await ctx.core.createNamespacedServiceAccount({
        namespace: ctx.namespace,
        body: { metadata: { name: "spark-sa" } },
      });
    },
    spec: (ctx) => ({
      ...base(ctx),
      // Deliberately not Spark's own version: spark-version comes from here natively.
      sparkVersion: otherSparkVersion(ctx.sparkVersion),
      image: `registry.example.com/spark:${otherSparkVersion(ctx.sparkVersion)}`,
      imagePullPolicy: "Always",
      imagePullSecrets: ["regcred", "other-cred"],
      type: "Scala",
      mainClass: "org.apache.spark.examples.SparkPi",
      mainApplicationFile: EXAMPLES_JAR,
      driver: {
        cores: 1,
        memory: "1g",
        podName: "custom-driver-pod",
        serviceAccount: "spark-sa",
        image: `registry.example.com/spark-driver:${otherSparkVersion(ctx.sparkVersion)}`,
        labels: { team: "data", "example.com/tier": "gold" },
        annotations: { "example.com/note": "hello world: #1 = ok", "example.com/app-id": "{{APP_ID}}" },
        serviceLabels: { "example.com/exposed": "yes" },
        serviceAnnotations: { "example.com/lb": "internal" },
      },
      executor: {
        cores: 1,
        instances: 2,
        memory: "1g",
        labels: { team: "data", role: "worker" },
        annotations: { "example.com/note": "executor" },
        deleteOnTermination: false,
      },
    }),
  },
  {
    name: "long-name",
    // 37 characters: <prefix>-driver-svc would exceed 63, and label values still take it whole.
    appName: "nightly.etl.reporting-pipeline.v2.job",
    covers: "a long dotted app name: sanitised resource prefix, the spark-<id>-driver-svc fallback",
    spec: (ctx) => ({
      ...base(ctx),
      type: "Scala",
      mainClass: "org.apache.spark.examples.SparkPi",
      mainApplicationFile: EXAMPLES_JAR,
      driver: { cores: 1, memory: "1g" },
      executor: { cores: 1, instances: 1, memory: "1g" },
    }),
  },
  {
    name: "monitoring",
    covers: "Prometheus monitoring (JMX exporter javaagent, metrics port, prometheus ConfigMap)",
    spec: (ctx) => ({
      ...base(ctx),
      type: "Scala",
      mainClass: "org.apache.spark.examples.SparkPi",
      mainApplicationFile: EXAMPLES_JAR,
      monitoring: {
        exposeDriverMetrics: true,
        exposeExecutorMetrics: true,
        prometheus: { jmxExporterJar: "/prometheus/jmx_prometheus_javaagent-0.20.0.jar", port: 8090 },
      },
      driver: { cores: 1, memory: "1g" },
      executor: { cores: 1, instances: 1, memory: "1g" },
    }),
  },
];
