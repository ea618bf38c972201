import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  DEFAULT_CAPACITY,
  imageKind,
  imageRepository,
  parseImageRule,
  parseLabels,
  parseNodePool,
  parseTaint,
  parseTaints,
  resolvePools,
  SPARKPLANE_IMAGE_REPOSITORY,
} from "./config.js";

describe("taints", () => {
  test("key=value:Effect, key:Effect", () => {
    assert.deepEqual(parseTaint("virtual-kubelet.io/provider=mock:NoSchedule"), {
      key: "virtual-kubelet.io/provider",
      value: "mock",
      effect: "NoSchedule",
    });
    assert.deepEqual(parseTaint("dedicated:NoExecute"), { key: "dedicated", effect: "NoExecute" });
    assert.deepEqual(parseTaint("a=:PreferNoSchedule"), { key: "a", effect: "PreferNoSchedule" });
  });
  test("rejects missing or unknown effects and bad keys", () => {
    assert.throws(() => parseTaint("a=b"), /needs an effect/);
    assert.throws(() => parseTaint("a=b:Sometimes"), /effect must be/);
    assert.throws(() => parseTaint("-bad=b:NoSchedule"), /not a valid key/);
    assert.throws(() => parseTaint("a=b c:NoSchedule"), /not a valid value/);
  });
  test("lists split on , and ;", () => {
    assert.equal(parseTaints("a:NoSchedule;b=c:NoExecute, d:PreferNoSchedule").length, 3);
    assert.deepEqual(parseTaints(""), []);
  });
});

describe("labels", () => {
  test("pairs, trimmed", () => {
    assert.deepEqual(parseLabels("type=virtual-kubelet, zone=a;empty="), {
      type: "virtual-kubelet",
      zone: "a",
      empty: "",
    });
  });
  test("invalid", () => {
    assert.throws(() => parseLabels("novalue"), /key=value/);
    assert.throws(() => parseLabels("k=has space"), /not a valid label value/);
  });
});

describe("node pools", () => {
  test("the issue's example", () => {
    const p = parseNodePool(
      "name=virtual,count=1,labels=type=virtual-kubelet,taints=virtual-kubelet.io/provider=mock:NoSchedule",
    );
    assert.equal(p.name, "virtual");
    assert.equal(p.count, 1);
    assert.deepEqual(p.labels, { type: "virtual-kubelet" });
    assert.deepEqual(p.taints, [{ key: "virtual-kubelet.io/provider", value: "mock", effect: "NoSchedule" }]);
    assert.deepEqual(p.capacity, DEFAULT_CAPACITY);
  });
  test("lists continue over commas until the next field; capacity fields", () => {
    const p = parseNodePool(
      "name=big,labels=a=1,b=2,cpu=4,memory=8Gi,pods=20,taints=x:NoSchedule,y=z:NoExecute",
    );
    assert.deepEqual(p.labels, { a: "1", b: "2" });
    assert.equal(p.taints.length, 2);
    assert.deepEqual(p.capacity, {
      cpu: "4",
      memory: "8Gi",
      pods: "20",
      "ephemeral-storage": DEFAULT_CAPACITY["ephemeral-storage"],
    });
  });
  test("errors name the problem", () => {
    assert.throws(() => parseNodePool("count=2"), /needs a name/);
    assert.throws(() => parseNodePool("name=a,colour=red"), /unknown field/);
    assert.throws(() => parseNodePool("name=a,count=x"), /count/);
    assert.throws(() => parseNodePool("name=a,count=1,count=2"), /given twice/);
    assert.throws(() => parseNodePool("name=Bad_Name"), /DNS label/);
    assert.throws(() => parseNodePool("name=a,cpu=lots"), /cpu/);
    assert.throws(() => parseNodePool("name=a,pods=300"), /pods/);
  });
  test("resolvePools: default pool unless pools given; --nodes adds it back", () => {
    assert.deepEqual(
      resolvePools({ name: "sparkplane" }).map((p) => [p.name, p.count]),
      [["sparkplane", 1]],
    );
    const virtual = parseNodePool("name=virtual");
    assert.deepEqual(
      resolvePools({ name: "sparkplane", nodePools: [virtual] }).map((p) => p.name),
      ["virtual"],
    );
    assert.deepEqual(
      resolvePools({ name: "sparkplane", nodes: 2, nodePools: [virtual], capacity: { cpu: "2" } }).map(
        (p) => [p.name, p.count, p.capacity.cpu],
      ),
      [
        ["sparkplane", 2, "2"],
        ["virtual", 1, "16"],
      ],
    );
    assert.throws(() => resolvePools({ name: "a", nodePools: [virtual, virtual] }), /twice/);
    assert.throws(() => resolvePools({ name: "a", nodes: 251 }), /at most 250/);
  });
});

describe("images", () => {
  test("repository without tag or digest", () => {
    assert.equal(imageRepository("apache/spark:3.5.1"), "apache/spark");
    assert.equal(imageRepository("localhost:5000/spark"), "localhost:5000/spark");
    assert.equal(imageRepository("localhost:5000/spark:v1@sha256:abc"), "localhost:5000/spark");
  });
  test("default rule: repositories ending in spark or spark-py", () => {
    assert.equal(imageKind("apache/spark:3.5.1"), "spark");
    assert.equal(imageKind("spark"), "spark");
    assert.equal(imageKind("gcr.io/spark-operator/spark-py:v3.1.1"), "spark");
    assert.equal(imageKind("docker.io/library/busybox"), "host");
    assert.equal(imageKind("spark-operator/controller:1"), "host");
    assert.equal(imageKind(undefined), "host");
  });
  test("Argo's executor image by default, any tag; a mirror by a rule", () => {
    assert.equal(imageKind("quay.io/argoproj/argoexec:v3.7.9"), "argoexec");
    assert.equal(imageKind("quay.io/argoproj/argoexec"), "argoexec");
    assert.equal(imageKind("mirror.local/argoexec:v3.7.9"), "host");
    assert.equal(
      imageKind("mirror.local/argoexec:v3.7.9", [parseImageRule("*/argoexec=argoexec")]),
      "argoexec",
    );
  });
  test("rules first, in order, with wildcards", () => {
    const rules = [parseImageRule("myorg/*-runtime=spark"), parseImageRule("apache/spark=host")];
    assert.equal(imageKind("myorg/etl-runtime:2", rules), "spark");
    assert.equal(imageKind("apache/spark:3.5.1", rules), "host");
    assert.equal(imageKind("other/spark", rules), "spark");
    assert.throws(() => parseImageRule("x=java"), /=spark, =sparkplane, =argoexec or =host/);
  });
  test("sparkplane's operator image: the chart's repository by default, any other by a rule", () => {
    assert.equal(imageKind(`${SPARKPLANE_IMAGE_REPOSITORY}:0.1.0`), "sparkplane");
    assert.equal(imageKind(`${SPARKPLANE_IMAGE_REPOSITORY}@sha256:abc`), "sparkplane");
    assert.equal(imageKind("ghcr.io/other/sparkplane:0.1.0"), "host");
    const rules = [parseImageRule("registry.local/*/sparkplane=sparkplane")];
    assert.deepEqual(rules, [{ pattern: "registry.local/*/sparkplane", kind: "sparkplane" }]);
    assert.equal(imageKind("registry.local/mirror/sparkplane:dev", rules), "sparkplane");
    assert.equal(imageKind(SPARKPLANE_IMAGE_REPOSITORY, [parseImageRule("ghcr.io/*=host")]), "host");
  });
});
