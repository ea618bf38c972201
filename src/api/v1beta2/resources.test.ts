import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sparkPiSpec } from "./fixtures.test-helpers.js";
import { isJvmApp, memoryOverheadFactor, podCpuRequest, podMemory } from "./resources.js";

describe("podMemory", () => {
  it("gives the default 1g driver 1408Mi (1024 + the 384 floor)", () => {
    const spec = sparkPiSpec({ driver: {} });
    assert.deepEqual(podMemory(spec, "driver"), { heapMiB: 1024, overheadMiB: 384, totalMiB: 1408 });
  });
  it("uses 0.4 for Python and R apps when no factor is set", () => {
    for (const type of ["Python", "R"] as const) {
      const spec = sparkPiSpec({ type, driver: { memory: "4g" } });
      assert.equal(podMemory(spec, "driver")?.overheadMiB, 1638);
    }
  });
  it("uses 0.1 of the heap above the floor for JVM apps", () => {
    assert.equal(podMemory(sparkPiSpec({ executor: { memory: "8g" } }), "executor")?.overheadMiB, 819);
  });
  it("takes an explicit overhead as is", () => {
    const spec = sparkPiSpec({ driver: { memory: "1g", memoryOverhead: "512m" } });
    assert.deepEqual(podMemory(spec, "driver"), { heapMiB: 1024, overheadMiB: 512, totalMiB: 1536 });
  });
  it("falls back to sparkConf, and the spec's fields win over it", () => {
    const conf = { "spark.executor.memory": "2g", "spark.executor.memoryOverhead": "1g" };
    assert.deepEqual(podMemory(sparkPiSpec({ sparkConf: conf, executor: {} }), "executor"), {
      heapMiB: 2048,
      overheadMiB: 1024,
      totalMiB: 3072,
    });
    const spec = sparkPiSpec({ sparkConf: conf, executor: { memory: "1g", memoryOverhead: "400m" } });
    assert.equal(podMemory(spec, "executor")?.totalMiB, 1424);
  });
  it("is undefined when a size is not Spark notation", () => {
    assert.equal(podMemory(sparkPiSpec({ driver: { memory: "1Gi" } }), "driver"), undefined);
    assert.equal(podMemory(sparkPiSpec({ driver: { memoryOverhead: "x" } }), "driver"), undefined);
  });
});

describe("memoryOverheadFactor", () => {
  it("prefers spark.<role>.memoryOverheadFactor, then spec.memoryOverheadFactor, then the Kubernetes key", () => {
    const conf = {
      "spark.kubernetes.memoryOverheadFactor": "0.3",
      "spark.driver.memoryOverheadFactor": "0.5",
    };
    assert.equal(
      memoryOverheadFactor(sparkPiSpec({ sparkConf: conf, memoryOverheadFactor: "0.2" }), "driver"),
      0.5,
    );
    assert.equal(
      memoryOverheadFactor(sparkPiSpec({ sparkConf: conf, memoryOverheadFactor: "0.2" }), "executor"),
      0.2,
    );
    assert.equal(memoryOverheadFactor(sparkPiSpec({ sparkConf: conf }), "executor"), 0.3);
  });
  it("an explicit factor also applies to Python apps", () => {
    assert.equal(
      memoryOverheadFactor(sparkPiSpec({ type: "Python", memoryOverheadFactor: "0.2" }), "driver"),
      0.2,
    );
  });
  it("ignores a factor that is not a positive number", () => {
    assert.equal(memoryOverheadFactor(sparkPiSpec({ memoryOverheadFactor: "lots" }), "driver"), 0.1);
    assert.equal(
      memoryOverheadFactor(sparkPiSpec({ type: "Python", memoryOverheadFactor: "0" }), "driver"),
      0.4,
    );
  });
});

describe("podCpuRequest", () => {
  it("defaults to one core", () => {
    assert.equal(podCpuRequest(sparkPiSpec({ driver: {} }), "driver"), 1);
  });
  it("uses cores, then sparkConf cores", () => {
    assert.equal(podCpuRequest(sparkPiSpec({ executor: { cores: 3 } }), "executor"), 3);
    assert.equal(
      podCpuRequest(sparkPiSpec({ executor: {}, sparkConf: { "spark.executor.cores": "2" } }), "executor"),
      2,
    );
  });
  it("prefers coreRequest, then spark.kubernetes.<role>.request.cores", () => {
    assert.equal(podCpuRequest(sparkPiSpec({ driver: { cores: 2, coreRequest: "500m" } }), "driver"), 0.5);
    const conf = { "spark.kubernetes.executor.request.cores": "250m" };
    assert.equal(podCpuRequest(sparkPiSpec({ sparkConf: conf }), "executor"), 0.25);
  });
});

describe("isJvmApp", () => {
  it("is true for Java and Scala only", () => {
    assert.deepEqual(
      (["Java", "Scala", "Python", "R"] as const).map((type) => isJvmApp({ type })),
      [true, true, false, false],
    );
  });
});
