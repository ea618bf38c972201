import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  driverCpu,
  driverMemory,
  javaDoubleToString,
  javaMemoryToKubernetesQuantity,
  parseJavaDouble,
  parseJavaInt,
  parseSparkSize,
  sparkMajorVersion,
  sparkSizeToMiB,
} from "./memory.js";

const conf = (entries: Record<string, string> = {}) => new Map(Object.entries(entries));

describe("parseSparkSize", () => {
  it("reads whole numbers with Spark's suffixes, a bare number in the given unit", () => {
    assert.equal(sparkSizeToMiB("1g"), 1024);
    assert.equal(sparkSizeToMiB("1G"), 1024);
    assert.equal(sparkSizeToMiB(" 2gb "), 2048);
    assert.equal(sparkSizeToMiB("512m"), 512);
    assert.equal(sparkSizeToMiB("512mb"), 512);
    assert.equal(sparkSizeToMiB("512"), 512);
    assert.equal(sparkSizeToMiB("1t"), 1024 * 1024);
    assert.equal(sparkSizeToMiB("1p"), 1024 ** 3);
    assert.equal(parseSparkSize("3k", "b"), 3072);
  });

  it("rounds down when converting to a larger unit", () => {
    assert.equal(sparkSizeToMiB("1500k"), 1);
    assert.equal(sparkSizeToMiB("1023k"), 0);
    assert.equal(sparkSizeToMiB("2000000b"), 1);
  });

  it("rejects fractions, Kubernetes units and garbage with Spark's message", () => {
    assert.throws(() => sparkSizeToMiB("1.5g"), /Fractional values are not supported. Input was: 1.5/);
    assert.throws(() => sparkSizeToMiB("2Gi"), /Invalid suffix: "gi"/);
    assert.throws(() => sparkSizeToMiB("lots"), /Failed to parse byte string: lots/);
    assert.throws(() => sparkSizeToMiB(""), /Size must be specified/);
  });
});

describe("Java number parsing and printing", () => {
  it("parses ints and doubles as SparkConf does", () => {
    assert.equal(parseJavaInt(" 4 ", "k"), 4);
    assert.throws(
      () => parseJavaInt("1.5", "spark.driver.cores"),
      /spark.driver.cores should be int, but was 1.5/,
    );
    assert.throws(() => parseJavaInt("3000000000", "k"), /should be int/);
    assert.equal(parseJavaDouble("0.4", "k"), 0.4);
    assert.equal(parseJavaDouble(".25d", "k"), 0.25);
    assert.equal(parseJavaDouble("1e-1", "k"), 0.1);
    assert.throws(() => parseJavaDouble("abc", "k"), /should be double/);
  });

  it("prints doubles like Double#toString", () => {
    assert.equal(javaDoubleToString(0.1), "0.1");
    assert.equal(javaDoubleToString(0.4), "0.4");
    assert.equal(javaDoubleToString(1), "1.0");
    assert.equal(javaDoubleToString(0.25), "0.25");
    assert.equal(javaDoubleToString(12345), "12345.0");
    assert.equal(javaDoubleToString(0.0001), "1.0E-4");
    assert.equal(javaDoubleToString(1.5e7), "1.5E7");
    assert.equal(javaDoubleToString(0), "0.0");
  });
});

