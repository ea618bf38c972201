import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pathSegments } from "./server.js";
import { pointerToField, validateBody } from "./validate.js";

// biome-ignore lint/suspicious/noExplicitAny: JSON answers are read loosely here
type Json = any;

const good = {
  apiVersion: "sparkoperator.k8s.io/v1beta2",
  kind: "SparkApplication",
  metadata: { name: "pi" },
  spec: {
    type: "Scala",
    sparkVersion: "3.5.9",
    mainApplicationFile: "local:///x.jar",
    mainClass: "x.Pi",
    image: "spark:3.5.9",
    driver: { cores: 1, memory: "512m" },
    executor: { instances: 1 },
  },
};

describe("body validation", () => {
  it("accepts a good app", () => assert.deepEqual(validateBody("SparkApplication", good), []));

  it("names unknown fields, also nested, and keeps preserved objects whole", () => {
    const bad = structuredClone(good) as Record<string, Json>;
    bad.spec.mainClas = "x";
    bad.spec.driver.coress = 2;
    bad.spec.driver.affinity = { anything: { goes: 1 } };
    assert.deepEqual(
      validateBody("SparkApplication", bad).map((e) => e.field),
      ["spec.driver.coress", "spec.mainClas"],
    );
  });

  it("names wrong types", () => {
    const bad = structuredClone(good) as Record<string, Json>;
    bad.spec.driver.cores = "one";
    bad.spec.arguments = [1];
    const fields = validateBody("SparkApplication", bad).map((e) => e.field);
    assert.ok(fields.includes("spec.driver.cores"), fields.join());
    assert.ok(fields.includes("spec.arguments[0]"), fields.join());
  });

  it("non-objects are refused", () => {
    for (const b of [null, 1, "x", [], true])
      assert.equal(validateBody("SparkApplication", b)[0]?.field, "(body)");
  });

  it("JSON pointers become dotted fields", () => {
    assert.equal(pointerToField("/spec/arguments/0"), "spec.arguments[0]");
    assert.equal(pointerToField("/spec/sparkConf/a~1b"), "spec.sparkConf.a/b");
    assert.equal(pointerToField(""), "(body)");
  });
});

describe("path segments", () => {
  it("decodes and refuses traversal", () => {
    assert.deepEqual(pathSegments("/api/v1/namespaces/a%2Db"), ["api", "v1", "namespaces", "a-b"]);
    for (const p of ["/api/v1/namespaces/../x", "/api/%2e%2e/x", "/a/b%2Fc", "/a/%E0%A4%A", "/a/%00"])
      assert.throws(
        () => pathSegments(p),
        (e: { status?: number }) => e.status === 400,
        p,
      );
  });
});
