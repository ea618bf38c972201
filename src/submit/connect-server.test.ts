import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { SparkConnect } from "../api/v1alpha1/sparkconnect.js";
import { buildConnectServer, ConnectSpecError, connectionURL, serverResources } from "./connect-server.js";

const conn = (over: Partial<SparkConnect["spec"]> = {}): SparkConnect => ({
  apiVersion: "sparkoperator.k8s.io/v1alpha1",
  kind: "SparkConnect",
  metadata: { name: "s1", namespace: "ns", uid: "u-1", labels: { team: "a" } },
  spec: {
    sparkVersion: "3.5.9",
    image: "spark:3.5.9",
    server: { cores: 1, memory: "1g" },
    executor: { instances: 2, cores: 1, memory: "512m" },
    ...over,
  },
});
const opts = { master: "k8s://https://127.0.0.1:6443" };
const now = new Date("2026-01-01T00:00:00Z");

describe("buildConnectServer", () => {
  test("kubeflow's names, labels and Service ports; the server is a client-mode driver of SparkConnectServer", () => {
    const o = buildConnectServer(conn(), opts, now);
    assert.equal(o.pod.metadata?.name, "s1-server");
    assert.equal(o.service.metadata?.name, "s1-server");
    assert.equal(o.configMap.metadata?.name, "s1-conf");
    assert.deepEqual(o.pod.metadata?.labels, {
      "sparkoperator.k8s.io/launched-by-spark-operator": "true",
      "sparkoperator.k8s.io/connect-name": "s1",
      "spark-role": "connect-server",
      "spark-version": "3.5.9",
    });
    assert.deepEqual(o.service.spec?.selector, o.pod.metadata?.labels);
    assert.deepEqual(
      o.service.spec?.ports?.map((p) => [p.name, p.port]),
      [
        ["driver-rpc", 7078],
        ["blockmanager", 7079],
        ["web-ui", 4040],
        ["spark-connect-server", 15002],
      ],
    );
    const c = o.pod.spec!.containers[0]!;
    assert.equal(c.name, "spark-kubernetes-driver");
    assert.deepEqual(c.args, [
      "driver",
      "--properties-file",
      "/opt/spark/conf/spark.properties",
      "--conf",
      "spark.driver.host=$(SPARK_DRIVER_BIND_ADDRESS)",
      "--class",
      "org.apache.spark.sql.connect.service.SparkConnectServer",
      "spark-internal",
    ]);
    assert.deepEqual(c.readinessProbe?.tcpSocket, { port: 15002 });
    assert.equal(o.pod.metadata?.ownerReferences?.[0]?.kind, "SparkConnect");
    assert.equal(o.pod.metadata?.ownerReferences?.[0]?.uid, "u-1");
    const p = o.properties;
    assert.equal(p.get("spark.submit.deployMode"), "client");
    assert.equal(p.get("spark.master"), opts.master);
    assert.equal(p.get("spark.kubernetes.driver.pod.name"), "s1-server");
    assert.equal(p.get("spark.jars"), "/opt/spark/connect-jars/spark-connect.jar");
    assert.equal(p.get("spark.executor.instances"), "2");
    assert.equal(p.get("spark.kubernetes.executor.label.sparkoperator.k8s.io/connect-name"), "s1");
    assert.equal(p.get("spark.kubernetes.executor.label.team"), "a");
    assert.match(o.configMap.data!["spark.properties"]!, /spark.connect.grpc.binding.port=15002/);
    assert.equal(connectionURL(conn()), "sc://s1-server.ns.svc:15002");
  });
  test("Spark 4 needs no connect jar; dynamic allocation and the executor template travel as conf", () => {
    const o = buildConnectServer(
      conn({
        sparkVersion: "4.0.1",
        dynamicAllocation: { enabled: true, minExecutors: 0, maxExecutors: 3 },
        executor: { template: { metadata: { labels: { x: "y" } } } },
      }),
      opts,
      now,
    );
    assert.equal(o.properties.get("spark.jars"), undefined);
    const withJars = buildConnectServer(conn({ sparkConf: { "spark.jars": "/x.jar" } }), opts, now);
    assert.equal(withJars.properties.get("spark.jars"), "/opt/spark/connect-jars/spark-connect.jar,/x.jar");
    assert.equal(o.properties.get("spark.dynamicAllocation.enabled"), "true");
    assert.equal(o.properties.get("spark.dynamicAllocation.maxExecutors"), "3");
    assert.equal(o.properties.get("spark.dynamicAllocation.shuffleTracking.enabled"), "true");
    assert.equal(
      o.properties.get("spark.kubernetes.executor.podTemplateFile"),
      "/opt/spark/conf/executor-pod-template.yaml",
    );
    assert.equal(JSON.parse(o.configMap.data!["executor-pod-template.yaml"]!).kind, "Pod");
  });
  test("the template's image, resources and service name win; no image anywhere names the field", () => {
    const o = buildConnectServer(
      conn({
        image: undefined,
        server: {
          service: { metadata: { name: "my-svc" } },
          template: {
            spec: {
              containers: [
                { name: "spark-kubernetes-driver", image: "mine", resources: { requests: { cpu: "2" } } },
              ],
            },
          },
        },
        executor: {
          template: { spec: { containers: [{ name: "spark-kubernetes-executor", image: "exe" }] } },
        },
      }),
      opts,
      now,
    );
    assert.equal(o.pod.spec!.containers[0]!.image, "mine");
    assert.deepEqual(o.pod.spec!.containers[0]!.resources, { requests: { cpu: "2" } });
    assert.equal(o.service.metadata?.name, "my-svc");
    assert.equal(o.properties.get("spark.kubernetes.executor.container.image"), "exe");
    assert.throws(() => buildConnectServer(conn({ image: undefined }), opts, now), ConnectSpecError);
    assert.throws(() => buildConnectServer(conn({ image: undefined }), opts, now), /spec\.image/);
  });
  test("server requests: cores, memory plus Spark's overhead (max 384 MiB, 10%)", () => {
    assert.deepEqual(serverResources(conn()).requests, { cpu: "1", memory: "1408Mi" });
    assert.deepEqual(serverResources(conn({ server: { cores: 2, memory: "8g" } })).requests, {
      cpu: "2",
      memory: "9011Mi",
    });
    assert.throws(() => serverResources(conn({ server: { memory: "lots" } })), /spec\.server\.memory/);
  });
});
