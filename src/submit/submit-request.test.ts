import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SparkApplication } from "../api/v1beta2/sparkapplication.js";
import { javaApp, MASTER, pythonApp } from "./fixtures.test-helpers.js";
import { buildSubmitRequest, masterUrlFromServiceHost, type SubmitRequest } from "./submit-request.js";

const SUBMISSION = "11111111-2222-5333-8444-555555555555";

function request(
  app = javaApp(),
  extra: Partial<Parameters<typeof buildSubmitRequest>[1]> = {},
): SubmitRequest {
  return buildSubmitRequest(app, { master: MASTER, submissionId: SUBMISSION, ...extra });
}

/** The conf pairs as a map (later pairs win, as in spark-submit). */
const confOf = (r: SubmitRequest) => new Map(r.conf);
const keysOf = (r: SubmitRequest) => r.conf.map(([key]) => key);

describe("buildSubmitRequest", () => {
  it("passes master, deploy mode, class, name, file and arguments", () => {
    const r = request();
    assert.equal(r.master, MASTER);
    assert.equal(r.deployMode, "cluster");
    assert.equal(r.mainClass, "org.apache.spark.examples.SparkPi");
    assert.equal(r.name, "spark-pi");
    assert.equal(r.mainApplicationFile, "local:///opt/spark/examples/jars/spark-examples.jar");
    assert.deepEqual(r.arguments, ["1000"]);
    assert.equal(r.proxyUser, undefined);
  });

  it("defaults the spec as the kubeflow operator does", () => {
    const app = javaApp({ driver: {}, executor: {} });
    const conf = confOf(request(app));
    assert.equal(conf.get("spark.driver.cores"), "1");
    assert.equal(conf.get("spark.driver.memory"), "1g");
    assert.equal(conf.get("spark.executor.cores"), "1");
    assert.equal(conf.get("spark.executor.memory"), "1g");
    assert.equal(conf.get("spark.executor.instances"), "1");
    const fromConf = confOf(
      request(javaApp({ driver: {}, executor: {}, sparkConf: { "spark.driver.memory": "2g" } })),
    );
    assert.equal(fromConf.get("spark.driver.memory"), "2g");
    const dynamic = confOf(request(javaApp({ executor: {}, dynamicAllocation: { enabled: true } })));
    assert.equal(dynamic.get("spark.executor.instances"), undefined);
    assert.equal(request(javaApp({ mode: undefined })).deployMode, "cluster");
  });

  it("prefixes a bare API server URL with k8s://", () => {
    assert.equal(request(javaApp(), { master: "https://api:6443" }).master, "k8s://https://api:6443");
  });

  it("builds the kubeflow master URL from the service environment", () => {
    assert.equal(masterUrlFromServiceHost("10.96.0.1", 443), "k8s://https://10.96.0.1:443");
    assert.equal(masterUrlFromServiceHost("fd00::1", "443"), "k8s://https://[fd00::1]:443");
    assert.equal(masterUrlFromServiceHost("[fd00::1]", "443"), "k8s://https://[fd00::1]:443");
  });

  it("sets namespace, images, pull policy and secrets, wait=false and the driver pod name", () => {
    const conf = confOf(
      request(
        javaApp({ imagePullPolicy: "Always", imagePullSecrets: ["a", "b"], executor: { image: "exec:1" } }),
      ),
    );
    assert.equal(conf.get("spark.kubernetes.namespace"), "team-a");
    assert.equal(conf.get("spark.kubernetes.container.image"), "spark:3.5.3");
    assert.equal(conf.get("spark.kubernetes.driver.container.image"), "spark:3.5.3");
    assert.equal(conf.get("spark.kubernetes.executor.container.image"), "exec:1");
    assert.equal(conf.get("spark.kubernetes.container.image.pullPolicy"), "Always");
    assert.equal(conf.get("spark.kubernetes.container.image.pullSecrets"), "a,b");
    assert.equal(conf.get("spark.kubernetes.submission.waitAppCompletion"), "false");
    assert.equal(conf.get("spark.kubernetes.driver.pod.name"), "spark-pi-driver");
  });

  it("labels driver and executors with the app name, launched-by, mutated-by and the submission id", () => {
    const conf = confOf(request());
    for (const role of ["driver", "executor"]) {
      assert.equal(conf.get(`spark.kubernetes.${role}.label.sparkoperator.k8s.io/app-name`), "spark-pi");
      assert.equal(
        conf.get(`spark.kubernetes.${role}.label.sparkoperator.k8s.io/launched-by-spark-operator`),
        "true",
      );
      assert.equal(
        conf.get(`spark.kubernetes.${role}.label.sparkoperator.k8s.io/mutated-by-spark-operator`),
        "true",
      );
      assert.equal(conf.get(`spark.kubernetes.${role}.label.sparkoperator.k8s.io/submission-id`), SUBMISSION);
    }
  });

  it("leaves mutated-by off the role with a pod template of its own (Spark 3+), as kubeflow does", () => {
    const mutatedBy = (app: SparkApplication, role: string) =>
      confOf(request(app)).get(
        `spark.kubernetes.${role}.label.sparkoperator.k8s.io/mutated-by-spark-operator`,
      );
    const template = { spec: { containers: [] } };
    const driverTemplated = javaApp({ driver: { cores: 1, template } });
    assert.equal(mutatedBy(driverTemplated, "driver"), undefined);
    assert.equal(mutatedBy(driverTemplated, "executor"), "true");
    const executorTemplated = javaApp({ executor: { instances: 1, template } });
    assert.equal(mutatedBy(executorTemplated, "driver"), "true");
    assert.equal(mutatedBy(executorTemplated, "executor"), undefined);
    const old = javaApp({ sparkVersion: "2.4.8", driver: { template }, executor: { template } });
    assert.equal(mutatedBy(old, "driver"), "true", "Spark 2 pods are always mutated");
    assert.equal(mutatedBy(old, "executor"), "true");
  });

  it("puts mutated-by between launched-by and the submission id, as kubeflow orders its --conf", () => {
    const keys = request().conf.map(([key]) => key);
    const at = (label: string) => keys.indexOf(`spark.kubernetes.driver.label.sparkoperator.k8s.io/${label}`);
    assert.ok(at("launched-by-spark-operator") < at("mutated-by-spark-operator"));
    assert.ok(at("mutated-by-spark-operator") < at("submission-id"));
  });

  it("maps every driver field Spark reads from its configuration", () => {
    const app = javaApp({
      driver: {
        cores: 2,
        coreRequest: "500m",
        coreLimit: "1200m",
        memory: "2g",
        memoryOverhead: "512m",
        serviceAccount: "spark-sa",
        javaOptions: "-Dx=y -XX:+UseG1GC",
        kubernetesMaster: "https://kubernetes.default.svc:443",
        image: "driver:1",
        labels: { tier: "batch" },
        annotations: { "example.com/a": "{{APP_ID}}" },
        serviceLabels: { svc: "yes" },
        serviceAnnotations: { "svc.example.com/x": "1" },
        envVars: { FOO: "bar" },
        envSecretKeyRefs: { PASSWORD: { name: "db", key: "pw" } },
        secrets: [
          { name: "gcp", path: "/mnt/gcp/", secretType: "GCPServiceAccount" },
          { name: "tok", path: "/mnt/tok", secretType: "HadoopDelegationToken" },
          { name: "plain", path: "/mnt/plain", secretType: "Generic" },
        ],
      },
    });
    app.metadata.labels = { team: "data" };
    const conf = confOf(request(app));
    const expected: Record<string, string> = {
      "spark.driver.cores": "2",
      "spark.kubernetes.driver.request.cores": "500m",
      "spark.kubernetes.driver.limit.cores": "1200m",
      "spark.driver.memory": "2g",
      "spark.driver.memoryOverhead": "512m",
      "spark.kubernetes.authenticate.driver.serviceAccountName": "spark-sa",
      "spark.driver.extraJavaOptions": "-Dx=y -XX:+UseG1GC",
      "spark.kubernetes.driver.master": "https://kubernetes.default.svc:443",
      "spark.kubernetes.driver.container.image": "driver:1",
      "spark.kubernetes.driver.label.team": "data",
      "spark.kubernetes.driver.label.tier": "batch",
      "spark.kubernetes.driver.annotation.example.com/a": "{{APP_ID}}",
      "spark.kubernetes.driver.service.label.svc": "yes",
      "spark.kubernetes.driver.service.annotation.svc.example.com/x": "1",
      "spark.kubernetes.driverEnv.FOO": "bar",
      "spark.kubernetes.driver.secretKeyRef.PASSWORD": "db:pw",
      "spark.kubernetes.driver.secrets.gcp": "/mnt/gcp/",
      "spark.kubernetes.driverEnv.GOOGLE_APPLICATION_CREDENTIALS": "/mnt/gcp/key.json",
      "spark.kubernetes.driver.secrets.tok": "/mnt/tok",
      "spark.kubernetes.driverEnv.HADOOP_TOKEN_FILE_LOCATION": "/mnt/tok/hadoop.token",
      "spark.kubernetes.driver.secrets.plain": "/mnt/plain",
    };
    for (const [key, value] of Object.entries(expected)) assert.equal(conf.get(key), value, key);
  });

  it("maps every executor field Spark reads from its configuration", () => {
    const app = javaApp({
      executor: {
        instances: 5,
        cores: 3,
        coreRequest: "2500m",
        coreLimit: "3",
        memory: "4g",
        memoryOverhead: "1g",
        serviceAccount: "exec-sa",
        deleteOnTermination: false,
        javaOptions: "-Dexec=1",
        labels: { role: "worker" },
        annotations: { note: "n" },
        envVars: { E: "1" },
        envSecretKeyRefs: { TOKEN: { name: "s", key: "k" } },
        secrets: [{ name: "gcp", path: "/mnt/gcp", secretType: "GCPServiceAccount" }],
      },
    });
    const conf = confOf(request(app));
    const expected: Record<string, string> = {
      "spark.executor.instances": "5",
      "spark.executor.cores": "3",
      "spark.kubernetes.executor.request.cores": "2500m",
      "spark.kubernetes.executor.limit.cores": "3",
      "spark.executor.memory": "4g",
      "spark.executor.memoryOverhead": "1g",
      "spark.kubernetes.authenticate.executor.serviceAccountName": "exec-sa",
      "spark.kubernetes.executor.deleteOnTermination": "false",
      "spark.executor.extraJavaOptions": "-Dexec=1",
      "spark.kubernetes.executor.label.role": "worker",
      "spark.kubernetes.executor.annotation.note": "n",
      "spark.executorEnv.E": "1",
      "spark.kubernetes.executor.secretKeyRef.TOKEN": "s:k",
      "spark.kubernetes.executor.secrets.gcp": "/mnt/gcp",
      "spark.executorEnv.GOOGLE_APPLICATION_CREDENTIALS": "/mnt/gcp/key.json",
    };
    for (const [key, value] of Object.entries(expected)) assert.equal(conf.get(key), value, key);
  });

  it("passes sparkConf (but not the driver pod name) and hadoopConf as spark.hadoop.*", () => {
    const r = request(
      javaApp({
        sparkConf: { "spark.b": "2", "spark.a": "1", "spark.kubernetes.driver.pod.name": "ignored" },
        hadoopConf: { "fs.s3a.endpoint": "http://minio:9000" },
      }),
    );
    const conf = confOf(r);
    assert.equal(conf.get("spark.a"), "1");
    assert.equal(conf.get("spark.hadoop.fs.s3a.endpoint"), "http://minio:9000");
    assert.equal(conf.get("spark.kubernetes.driver.pod.name"), "ignored");
    assert.equal(keysOf(r).filter((key) => key === "spark.kubernetes.driver.pod.name").length, 1);
    assert.ok(keysOf(r).indexOf("spark.a") < keysOf(r).indexOf("spark.b"));
  });

  it("lets the spec's fields win over the same keys in sparkConf (they come later)", () => {
    const conf = confOf(
      request(javaApp({ sparkConf: { "spark.driver.memory": "8g", "spark.executor.instances": "9" } })),
    );
    assert.equal(conf.get("spark.driver.memory"), "1g");
    assert.equal(conf.get("spark.executor.instances"), "2");
  });

  it("uses spec.driver.podName and then sparkConf for the driver pod name", () => {
    assert.equal(
      confOf(request(javaApp({ driver: { podName: "custom" } }))).get("spark.kubernetes.driver.pod.name"),
      "custom",
    );
  });

  it("adds extra operator properties as if in sparkConf", () => {
    const conf = confOf(request(javaApp(), { extraSparkConf: { "spark.ui.proxyBase": "/team-a/spark-pi" } }));
    assert.equal(conf.get("spark.ui.proxyBase"), "/team-a/spark-pi");
  });

  it("passes python version, memory overhead factor and the app-level node selector", () => {
    const conf = confOf(
      request(pythonApp({ pythonVersion: "3", memoryOverheadFactor: "0.3", nodeSelector: { disk: "ssd" } })),
    );
    assert.equal(conf.get("spark.kubernetes.pyspark.pythonVersion"), "3");
    assert.equal(conf.get("spark.kubernetes.memoryOverheadFactor"), "0.3");
    assert.equal(conf.get("spark.kubernetes.node.selector.disk"), "ssd");
  });

  it("turns on dynamic allocation with shuffle tracking by default", () => {
    const conf = confOf(
      request(
        javaApp({
          dynamicAllocation: { enabled: true, initialExecutors: 1, minExecutors: 0, maxExecutors: 10 },
        }),
      ),
    );
    assert.equal(conf.get("spark.dynamicAllocation.enabled"), "true");
    assert.equal(conf.get("spark.dynamicAllocation.initialExecutors"), "1");
    assert.equal(conf.get("spark.dynamicAllocation.minExecutors"), "0");
    assert.equal(conf.get("spark.dynamicAllocation.maxExecutors"), "10");
    assert.equal(conf.get("spark.dynamicAllocation.shuffleTracking.enabled"), "true");
    const off = confOf(
      request(
        javaApp({
          dynamicAllocation: { enabled: true, shuffleTrackingEnabled: false, shuffleTrackingTimeout: 60000 },
        }),
      ),
    );
    assert.equal(off.get("spark.dynamicAllocation.shuffleTracking.enabled"), "false");
    assert.equal(off.get("spark.dynamicAllocation.shuffleTracking.timeout"), "60000");
    assert.equal(
      confOf(request(javaApp({ dynamicAllocation: { enabled: false } }))).get(
        "spark.dynamicAllocation.enabled",
      ),
      undefined,
    );
  });

  it("joins dependencies and passes the proxy user", () => {
    const r = request(
      javaApp({
        proxyUser: "alice",
        deps: {
          jars: ["a.jar", "b.jar"],
          files: ["f"],
          pyFiles: ["p.zip"],
          packages: ["g:a:1"],
          excludePackages: ["g:x"],
          repositories: ["https://repo"],
          archives: ["env.tgz#env"],
        },
      }),
    );
    assert.equal(r.jars, "a.jar,b.jar");
    assert.equal(r.files, "f");
    assert.equal(r.pyFiles, "p.zip");
    assert.equal(r.packages, "g:a:1");
    assert.equal(r.excludePackages, "g:x");
    assert.equal(r.repositories, "https://repo");
    assert.equal(r.archives, "env.tgz#env");
    assert.equal(r.proxyUser, "alice");
    assert.equal(request(javaApp({ deps: { jars: [] }, proxyUser: "" })).jars, undefined);
  });

  it("passes spark-local-dir volumes as Spark volume configuration", () => {
    const conf = confOf(
      request(
        javaApp({
          volumes: [
            { name: "spark-local-dir-1", hostPath: { path: "/mnt/disk1", type: "Directory" } },
            { name: "spark-local-dir-2", emptyDir: { sizeLimit: "10Gi" } },
            { name: "data", persistentVolumeClaim: { claimName: "pvc" } },
          ],
          driver: { volumeMounts: [{ name: "spark-local-dir-1", mountPath: "/tmp/spark", readOnly: true }] },
          executor: {
            volumeMounts: [
              { name: "spark-local-dir-2", mountPath: "/scratch", subPath: "s" },
              { name: "data", mountPath: "/data" },
            ],
          },
        }),
      ),
    );
    assert.equal(
      conf.get("spark.kubernetes.driver.volumes.hostPath.spark-local-dir-1.mount.path"),
      "/tmp/spark",
    );
    assert.equal(
      conf.get("spark.kubernetes.driver.volumes.hostPath.spark-local-dir-1.mount.readOnly"),
      "true",
    );
    assert.equal(
      conf.get("spark.kubernetes.driver.volumes.hostPath.spark-local-dir-1.options.path"),
      "/mnt/disk1",
    );
    assert.equal(
      conf.get("spark.kubernetes.driver.volumes.hostPath.spark-local-dir-1.options.type"),
      "Directory",
    );
    assert.equal(
      conf.get("spark.kubernetes.executor.volumes.emptyDir.spark-local-dir-2.mount.path"),
      "/scratch",
    );
    assert.equal(conf.get("spark.kubernetes.executor.volumes.emptyDir.spark-local-dir-2.mount.subPath"), "s");
    assert.equal(
      conf.get("spark.kubernetes.executor.volumes.emptyDir.spark-local-dir-2.options.sizeLimit"),
      "10Gi",
    );
    assert.ok(![...conf.keys()].some((key) => key.includes(".data.")));
    assert.throws(
      () => request(javaApp({ driver: { volumeMounts: [{ name: "spark-local-dir-9", mountPath: "/x" }] } })),
      /volume spark-local-dir-9 not found/,
    );
  });

  it("adds pod template files and their container names when given", () => {
    const conf = confOf(
      request(javaApp(), { executorPodTemplateFile: "/t/exec.yaml", driverPodTemplateFile: "/t/drv.yaml" }),
    );
    assert.equal(conf.get("spark.kubernetes.executor.podTemplateFile"), "/t/exec.yaml");
    assert.equal(conf.get("spark.kubernetes.executor.podTemplateContainerName"), "spark-kubernetes-executor");
    assert.equal(conf.get("spark.kubernetes.driver.podTemplateFile"), "/t/drv.yaml");
    assert.equal(conf.get("spark.kubernetes.driver.podTemplateContainerName"), "spark-kubernetes-driver");
  });

  it("configures Prometheus monitoring as the kubeflow operator does", () => {
    const app = javaApp({
      sparkConf: { "spark.metrics.conf": "/mine" },
      driver: { javaOptions: "-Dx=1" },
      monitoring: {
        exposeDriverMetrics: true,
        exposeExecutorMetrics: true,
        prometheus: { jmxExporterJar: "/prometheus/jmx.jar", port: 8090 },
      },
    });
    const conf = confOf(request(app));
    const agent = "-javaagent:/prometheus/jmx.jar=8090:/etc/metrics/conf/prometheus.yaml";
    assert.equal(conf.get("spark.driver.extraJavaOptions"), `-Dx=1 ${agent}`);
    assert.equal(conf.get("spark.executor.extraJavaOptions"), agent);
    assert.equal(conf.get("spark.metrics.namespace"), "team-a.spark-pi");
    assert.equal(conf.get("spark.metrics.conf"), "/etc/metrics/conf/metrics.properties");
    assert.equal(conf.get("spark.kubernetes.driver.annotation.prometheus.io/scrape"), "true");
    assert.equal(conf.get("spark.kubernetes.driver.annotation.prometheus.io/port"), "8090");
    assert.equal(conf.get("spark.kubernetes.executor.annotation.prometheus.io/path"), "/metrics");
    assert.equal(app.spec.driver.javaOptions, "-Dx=1", "the input is not modified");
  });
});
