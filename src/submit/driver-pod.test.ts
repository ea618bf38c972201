import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { V1Container, V1Pod } from "@kubernetes/client-node";
import type { SparkApplicationSpec } from "../api/v1beta2/sparkapplication.js";
import { buildDriverObjects } from "./driver.js";
import { identityOf, javaApp, MASTER, pythonApp } from "./fixtures.test-helpers.js";

function driverPod(app = javaApp(), sparkUser?: string): V1Pod {
  return buildDriverObjects(app, identityOf(app), { master: MASTER, ...(sparkUser ? { sparkUser } : {}) })
    .pod;
}

const withSpec = (spec: Partial<SparkApplicationSpec>) => javaApp(spec);
const sparkContainer = (pod: V1Pod): V1Container =>
  pod.spec!.containers.find((c) => c.name === "spark-kubernetes-driver") ??
  assert.fail("no driver container");
const envOf = (pod: V1Pod) => sparkContainer(pod).env ?? [];
const envValue = (pod: V1Pod, name: string) => envOf(pod).find((e) => e.name === name)?.value;

describe("driver container", () => {
  it("runs the Spark image with Spark's ports and pull policy", () => {
    const container = sparkContainer(
      driverPod(withSpec({ imagePullPolicy: "Always", driver: { image: "mine:1" } })),
    );
    assert.equal(container.image, "mine:1");
    assert.equal(container.imagePullPolicy, "Always");
    assert.equal(sparkContainer(driverPod()).imagePullPolicy, "IfNotPresent");
    assert.deepEqual(container.ports, [
      { name: "driver-rpc-port", containerPort: 7078, protocol: "TCP" },
      { name: "blockmanager", containerPort: 7079, protocol: "TCP" },
      { name: "spark-ui", containerPort: 4040, protocol: "TCP" },
    ]);
  });

  it("fails without any image", () => {
    const app = javaApp();
    delete app.spec.image;
    assert.throws(() => driverPod(app), /Must specify the driver container image/);
  });

  it("takes the block manager port from spark.blockManager.port when the driver one is unset", () => {
    const ports = sparkContainer(
      driverPod(withSpec({ sparkConf: { "spark.blockManager.port": "9999" } })),
    ).ports;
    assert.equal(ports?.[1]?.containerPort, 9999);
  });

  it("runs a Java app from its remote jar", () => {
    assert.deepEqual(sparkContainer(driverPod()).args, [
      "driver",
      "--properties-file",
      "/opt/spark/conf/spark.properties",
      "--class",
      "org.apache.spark.examples.SparkPi",
      "local:///opt/spark/examples/jars/spark-examples.jar",
      "1000",
    ]);
  });

  it("runs a local jar as spark-internal (it reaches the classpath through spark.jars)", () => {
    for (const file of ["/opt/app.jar", "file:///opt/app.jar", "app.jar"]) {
      const args = sparkContainer(driverPod(withSpec({ mainApplicationFile: file }))).args ?? [];
      assert.equal(args[5], "spark-internal", file);
    }
  });

  it("runs a Python app through PythonRunner", () => {
    assert.deepEqual(sparkContainer(driverPod(pythonApp({ arguments: ["10", "--flag"] }))).args, [
      "driver",
      "--properties-file",
      "/opt/spark/conf/spark.properties",
      "--class",
      "org.apache.spark.deploy.PythonRunner",
      "local:///opt/app/pi.py",
      "10",
      "--flag",
    ]);
  });

  it("passes the proxy user first and runs as that user", () => {
    const pod = driverPod(withSpec({ proxyUser: "alice" }));
    assert.deepEqual(sparkContainer(pod).args?.slice(0, 3), ["driver", "--proxy-user", "alice"]);
    assert.equal(envValue(pod, "SPARK_USER"), "alice");
    assert.equal(envValue(driverPod(), "SPARK_USER"), "spark");
    assert.equal(envValue(driverPod(javaApp(), "root"), "SPARK_USER"), "root");
  });

  it("sets Spark's environment in Spark's order", () => {
    const app = withSpec({
      driver: {
        envVars: { B: "2", A: "1" },
        envSecretKeyRefs: { PW: { name: "db", key: "pw" } },
        env: [{ name: "LAST", value: "x" }],
      },
    });
    const pod = driverPod(app);
    const appId = pod.metadata?.labels?.["spark-app-selector"];
    assert.deepEqual(envOf(pod), [
      { name: "SPARK_USER", value: "spark" },
      { name: "SPARK_APPLICATION_ID", value: appId },
      { name: "A", value: "1" },
      { name: "B", value: "2" },
      {
        name: "SPARK_DRIVER_BIND_ADDRESS",
        valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "status.podIP" } },
      },
      { name: "PW", valueFrom: { secretKeyRef: { name: "db", key: "pw" } } },
      { name: "SPARK_LOCAL_DIRS", value: envValue(pod, "SPARK_LOCAL_DIRS") },
      { name: "SPARK_CONF_DIR", value: "/opt/spark/conf" },
      { name: "LAST", value: "x" },
    ]);
  });

  it("sets PYSPARK_PYTHON and PYSPARK_DRIVER_PYTHON for Python apps when configured", () => {
    const pod = driverPod(pythonApp({ sparkConf: { "spark.pyspark.python": "python3.11" } }));
    assert.equal(envValue(pod, "PYSPARK_PYTHON"), "python3.11");
    assert.equal(envValue(pod, "PYSPARK_DRIVER_PYTHON"), "python3.11");
    const both = driverPod(
      pythonApp({ sparkConf: { "spark.pyspark.python": "p", "spark.pyspark.driver.python": "d" } }),
    );
    assert.equal(envValue(both, "PYSPARK_PYTHON"), "p");
    assert.equal(envValue(both, "PYSPARK_DRIVER_PYTHON"), "d");
    assert.equal(envValue(driverPod(pythonApp()), "PYSPARK_PYTHON"), undefined);
  });
});

