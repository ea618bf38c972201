import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MASTER } from "./fixtures.test-helpers.js";
import {
  checkKubernetesMasterUrl,
  type DriverPropertiesInput,
  driverProperties,
  driverServicePorts,
  resolveSubmission,
  resolveUri,
} from "./sparkconf.js";
import type { SubmitRequest } from "./submit-request.js";

const base: SubmitRequest = {
  master: MASTER,
  deployMode: "cluster",
  mainClass: "org.example.Main",
  name: "app",
  conf: [],
  mainApplicationFile: "local:///opt/app.jar",
  arguments: ["a", "b"],
};

const resolve = (request: Partial<SubmitRequest> = {}) => resolveSubmission({ ...base, ...request }, 1234);

describe("resolveUri", () => {
  it("keeps URIs with a scheme and relative paths", () => {
    for (const uri of [
      "local:///opt/a.jar",
      "s3a://b/k.jar",
      "https://h/x.jar",
      "file:/x.jar",
      "file:///x.jar",
      "app.jar",
    ]) {
      assert.equal(resolveUri(uri), uri);
    }
  });

  it("turns absolute paths into normalised, quoted file URIs", () => {
    assert.equal(resolveUri("/opt/app.jar"), "file:/opt/app.jar");
    assert.equal(resolveUri("/opt/./lib/../app.jar"), "file:/opt/app.jar");
    assert.equal(resolveUri("/opt/dir/"), "file:/opt/dir");
    assert.equal(resolveUri("/opt/my app.jar"), "file:/opt/my%20app.jar");
    assert.equal(resolveUri("/opt/env.tgz#env"), "file:/opt/env.tgz#env");
    assert.equal(resolveUri("/opt/a b.tgz#env"), "file:/opt/a%20b.tgz%23env");
    assert.equal(resolveUri("/opt/100%.jar"), "file:/opt/100%25.jar");
  });
});

