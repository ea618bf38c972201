import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { V1Container, V1Pod } from "@kubernetes/client-node";
import type { SparkApplicationSpec } from "../api/v1beta2/sparkapplication.js";
import { buildDriverObjects } from "./driver.js";
import { identityOf, javaApp, MASTER } from "./fixtures.test-helpers.js";
import { sparkAtLeast } from "./spark-version.js";

const withSpec = (spec: Partial<SparkApplicationSpec>) => javaApp(spec);
const driverPod = (app = javaApp()): V1Pod =>
  buildDriverObjects(app, identityOf(app), { master: MASTER }).pod;
const sparkContainer = (pod: V1Pod): V1Container =>
  pod.spec!.containers.find((c) => c.name === "spark-kubernetes-driver") ??
  assert.fail("no driver container");

describe("sparkAtLeast", () => {
  it("compares spec.sparkVersion with a release; an unreadable version is older than all", () => {
    assert.equal(sparkAtLeast("4.3.0", "4.3.0"), true);
    assert.equal(sparkAtLeast("4.10.0", "4.3.0"), true);
    assert.equal(sparkAtLeast("v4.3", "4.3.0"), true);
    assert.equal(sparkAtLeast("4.2.1", "4.3.0"), false);
    assert.equal(sparkAtLeast("4.3.0-rc1", "4.3.0"), false);
    assert.equal(sparkAtLeast("latest", "4.0.0"), false);
    assert.equal(sparkAtLeast(undefined, "4.0.0"), false);
  });
});

describe("driver pod by spec.sparkVersion (Spark 4)", () => {
  const spark4 = (spec: Partial<SparkApplicationSpec> = {}) =>
    withSpec({ sparkVersion: "4.3.0", image: "spark:4.3.0", ...spec });

  it("4.x replaces {{SPARK_VERSION}} in the image with spec.sparkVersion; 3.x keeps it as written", () => {
    const template = { image: "apache/spark:{{SPARK_VERSION}}-java17" };
    assert.equal(sparkContainer(driverPod(spark4(template))).image, "apache/spark:4.3.0-java17");
    assert.equal(
      sparkContainer(driverPod(spark4({ sparkVersion: "4.0.0", driver: { image: "s:{{SPARK_VERSION}}" } })))
        .image,
      "s:4.0.0",
    );
    assert.equal(
      sparkContainer(driverPod(withSpec(template))).image,
      "apache/spark:{{SPARK_VERSION}}-java17",
    );
  });

  it("4.3+ sets securityContext.allowPrivilegeEscalation (default false, the driver key over the shared one)", () => {
    assert.deepEqual(sparkContainer(driverPod(spark4())).securityContext, {
      allowPrivilegeEscalation: false,
    });
    const conf = (sparkConf: Record<string, string>) =>
      sparkContainer(driverPod(spark4({ sparkConf }))).securityContext?.allowPrivilegeEscalation;
    assert.equal(conf({ "spark.kubernetes.securityContext.allowPrivilegeEscalation": "TRUE" }), true);
    assert.equal(
      conf({
        "spark.kubernetes.securityContext.allowPrivilegeEscalation": "true",
        "spark.kubernetes.driver.securityContext.allowPrivilegeEscalation": " false",
      }),
      false,
    );
    assert.throws(
      () => conf({ "spark.kubernetes.securityContext.allowPrivilegeEscalation": "yes" }),
      /spark\.kubernetes\.securityContext\.allowPrivilegeEscalation should be boolean, but was yes/,
    );
    for (const sparkVersion of ["4.2.1", "3.5.9"])
      assert.equal(
        sparkContainer(driverPod(spark4({ sparkVersion }))).securityContext,
        undefined,
        sparkVersion,
      );
  });

  it("spec.driver.securityContext replaces Spark's, as the kubeflow webhook does after Spark built the pod", () => {
    const securityContext = { runAsUser: 185, readOnlyRootFilesystem: true };
    assert.deepEqual(
      sparkContainer(driverPod(spark4({ driver: { securityContext } }))).securityContext,
      securityContext,
    );
  });

  it("4.1+ declares Spark Connect's port on the driver container and Service (appProtocol grpc from 4.3)", () => {
    const objects = (spec: Partial<SparkApplicationSpec>) => {
      const app = spark4(spec);
      return buildDriverObjects(app, identityOf(app), { master: MASTER });
    };
    const connectPort = (spec: Partial<SparkApplicationSpec>) => {
      const o = objects(spec);
      return {
        pod: sparkContainer(o.pod).ports?.find((p) => p.name === "spark-connect"),
        service: o.service.spec?.ports?.find((p) => p.name === "spark-connect"),
      };
    };
    assert.deepEqual(connectPort({}), {
      pod: { name: "spark-connect", containerPort: 15002, protocol: "TCP" },
      service: { name: "spark-connect", port: 15002, targetPort: 15002, appProtocol: "grpc" },
    });
    assert.deepEqual(
      connectPort({ sparkVersion: "4.1.0", sparkConf: { "spark.connect.grpc.binding.port": "16000" } }),
      {
        pod: { name: "spark-connect", containerPort: 16000, protocol: "TCP" },
        service: { name: "spark-connect", port: 16000, targetPort: 16000 },
      },
    );
    for (const sparkVersion of ["4.0.0", "3.5.9"])
      assert.deepEqual(connectPort({ sparkVersion }), { pod: undefined, service: undefined }, sparkVersion);
  });

  it("the spark-version label is spec.sparkVersion", () => {
    assert.equal(driverPod(spark4({ sparkVersion: "4.0.0" })).metadata?.labels?.["spark-version"], "4.0.0");
  });
});