describe("driver resources", () => {
  const resources = (spec: Partial<SparkApplicationSpec>) =>
    sparkContainer(driverPod(withSpec(spec))).resources;

  it("requests 1408Mi and one core for the default 1g driver, limiting memory only", () => {
    assert.deepEqual(resources({}), {
      requests: { cpu: "1", memory: "1408Mi" },
      limits: { memory: "1408Mi" },
    });
  });

  it("adds 10% above 3840m, 40% for Python, or the explicit overhead", () => {
    assert.equal(resources({ driver: { memory: "8g" } })?.requests?.memory, `${8192 + 819}Mi`);
    const python = sparkContainer(driverPod(pythonApp({ driver: { memory: "2g" } }))).resources;
    assert.equal(python?.requests?.memory, `${2048 + 819}Mi`);
    assert.equal(resources({ driver: { memory: "2g", memoryOverhead: "1g" } })?.limits?.memory, "3072Mi");
    assert.equal(
      resources({ memoryOverheadFactor: "0.5", driver: { memory: "2g" } })?.limits?.memory,
      "3072Mi",
    );
  });

  it("uses cores, coreRequest and coreLimit", () => {
    assert.deepEqual(resources({ driver: { cores: 2, coreLimit: "3" } }), {
      requests: { cpu: "2", memory: "1408Mi" },
      limits: { cpu: "3", memory: "1408Mi" },
    });
    assert.equal(resources({ driver: { cores: 2, coreRequest: "1500m" } })?.requests?.cpu, "1500m");
  });

  it("limits GPUs, custom resources and memory as asked", () => {
    const limits = resources({
      driver: { gpu: { name: "nvidia.com/gpu", quantity: 2 }, memoryLimit: "4g" },
      sparkConf: {
        "spark.driver.resource.fpga.amount": "1",
        "spark.driver.resource.fpga.vendor": "xilinx.com",
      },
    })?.limits;
    assert.deepEqual(limits, { memory: "4Gi", "xilinx.com/fpga": "1", "nvidia.com/gpu": "2" });
    assert.throws(
      () => resources({ sparkConf: { "spark.driver.resource.gpu.amount": "1" } }),
      /vendor was not specified/,
    );
  });
});