describe("checkKubernetesMasterUrl", () => {
  it("accepts https and http, defaults a bare host to https, rejects the rest", () => {
    assert.equal(checkKubernetesMasterUrl("k8s://https://h:443"), "k8s://https://h:443");
    assert.equal(checkKubernetesMasterUrl("k8s://http://h:8080"), "k8s://http://h:8080");
    assert.equal(checkKubernetesMasterUrl("k8s://h:6443"), "k8s://https://h:6443");
    assert.throws(() => checkKubernetesMasterUrl("k8s://ftp://h"), /Invalid Kubernetes master scheme: ftp/);
    assert.throws(() => checkKubernetesMasterUrl("https://h"), /must start with k8s:\/\//);
  });
});

describe("resolveSubmission", () => {
  it("sets master, deploy mode, app name and submit time", () => {
    const { conf } = resolve();
    assert.equal(conf.get("spark.master"), MASTER);
    assert.equal(conf.get("spark.submit.deployMode"), "cluster");
    assert.equal(conf.get("spark.app.name"), "app");
    assert.equal(conf.get("spark.app.submitTime"), "1234");
  });

  it("appends the primary jar of a Java app to spark.jars", () => {
    assert.equal(resolve().conf.get("spark.jars"), "local:///opt/app.jar");
    assert.equal(
      resolve({ jars: "s3a://b/dep.jar, /opt/lib.jar ," }).conf.get("spark.jars"),
      "s3a://b/dep.jar,file:/opt/lib.jar,local:///opt/app.jar",
    );
    assert.equal(
      resolve({ mainApplicationFile: "/opt/app.jar" }).conf.get("spark.jars"),
      "file:/opt/app.jar",
    );
  });

  it("gives --jars and friends precedence over the same keys in --conf", () => {
    const conf = resolve({
      jars: "x.jar",
      files: "f1",
      packages: "g:a:1",
      conf: [
        ["spark.jars", "ignored.jar"],
        ["spark.files", "ignored"],
        ["spark.jars.packages", "ignored"],
        ["spark.archives", "/opt/env.tgz#env"],
        ["spark.jars.repositories", "https://repo"],
      ],
    }).conf;
    assert.equal(conf.get("spark.jars"), "x.jar,local:///opt/app.jar");
    assert.equal(conf.get("spark.files"), "f1");
    assert.equal(conf.get("spark.jars.packages"), "g:a:1");
    assert.equal(conf.get("spark.archives"), "file:/opt/env.tgz#env");
    assert.equal(conf.get("spark.jars.repositories"), "https://repo");
  });

  it("drops properties outside spark.* and splits --conf at the first '='", () => {
    const conf = resolve({
      conf: [
        ["hadoop.thing", "x"],
        ["spark.a=b", "c"],
        ["spark.v", "x=y"],
      ],
    }).conf;
    assert.equal(conf.has("hadoop.thing"), false);
    assert.equal(conf.get("spark.a"), "b=c");
    assert.equal(conf.get("spark.v"), "x=y");
  });

  it("lets later --conf pairs win", () => {
    const conf = resolve({
      conf: [
        ["spark.x", "1"],
        ["spark.x", "2"],
      ],
    }).conf;
    assert.equal(conf.get("spark.x"), "2");
  });

  it("always sets spark.submit.pyFiles, empty without Python files, as SparkSubmit does", () => {
    assert.equal(resolve({}).conf.get("spark.submit.pyFiles"), "");
    assert.equal(resolve({ mainApplicationFile: "local:///opt/pi.py" }).conf.get("spark.submit.pyFiles"), "");
  });

  it("runs Python files through PythonRunner without touching spark.jars", () => {
    const resolved = resolve({
      mainApplicationFile: "local:///opt/pi.py",
      pyFiles: "/opt/dep.py,s3a://b/z.zip",
    });
    assert.equal(resolved.resourceType, "python");
    assert.equal(resolved.mainClass, "org.apache.spark.deploy.PythonRunner");
    assert.equal(resolved.conf.has("spark.jars"), false);
    assert.equal(resolved.conf.get("spark.submit.pyFiles"), "file:/opt/dep.py,s3a://b/z.zip");
    assert.equal(
      resolve({ mainApplicationFile: "local:///opt/pi.py", jars: "j.jar" }).conf.get("spark.jars"),
      "j.jar",
    );
    assert.equal(
      resolve({ mainApplicationFile: "/opt/pi.py", mainClass: "Ignored" }).mainClass,
      "org.apache.spark.deploy.PythonRunner",
    );
    assert.equal(resolve({ mainApplicationFile: "/opt/pi.py" }).primaryResource, "file:/opt/pi.py");
  });

  it("accepts only Python 3 in spark.kubernetes.pyspark.pythonVersion", () => {
    const python = (version: string) =>
      resolve({
        mainApplicationFile: "local:///opt/pi.py",
        conf: [["spark.kubernetes.pyspark.pythonVersion", version]],
      });
    assert.equal(python("3").resourceType, "python");
    assert.throws(() => python("2"), /only 3 is allowed/);
  });

  it("runs R files through RRunner", () => {
    const resolved = resolve({ mainApplicationFile: "local:///opt/app.R" });
    assert.equal(resolved.resourceType, "r");
    assert.equal(resolved.mainClass, "org.apache.spark.deploy.RRunner");
  });

  it("requires a main class for a jar", () => {
    const { mainClass: _none, ...noClass } = base;
    assert.throws(() => resolveSubmission(noClass, 0), /Please specify a class through --class/);
  });

  it("keeps arguments and the proxy user", () => {
    const resolved = resolve({ proxyUser: "alice" });
    assert.deepEqual(resolved.appArgs, ["a", "b"]);
    assert.equal(resolved.proxyUser, "alice");
    assert.equal(resolve().proxyUser, undefined);
  });
});

describe("driverProperties", () => {
  const input: DriverPropertiesInput = {
    appId: "spark-0123",
    driverPodName: "app-driver",
    serviceName: "app-abc-driver-svc",
    namespace: "ns",
    defaultOverheadFactor: 0.4,
    resourceType: "python",
  };

  it("adds what the feature steps write into spark.properties", () => {
    const properties = driverProperties(new Map([["spark.x", "1"]]), input);
    assert.deepEqual(Object.fromEntries(properties), {
      "spark.x": "1",
      "spark.kubernetes.driver.pod.name": "app-driver",
      "spark.app.id": "spark-0123",
      "spark.kubernetes.submitInDriver": "true",
      "spark.kubernetes.memoryOverheadFactor": "0.4",
      "spark.driver.host": "app-abc-driver-svc.ns.svc",
      "spark.driver.port": "7078",
      "spark.driver.blockManager.port": "7079",
      "spark.kubernetes.resource.type": "python",
      "spark.kubernetes.executor.podTemplateFile": "/opt/spark/pod-template/pod-spec-template.yml",
    });
  });

  it("keeps configured ports and names the executors' Hadoop ConfigMap", () => {
    const conf = new Map([
      ["spark.driver.port", "7000"],
      ["spark.driver.blockManager.port", "7001"],
      ["spark.kubernetes.hadoop.configMapName", "hadoop-conf"],
    ]);
    const properties = driverProperties(conf, input);
    assert.equal(properties.get("spark.driver.port"), "7000");
    assert.equal(properties.get("spark.driver.blockManager.port"), "7001");
    assert.equal(properties.get("spark.kubernetes.executor.hadoopConfigMapName"), "hadoop-conf");
  });

  it("rejects spark.driver.host and spark.driver.bindAddress as Spark does", () => {
    assert.throws(() => driverProperties(new Map([["spark.driver.host", "x"]]), input), /not supported/);
    assert.throws(
      () => driverProperties(new Map([["spark.driver.bindAddress", "x"]]), input),
      /not supported/,
    );
  });

  it("reads the service ports, ignoring spark.blockManager.port as the Service step does", () => {
    assert.deepEqual(driverServicePorts(new Map()), {
      rpc: 7078,
      blockManager: 7079,
      ui: 4040,
      connect: 15002,
    });
    assert.deepEqual(
      driverServicePorts(
        new Map([
          ["spark.blockManager.port", "1"],
          ["spark.ui.port", "4041"],
        ]),
      ),
      {
        rpc: 7078,
        blockManager: 7079,
        ui: 4041,
        connect: 15002,
      },
    );
    assert.throws(() => driverServicePorts(new Map([["spark.driver.port", "x"]])), /should be int/);
  });
});
