import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { V1Pod } from "@kubernetes/client-node";
import { parse } from "yaml";
import { buildDriverObjects, ownedByDriver } from "./driver.js";
import { identityOf, javaApp, MASTER, pythonApp, SUBMIT_TIME } from "./fixtures.test-helpers.js";
import { loadProperties } from "./properties.js";

function build(app = javaApp(), options: Partial<Parameters<typeof buildDriverObjects>[2]> = {}) {
  const identity = identityOf(app);
  return { identity, ...buildDriverObjects(app, identity, { master: MASTER, ...options }) };
}

describe("buildDriverObjects", () => {
  it("is deterministic for one submission", () => {
    const app = javaApp({ executor: { env: [{ name: "A", value: "1" }] } });
    assert.deepEqual(build(app), build(app));
  });

  it("creates the driver pod and the executor template with the gates asked for, and none by default", () => {
    const gated = build(javaApp(), { schedulingGates: { driver: ["q", "p"], executor: ["p"] } });
    assert.deepEqual(gated.pod.spec?.schedulingGates, [{ name: "q" }, { name: "p" }]);
    const template = parse(gated.executorPodTemplate.data?.["podspec-configmap-key"] ?? "") as V1Pod;
    assert.deepEqual(template.spec?.schedulingGates, [{ name: "p" }]);
    const plain = build();
    assert.equal(plain.pod.spec?.schedulingGates, undefined);
    assert.equal(
      plain.executorPodTemplate.data?.["podspec-configmap-key"]?.includes("schedulingGates"),
      false,
    );
  });

  it("names the objects from the submission identity", () => {
    const { pod, configMap, service, identity } = build();
    assert.equal(pod.metadata?.name, "spark-pi-driver");
    assert.equal(pod.metadata?.namespace, "team-a");
    assert.equal(configMap.metadata?.name, `spark-drv-${identity.uniqueId}-conf-map`);
    assert.equal(service.metadata?.name, `spark-pi-${identity.uniqueId}-driver-svc`);
    assert.equal(configMap.metadata?.namespace, "team-a");
    assert.equal(service.metadata?.namespace, "team-a");
  });

  it("writes spark.properties that parses back to the properties, with Spark's header", () => {
    const { configMap, properties } = build();
    const text = configMap.data?.["spark.properties"] ?? "";
    const [comment, date] = text.split("\n");
    assert.equal(
      comment,
      `#Java properties built from Kubernetes config map with name: ${configMap.metadata?.name}`,
    );
    assert.equal(date, "#Thu Jan 02 03:04:05 UTC 2025");
    assert.deepEqual(loadProperties(text), new Map([...properties].sort(([a], [b]) => (a < b ? -1 : 1))));
    assert.equal(configMap.data?.["spark.kubernetes.namespace"], "team-a");
    assert.equal(configMap.immutable, true);
  });

  it("puts the submission-time entries into spark.properties", () => {
    const { properties, identity, service } = build();
    const expected: Record<string, string> = {
      "spark.master": MASTER,
      "spark.app.name": "spark-pi",
      "spark.submit.deployMode": "cluster",
      "spark.app.submitTime": String(SUBMIT_TIME),
      "spark.kubernetes.driver.pod.name": "spark-pi-driver",
      "spark.app.id": identity.appId,
      "spark.kubernetes.submitInDriver": "true",
      "spark.kubernetes.memoryOverheadFactor": "0.1",
      "spark.driver.host": `${service.metadata?.name}.team-a.svc`,
      "spark.driver.port": "7078",
      "spark.driver.blockManager.port": "7079",
      "spark.kubernetes.resource.type": "java",
      "spark.kubernetes.namespace": "team-a",
      "spark.jars": "local:///opt/spark/examples/jars/spark-examples.jar",
      "spark.kubernetes.driver.label.sparkoperator.k8s.io/submission-id": identity.submissionId,
    };
    for (const [key, value] of Object.entries(expected)) assert.equal(properties.get(key), value, key);
  });

  it("writes 0.4 as the memory overhead factor of a Python app", () => {
    assert.equal(build(pythonApp()).properties.get("spark.kubernetes.memoryOverheadFactor"), "0.4");
    assert.equal(build(pythonApp()).properties.get("spark.kubernetes.resource.type"), "python");
  });

  it("builds a headless Service selecting the driver's Spark labels", () => {
    const { service, pod, identity } = build(
      javaApp({
        driver: { serviceLabels: { a: "b" }, serviceAnnotations: { "x/y": "z" }, labels: { tier: "t" } },
      }),
    );
    assert.equal(service.spec?.clusterIP, "None");
    assert.equal(service.spec?.ipFamilyPolicy, "SingleStack");
    assert.deepEqual(service.spec?.ipFamilies, ["IPv4"]);
    assert.deepEqual(service.metadata?.labels, { "spark-app-selector": identity.appId, a: "b" });
    assert.deepEqual(service.metadata?.annotations, { "x/y": "z" });
    assert.deepEqual(service.spec?.ports, [
      { name: "driver-rpc-port", port: 7078, targetPort: 7078 },
      { name: "blockmanager", port: 7079, targetPort: 7079 },
      { name: "spark-ui", port: 4040, targetPort: 4040 },
    ]);
    const selector = service.spec?.selector ?? {};
    assert.equal(selector["spark-role"], "driver");
    assert.equal(selector.tier, "t");
    for (const [key, value] of Object.entries(selector))
      assert.equal(pod.metadata?.labels?.[key], value, key);
  });

  it("uses configured driver ports in the Service", () => {
    const { service } = build(
      javaApp({
        sparkConf: {
          "spark.driver.port": "17078",
          "spark.driver.blockManager.port": "17079",
          "spark.ui.port": "14040",
        },
      }),
    );
    assert.deepEqual(
      service.spec?.ports?.map((p) => p.port),
      [17078, 17079, 14040],
    );
  });

  it("mounts the conf files and only them from the ConfigMap", () => {
    const { pod, configMap } = build(javaApp(), {
      confDirFiles: { "log4j2.properties": "rootLogger.level=info\n" },
    });
    const volume = pod.spec?.volumes?.find((v) => v.name === "spark-conf-volume-driver");
    assert.deepEqual(volume?.configMap, {
      name: configMap.metadata?.name,
      items: [
        { key: "log4j2.properties", path: "log4j2.properties", mode: 420 },
        { key: "spark.properties", path: "spark.properties", mode: 420 },
      ],
    });
    assert.equal(configMap.data?.["log4j2.properties"], "rootLogger.level=info\n");
  });

  it("always writes the executor pod template: a plain app's carries only the owner reference to the app", () => {
    const { executorPodTemplate, properties, pod, identity } = build();
    assert.equal(executorPodTemplate.metadata?.name, `spark-pi-${identity.uniqueId}-driver-podspec-conf-map`);
    assert.deepEqual(parse(executorPodTemplate.data?.["podspec-configmap-key"] ?? ""), {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        ownerReferences: [
          {
            apiVersion: "sparkoperator.k8s.io/v1beta2",
            kind: "SparkApplication",
            name: "spark-pi",
            uid: "6f1c2d3e-0000-4000-8000-000000000001",
          },
        ],
      },
      spec: { containers: [{ name: "spark-kubernetes-executor" }] },
    });
    assert.equal(
      properties.get("spark.kubernetes.executor.podTemplateFile"),
      "/opt/spark/pod-template/pod-spec-template.yml",
    );
    assert.equal(
      pod.spec?.volumes?.some((v) => v.name === "pod-template-volume"),
      true,
    );
  });

  it("rejects client mode", () => {
    assert.throws(() => build(javaApp({ mode: "client" })), /cluster mode only/);
  });

  it("sets the Prometheus ConfigMap aside, owned by the app", () => {
    const app = javaApp({
      monitoring: {
        exposeDriverMetrics: true,
        exposeExecutorMetrics: false,
        prometheus: { jmxExporterJar: "/j.jar" },
      },
    });
    const { prometheusConfigMap } = build(app);
    assert.equal(prometheusConfigMap?.metadata?.name, "spark-pi-prom-conf");
    assert.equal(prometheusConfigMap?.metadata?.ownerReferences?.[0]?.kind, "SparkApplication");
    assert.ok(prometheusConfigMap?.data?.["metrics.properties"]?.includes("JmxSink"));
    assert.ok(prometheusConfigMap?.data?.["prometheus.yaml"]?.includes("spark_driver_$3_$4"));
  });
});