describe("driverMemory", () => {
  it("gives the default 1g driver 1408Mi (384 MiB minimum overhead)", () => {
    const memory = driverMemory(conf(), "java");
    assert.deepEqual(memory, {
      memoryMiB: 1024,
      overheadMiB: 384,
      totalMiB: 1408,
      overheadFactor: 0.1,
      defaultOverheadFactor: 0.1,
    });
  });

  it("uses 10% of the heap once that exceeds 384 MiB, truncated", () => {
    assert.equal(driverMemory(conf({ "spark.driver.memory": "4g" }), "java").overheadMiB, 409);
    assert.equal(driverMemory(conf({ "spark.driver.memory": "4g" }), "java").totalMiB, 4505);
    assert.equal(driverMemory(conf({ "spark.driver.memory": "3841m" }), "java").overheadMiB, 384);
  });

  it("uses 0.4 for Python and R apps unless spark.kubernetes.memoryOverheadFactor is set", () => {
    assert.equal(driverMemory(conf({ "spark.driver.memory": "2g" }), "python").overheadMiB, 819);
    assert.equal(driverMemory(conf(), "r").totalMiB, 1024 + 409);
    assert.equal(driverMemory(conf(), "python").defaultOverheadFactor, 0.4);
    const explicit = driverMemory(conf({ "spark.kubernetes.memoryOverheadFactor": "0.2" }), "python");
    assert.equal(explicit.defaultOverheadFactor, 0.2);
    assert.equal(explicit.overheadMiB, 384);
  });

  it("prefers spark.driver.memoryOverheadFactor, then the explicit overhead over any factor", () => {
    const driverFactor = conf({ "spark.driver.memory": "10g", "spark.driver.memoryOverheadFactor": "0.2" });
    assert.equal(driverMemory(driverFactor, "java").overheadMiB, 2048);
    assert.equal(driverMemory(driverFactor, "java").defaultOverheadFactor, 0.1);
    const explicit = conf({ "spark.driver.memory": "10g", "spark.driver.memoryOverhead": "100m" });
    assert.equal(driverMemory(explicit, "python").overheadMiB, 100);
    assert.equal(driverMemory(explicit, "python").totalMiB, 10340);
    assert.equal(driverMemory(conf({ "spark.driver.memoryOverhead": "1g" }), "java").totalMiB, 2048);
  });

  it("honours spark.driver.minMemoryOverhead from Spark 4 only", () => {
    const minimum = conf({ "spark.driver.minMemoryOverhead": "500m" });
    assert.equal(driverMemory(minimum, "java", 3).overheadMiB, 384);
    assert.equal(driverMemory(minimum, "java", 4).overheadMiB, 500);
  });

  it("rejects factors Spark rejects", () => {
    assert.throws(
      () => driverMemory(conf({ "spark.driver.memoryOverheadFactor": "0" }), "java"),
      /not a valid/,
    );
    assert.throws(
      () => driverMemory(conf({ "spark.kubernetes.memoryOverheadFactor": "-1" }), "java"),
      /not a valid/,
    );
  });
});

describe("driverCpu", () => {
  it("requests spark.driver.cores unless a request is given; limits only when asked", () => {
    assert.deepEqual(driverCpu(conf()), { request: "1" });
    assert.deepEqual(driverCpu(conf({ "spark.driver.cores": "3" })), { request: "3" });
    assert.deepEqual(
      driverCpu(conf({ "spark.driver.cores": "3", "spark.kubernetes.driver.request.cores": "500m" })),
      {
        request: "500m",
      },
    );
    assert.deepEqual(driverCpu(conf({ "spark.kubernetes.driver.limit.cores": "1200m" })), {
      request: "1",
      limit: "1200m",
    });
  });
});

describe("helpers", () => {
  it("reads the Spark major version", () => {
    assert.equal(sparkMajorVersion("3.5.3"), 3);
    assert.equal(sparkMajorVersion("4.0.0"), 4);
    assert.equal(sparkMajorVersion("garbage"), 3);
  });

  it("converts JVM memory strings to Kubernetes quantities like the kubeflow webhook", () => {
    assert.equal(javaMemoryToKubernetesQuantity("4g"), "4Gi");
    assert.equal(javaMemoryToKubernetesQuantity("4G"), "4Gi");
    assert.equal(javaMemoryToKubernetesQuantity("512mb"), "512Mi");
    assert.equal(javaMemoryToKubernetesQuantity("2Gi"), "2Gi");
    assert.equal(javaMemoryToKubernetesQuantity("1000"), "1000");
  });
});