describe("driver pod metadata and spec", () => {
  it("labels the pod for Spark and the operator, and owns it by the SparkApplication", () => {
    const app = withSpec({
      driver: { labels: { tier: "batch", stamp: "{{APP_ID}}" }, annotations: { note: "id={{APP_ID}}" } },
    });
    app.metadata.labels = { team: "data" };
    const pod = driverPod(app);
    const labels = pod.metadata?.labels ?? {};
    const appId = labels["spark-app-selector"] ?? "";
    assert.match(appId, /^spark-[0-9a-f]{32}$/);
    assert.equal(labels["spark-role"], "driver");
    assert.equal(labels["spark-app-name"], "spark-pi");
    assert.equal(labels["spark-version"], "3.5.3");
    assert.equal(labels["sparkoperator.k8s.io/app-name"], "spark-pi");
    assert.equal(labels["sparkoperator.k8s.io/launched-by-spark-operator"], "true");
    assert.equal(labels["sparkoperator.k8s.io/mutated-by-spark-operator"], "true");
    assert.match(labels["sparkoperator.k8s.io/submission-id"] ?? "", /^[0-9a-f-]{36}$/);
    assert.equal(labels.team, "data");
    assert.equal(labels.tier, "batch");
    assert.equal(labels.stamp, appId);
    assert.deepEqual(pod.metadata?.annotations, { note: `id=${appId}` });
    assert.deepEqual(pod.metadata?.ownerReferences, [
      {
        apiVersion: "sparkoperator.k8s.io/v1beta2",
        kind: "SparkApplication",
        name: "spark-pi",
        uid: app.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
  });

  it("rejects labels reserved for Spark", () => {
    assert.throws(
      () => driverPod(withSpec({ driver: { labels: { "spark-role": "x" } } })),
      /reserved for Spark/,
    );
  });

  it("never restarts, and runs under the service account", () => {
    const spec = driverPod(withSpec({ driver: { serviceAccount: "spark-sa" } })).spec!;
    assert.equal(spec.restartPolicy, "Never");
    assert.equal(spec.serviceAccountName, "spark-sa");
    assert.equal(spec.serviceAccount, "spark-sa");
  });

  it("applies every scheduling and security field of spec.driver", () => {
    const pod = driverPod(
      withSpec({
        imagePullSecrets: ["reg-a", "reg-b"],
        nodeSelector: { zone: "a" },
        driver: {
          nodeSelector: { pool: "drivers" },
          affinity: { podAntiAffinity: {} },
          tolerations: [{ key: "dedicated", operator: "Equal", value: "spark", effect: "NoSchedule" }],
          schedulerName: "custom-scheduler",
          priorityClassName: "urgent",
          podSecurityContext: { runAsNonRoot: true },
          securityContext: { allowPrivilegeEscalation: false },
          hostNetwork: true,
          dnsConfig: { nameservers: ["1.1.1.1"] },
          terminationGracePeriodSeconds: 30,
          hostAliases: [{ ip: "10.0.0.1", hostnames: ["db"] }],
          shareProcessNamespace: true,
          lifecycle: { preStop: { exec: { command: ["sleep", "5"] } } },
          ports: [{ name: "debug", protocol: "TCP", containerPort: 5005 }],
        },
      }),
    );
    const spec = pod.spec!;
    const container = sparkContainer(pod);
    assert.deepEqual(spec.imagePullSecrets, [{ name: "reg-a" }, { name: "reg-b" }]);
    assert.deepEqual(spec.nodeSelector, { zone: "a", pool: "drivers" });
    assert.deepEqual(spec.affinity, { podAntiAffinity: {} });
    assert.deepEqual(spec.tolerations, [
      { key: "dedicated", operator: "Equal", value: "spark", effect: "NoSchedule" },
    ]);
    assert.equal(spec.schedulerName, "custom-scheduler");
    assert.equal(spec.priorityClassName, "urgent");
    assert.deepEqual(spec.securityContext, { runAsNonRoot: true });
    assert.deepEqual(container.securityContext, { allowPrivilegeEscalation: false });
    assert.equal(spec.hostNetwork, true);
    assert.equal(spec.dnsPolicy, "ClusterFirstWithHostNet");
    assert.deepEqual(spec.dnsConfig, { nameservers: ["1.1.1.1"] });
    assert.equal(spec.terminationGracePeriodSeconds, 30);
    assert.deepEqual(spec.hostAliases, [{ ip: "10.0.0.1", hostnames: ["db"] }]);
    assert.equal(spec.shareProcessNamespace, true);
    assert.deepEqual(container.lifecycle, { preStop: { exec: { command: ["sleep", "5"] } } });
    assert.deepEqual(container.ports?.at(-1), { name: "debug", containerPort: 5005, protocol: "TCP" });
  });

  it("prefers the batch scheduler and Spark's scheduler conf", () => {
    assert.equal(
      driverPod(withSpec({ batchScheduler: "volcano", driver: { schedulerName: "x" } })).spec?.schedulerName,
      "volcano",
    );
    assert.equal(
      driverPod(withSpec({ sparkConf: { "spark.kubernetes.scheduler.name": "yunikorn" } })).spec
        ?.schedulerName,
      "yunikorn",
    );
  });

  it("adds init containers and sidecars once, after the Spark container", () => {
    const spec = driverPod(
      withSpec({
        driver: {
          initContainers: [{ name: "init", image: "busybox" }],
          sidecars: [
            { name: "side", image: "envoy" },
            { name: "side", image: "envoy" },
          ],
        },
      }),
    ).spec!;
    assert.deepEqual(
      spec.initContainers?.map((c) => c.name),
      ["init"],
    );
    assert.deepEqual(
      spec.containers.map((c) => c.name),
      ["spark-kubernetes-driver", "side", "side"],
    );
  });
});

describe("driver volumes", () => {
  const mounts = (pod: V1Pod) => (sparkContainer(pod).volumeMounts ?? []).map((m) => [m.name, m.mountPath]);
  const volumeNames = (pod: V1Pod) => (pod.spec?.volumes ?? []).map((v) => v.name);

  it("mounts a default scratch dir and the conf volume", () => {
    const pod = driverPod();
    const scratch = envValue(pod, "SPARK_LOCAL_DIRS") ?? "";
    assert.match(scratch, /^\/var\/data\/spark-[0-9a-f-]{36}$/);
    assert.deepEqual(mounts(pod), [
      ["pod-template-volume", "/opt/spark/pod-template"],
      ["spark-local-dir-1", scratch],
      ["spark-conf-volume-driver", "/opt/spark/conf"],
    ]);
    assert.deepEqual(pod.spec?.volumes?.[1], { name: "spark-local-dir-1", emptyDir: {} });
  });

  it("uses spark.local.dir and tmpfs when configured", () => {
    const pod = driverPod(
      withSpec({ sparkConf: { "spark.local.dir": "/a,/b", "spark.kubernetes.local.dirs.tmpfs": "true" } }),
    );
    assert.equal(envValue(pod, "SPARK_LOCAL_DIRS"), "/a,/b");
    assert.deepEqual(pod.spec?.volumes?.slice(1, 3), [
      { name: "spark-local-dir-1", emptyDir: { medium: "Memory" } },
      { name: "spark-local-dir-2", emptyDir: { medium: "Memory" } },
    ]);
  });

  it("uses mounted spark-local-dir volumes instead of its own", () => {
    const pod = driverPod(
      withSpec({
        volumes: [{ name: "spark-local-dir-fast", hostPath: { path: "/nvme" } }],
        driver: { volumeMounts: [{ name: "spark-local-dir-fast", mountPath: "/scratch" }] },
      }),
    );
    assert.equal(envValue(pod, "SPARK_LOCAL_DIRS"), "/scratch");
    assert.deepEqual(volumeNames(pod), [
      "spark-local-dir-fast",
      "pod-template-volume",
      "spark-conf-volume-driver",
    ]);
    assert.deepEqual(pod.spec?.volumes?.[0], { name: "spark-local-dir-fast", hostPath: { path: "/nvme" } });
  });

  it("mounts secrets, config maps and declared volumes", () => {
    const pod = driverPod(
      withSpec({
        volumes: [
          { name: "data", persistentVolumeClaim: { claimName: "pvc" } },
          { name: "unused", emptyDir: {} },
        ],
        hadoopConfigMap: "hadoop-cm",
        sparkConfigMap: "spark-cm",
        driver: {
          secrets: [{ name: "creds", path: "/mnt/creds", secretType: "Generic" }],
          configMaps: [{ name: "a".repeat(70), path: "/etc/long" }],
          volumeMounts: [
            { name: "data", mountPath: "/data" },
            { name: "data", mountPath: "/data2", subPath: "x" },
          ],
        },
      }),
    );
    assert.deepEqual(mounts(pod), [
      ["creds-volume", "/mnt/creds"],
      ["pod-template-volume", "/opt/spark/pod-template"],
      ["spark-local-dir-1", envValue(pod, "SPARK_LOCAL_DIRS")],
      ["spark-conf-volume-driver", "/opt/spark/conf"],
      ["hadoop-configmap-volume", "/etc/hadoop/conf"],
      ["spark-configmap-volume", "/etc/spark/conf"],
      ["a".repeat(63), "/etc/long"],
      ["data", "/data"],
      ["data", "/data2"],
    ]);
    assert.deepEqual(volumeNames(pod), [
      "creds-volume",
      "pod-template-volume",
      "spark-local-dir-1",
      "spark-conf-volume-driver",
      "hadoop-configmap-volume",
      "spark-configmap-volume",
      "a".repeat(63),
      "data",
    ]);
    assert.deepEqual(pod.spec?.volumes?.[0], { name: "creds-volume", secret: { secretName: "creds" } });
    assert.equal(envValue(pod, "HADOOP_CONF_DIR"), "/etc/hadoop/conf");
    assert.deepEqual(
      envOf(pod)
        .filter((e) => e.name === "SPARK_CONF_DIR")
        .map((e) => e.value),
      ["/opt/spark/conf", "/etc/spark/conf"],
    );
  });

  it("mounts Spark volume configuration and spark.kubernetes.hadoop.configMapName", () => {
    const pod = driverPod(
      withSpec({
        sparkConf: {
          "spark.kubernetes.driver.volumes.nfs.share.mount.path": "/share",
          "spark.kubernetes.driver.volumes.nfs.share.mount.readOnly": "true",
          "spark.kubernetes.driver.volumes.nfs.share.options.server": "nfs.local",
          "spark.kubernetes.driver.volumes.nfs.share.options.path": "/exports",
          "spark.kubernetes.hadoop.configMapName": "hconf",
        },
      }),
    );
    assert.deepEqual(
      pod.spec?.volumes?.find((v) => v.name === "share"),
      {
        name: "share",
        nfs: { path: "/exports", server: "nfs.local" },
      },
    );
    assert.deepEqual(
      sparkContainer(pod).volumeMounts?.find((m) => m.name === "share"),
      {
        name: "share",
        mountPath: "/share",
        readOnly: true,
      },
    );
    assert.deepEqual(
      pod.spec?.volumes?.find((v) => v.name === "hadoop-properties"),
      {
        name: "hadoop-properties",
        configMap: { name: "hconf" },
      },
    );
    assert.equal(envValue(pod, "HADOOP_CONF_DIR"), "/opt/hadoop/conf");
  });

  it("mounts the Prometheus ConfigMap and port when driver metrics are exposed", () => {
    const pod = driverPod(
      withSpec({
        monitoring: {
          exposeDriverMetrics: true,
          exposeExecutorMetrics: true,
          prometheus: { jmxExporterJar: "/j.jar", port: 9100, portName: "metrics" },
        },
      }),
    );
    assert.deepEqual(sparkContainer(pod).volumeMounts?.at(-1), {
      name: "spark-pi-prom-conf-vol",
      mountPath: "/etc/metrics/conf",
      readOnly: true,
    });
    assert.deepEqual(sparkContainer(pod).ports?.at(-1), {
      name: "metrics",
      containerPort: 9100,
      protocol: "TCP",
    });
    assert.equal(pod.metadata?.annotations?.["prometheus.io/port"], "9100");
  });
});

describe("driver pod template", () => {
  it("builds on spec.driver.template, keeping its containers before the Spark one", () => {
    const pod = driverPod(
      withSpec({
        driver: {
          template: {
            metadata: { labels: { from: "template" }, annotations: { a: "1" } },
            spec: {
              containers: [
                { name: "helper", image: "busybox" },
                {
                  name: "spark-kubernetes-driver",
                  env: [{ name: "T", value: "t" }],
                  resources: { limits: { "example.com/dev": "1" } },
                },
              ],
              volumes: [{ name: "tmpl-vol", emptyDir: {} }],
              nodeSelector: { base: "yes" },
            },
          },
        },
      }),
    );
    assert.deepEqual(
      pod.spec?.containers.map((c) => c.name),
      ["helper", "spark-kubernetes-driver"],
    );
    assert.equal(pod.metadata?.labels?.from, "template");
    assert.equal(pod.metadata?.annotations?.a, "1");
    assert.equal(envOf(pod)[0]?.name, "T");
    assert.equal(sparkContainer(pod).resources?.limits?.["example.com/dev"], "1");
    assert.equal(pod.spec?.volumes?.[0]?.name, "tmpl-vol");
    assert.equal(pod.spec?.nodeSelector?.base, "yes");
  });

  it("takes the first container of a template without a spark-kubernetes-driver", () => {
    const pod = driverPod(
      withSpec({ driver: { template: { spec: { containers: [{ name: "main" }, { name: "other" }] } } } }),
    );
    assert.deepEqual(
      pod.spec?.containers.map((c) => c.name),
      ["other", "main"],
    );
    assert.equal(pod.spec?.containers[1]?.args?.[0], "driver");
  });
});