describe("executor pod template", () => {
  const templated = () =>
    build(
      javaApp({
        volumes: [{ name: "data", persistentVolumeClaim: { claimName: "pvc" } }],
        sparkConfigMap: "my-spark-conf",
        executor: {
          instances: 2,
          env: [{ name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }],
          envFrom: [{ configMapRef: { name: "cm" } }],
          volumeMounts: [{ name: "data", mountPath: "/data" }],
          affinity: { nodeAffinity: {} },
          tolerations: [{ key: "gpu", operator: "Exists" }],
          nodeSelector: { pool: "exec" },
          priorityClassName: "high",
          sidecars: [{ name: "side", image: "busybox" }],
          initContainers: [{ name: "init", image: "busybox" }],
          securityContext: { runAsUser: 185 },
          podSecurityContext: { fsGroup: 185 },
          terminationGracePeriodSeconds: 5,
          hostNetwork: true,
          shareProcessNamespace: true,
          gpu: { name: "nvidia.com/gpu", quantity: 1 },
          ports: [{ name: "extra", protocol: "TCP", containerPort: 9000 }],
          configMaps: [{ name: "extra-cm", path: "/etc/extra" }],
        },
      }),
    );

  it("carries every executor field the configuration cannot", () => {
    const { executorPodTemplate, identity } = templated();
    assert.equal(
      executorPodTemplate?.metadata?.name,
      `spark-pi-${identity.uniqueId}-driver-podspec-conf-map`,
    );
    assert.equal(executorPodTemplate?.immutable, true);
    const pod = parse(executorPodTemplate?.data?.["podspec-configmap-key"] ?? "") as V1Pod;
    const spec = pod.spec!;
    const container = spec.containers[0]!;
    assert.equal(container.name, "spark-kubernetes-executor");
    assert.deepEqual(container.env, [
      { name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
      { name: "SPARK_CONF_DIR", value: "/etc/spark/conf" },
    ]);
    assert.deepEqual(container.envFrom, [{ configMapRef: { name: "cm" } }]);
    assert.deepEqual(
      container.volumeMounts?.map((m) => [m.name, m.mountPath]),
      [
        ["spark-configmap-volume", "/etc/spark/conf"],
        ["extra-cm-vol", "/etc/extra"],
        ["data", "/data"],
      ],
    );
    assert.deepEqual(
      spec.volumes?.map((v) => v.name),
      ["spark-configmap-volume", "extra-cm-vol", "data"],
    );
    assert.deepEqual(container.ports, [{ name: "extra", containerPort: 9000, protocol: "TCP" }]);
    assert.deepEqual(container.securityContext, { runAsUser: 185 });
    assert.deepEqual(container.resources, { limits: { "nvidia.com/gpu": "1" } });
    assert.deepEqual(spec.affinity, { nodeAffinity: {} });
    assert.deepEqual(spec.tolerations, [{ key: "gpu", operator: "Exists" }]);
    assert.deepEqual(spec.nodeSelector, { pool: "exec" });
    assert.equal(spec.priorityClassName, "high");
    assert.deepEqual(
      spec.containers.map((c) => c.name),
      ["spark-kubernetes-executor", "side"],
    );
    assert.deepEqual(
      spec.initContainers?.map((c) => c.name),
      ["init"],
    );
    assert.deepEqual(spec.securityContext, { fsGroup: 185 });
    assert.equal(spec.terminationGracePeriodSeconds, 5);
    assert.equal(spec.hostNetwork, true);
    assert.equal(spec.dnsPolicy, "ClusterFirstWithHostNet");
    assert.equal(spec.shareProcessNamespace, true);
    assert.deepEqual(
      pod.metadata?.ownerReferences?.map((r) => [r.kind, r.name]),
      [["SparkApplication", "spark-pi"]],
    );
  });

  it("is mounted into the driver and referenced from spark.properties", () => {
    const { executorPodTemplate, pod, properties } = templated();
    assert.equal(
      properties.get("spark.kubernetes.executor.podTemplateFile"),
      "/opt/spark/pod-template/pod-spec-template.yml",
    );
    assert.equal(
      properties.get("spark.kubernetes.executor.podTemplateContainerName"),
      "spark-kubernetes-executor",
    );
    const volume = pod.spec?.volumes?.find((v) => v.name === "pod-template-volume");
    assert.deepEqual(volume?.configMap, {
      name: executorPodTemplate?.metadata?.name,
      items: [{ key: "podspec-configmap-key", path: "pod-spec-template.yml" }],
    });
    const mount = pod.spec?.containers.at(-1)?.volumeMounts?.find((m) => m.name === "pod-template-volume");
    assert.equal(mount?.mountPath, "/opt/spark/pod-template");
  });

  it("starts from spec.executor.template and its Spark container", () => {
    const { executorPodTemplate } = build(
      javaApp({
        executor: {
          template: {
            metadata: { labels: { from: "template" } },
            spec: {
              containers: [{ name: "spark-kubernetes-executor", workingDir: "/w" }],
              restartPolicy: "Never",
            },
          },
          tolerations: [{ key: "t", operator: "Exists" }],
        },
      }),
    );
    const pod = parse(executorPodTemplate?.data?.["podspec-configmap-key"] ?? "") as V1Pod;
    assert.deepEqual(pod.metadata?.labels, { from: "template" });
    assert.equal(pod.metadata?.ownerReferences?.length, 1);
    assert.equal(pod.spec?.containers[0]?.workingDir, "/w");
    assert.deepEqual(pod.spec?.tolerations, [{ key: "t", operator: "Exists" }]);
  });

  it("keeps the template's owner references and adds the app's once, as a non-controller without blockOwnerDeletion", () => {
    const appRef = {
      apiVersion: "sparkoperator.k8s.io/v1beta2",
      kind: "SparkApplication",
      name: "spark-pi",
      uid: "6f1c2d3e-0000-4000-8000-000000000001",
    };
    const other = { apiVersion: "v1", kind: "ConfigMap", name: "anchor", uid: "cm-uid" };
    const withOwners = (ownerReferences: object[]) =>
      parse(
        build(
          javaApp({
            executor: {
              template: { metadata: { ownerReferences }, spec: { containers: [] } } as never,
            },
          }),
        ).executorPodTemplate.data?.["podspec-configmap-key"] ?? "",
      ) as V1Pod;
    assert.deepEqual(withOwners([other]).metadata?.ownerReferences, [other, appRef]);
    assert.deepEqual(withOwners([appRef]).metadata?.ownerReferences, [appRef], "not added twice");
  });

  it("uses the batch scheduler for executors", () => {
    const { executorPodTemplate } = build(javaApp({ batchScheduler: "volcano" }));
    const pod = parse(executorPodTemplate?.data?.["podspec-configmap-key"] ?? "") as V1Pod;
    assert.equal(pod.spec?.schedulerName, "volcano");
  });
});

describe("ownedByDriver", () => {
  it("makes the created driver pod the controller of the ConfigMaps, Service and claims", () => {
    const objects = build(
      javaApp({
        executor: { tolerations: [{ key: "t", operator: "Exists" }] },
        sparkConf: {
          "spark.kubernetes.driver.volumes.persistentVolumeClaim.data.mount.path": "/data",
          "spark.kubernetes.driver.volumes.persistentVolumeClaim.data.options.claimName": "OnDemand",
          "spark.kubernetes.driver.volumes.persistentVolumeClaim.data.options.storageClass": "standard",
          "spark.kubernetes.driver.volumes.persistentVolumeClaim.data.options.sizeLimit": "1Gi",
        },
      }),
    );
    const created = { ...objects.pod, metadata: { ...objects.pod.metadata, uid: "pod-uid" } };
    const owned = ownedByDriver(objects, created);
    const expected = [
      { apiVersion: "v1", kind: "Pod", name: "spark-pi-driver", uid: "pod-uid", controller: true },
    ];
    assert.deepEqual(owned.configMap.metadata?.ownerReferences, expected);
    assert.deepEqual(owned.service.metadata?.ownerReferences, expected);
    assert.deepEqual(owned.executorPodTemplate?.metadata?.ownerReferences, expected);
    assert.equal(owned.persistentVolumeClaims.length, 1);
    assert.deepEqual(owned.persistentVolumeClaims[0]?.metadata?.ownerReferences, expected);
    assert.equal(owned.persistentVolumeClaims[0]?.metadata?.namespace, "team-a");
    assert.equal(objects.configMap.metadata?.ownerReferences, undefined, "the input is not modified");
  });

  it("refuses a pod that was not created", () => {
    const objects = build();
    assert.throws(() => ownedByDriver(objects, objects.pod), /must have been created/);
  });
});
