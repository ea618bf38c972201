import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  defaultMemoryOverheadMiB,
  isKubernetesQuantity,
  mibToKubernetesQuantity,
  parseKubernetesQuantity,
  parseSparkMemory,
  sparkMemoryToMiB,
} from "./quantity.js";

describe("parseSparkMemory", () => {
  const valid: [string, number][] = [
    ["512m", 512],
    ["4g", 4096],
    ["2048", 2048],
    ["1G", 1024],
    [" 1g ", 1024],
    ["1gb", 1024],
    ["1GB", 1024],
    ["512mb", 512],
    ["1024k", 1],
    ["1024kb", 1],
    ["1023k", 0],
    ["1048576b", 1],
    ["100b", 0],
    ["1t", 1024 * 1024],
    ["2tb", 2 * 1024 * 1024],
    ["1p", 1024 ** 3],
    ["0", 0],
  ];
  for (const [input, mib] of valid) {
    it(`reads ${JSON.stringify(input)} as ${mib} MiB`, () => {
      const parsed = parseSparkMemory(input);
      assert.ok(parsed.ok, JSON.stringify(parsed));
      assert.equal(parsed.mib, mib);
      assert.equal(sparkMemoryToMiB(input), mib);
    });
  }

  it("reports bytes exactly", () => {
    assert.deepEqual(parseSparkMemory("3k"), { ok: true, bytes: 3072, mib: 0 });
  });

  const invalid: [string, RegExp][] = [
    ["1.5g", /fractional.*1536m/],
    ["0.5m", /fractional.*512k/],
    ["2.g", /fractional.*2048m/],
    [".5g", /fractional.*512m/],
    ["1.5", /fractional.*1536k/],
    ["1.5k", /fractional/],
    ["1Gi", /Kubernetes notation.*1g/],
    ["512Mi", /Kubernetes notation.*512m/],
    ["1x", /unknown unit "x"/],
    ["1mib", /unknown unit/],
    ["", /not a Spark memory size/],
    ["-1g", /not a Spark memory size/],
    ["1 g", /not a Spark memory size/],
    ["g", /not a Spark memory size/],
    ["abc", /unknown unit|not a Spark memory size/],
  ];
  for (const [input, reason] of invalid) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      const parsed = parseSparkMemory(input);
      assert.equal(parsed.ok, false);
      assert.match(parsed.ok ? "" : parsed.reason, reason);
      assert.equal(sparkMemoryToMiB(input), undefined);
    });
  }
});

describe("parseKubernetesQuantity", () => {
  const valid: [string | number, number][] = [
    ["1", 1],
    ["500m", 0.5],
    ["1200m", 1.2],
    ["0.5", 0.5],
    [".5", 0.5],
    ["5.", 5],
    ["+1", 1],
    ["-1", -1],
    ["2Gi", 2 * 2 ** 30],
    ["1.5Gi", 1.5 * 2 ** 30],
    ["1536Mi", 1536 * 2 ** 20],
    ["1Ki", 1024],
    ["1Ti", 2 ** 40],
    ["1Pi", 2 ** 50],
    ["1Ei", 2 ** 60],
    ["100M", 1e8],
    ["1k", 1000],
    ["1G", 1e9],
    ["1T", 1e12],
    ["1P", 1e15],
    ["1E", 1e18],
    ["1e3", 1000],
    ["1E3", 1000],
    ["5e-1", 0.5],
    ["1n", 1e-9],
    ["1u", 1e-6],
    [3, 3],
    [0.25, 0.25],
  ];
  for (const [input, value] of valid) {
    it(`reads ${JSON.stringify(input)}`, () => {
      const parsed = parseKubernetesQuantity(input);
      assert.ok(parsed !== undefined);
      assert.ok(Math.abs(parsed - value) <= Math.abs(value) * 1e-12, `${parsed} != ${value}`);
      assert.equal(isKubernetesQuantity(input), true);
    });
  }
  for (const input of [
    "1g",
    "1gi",
    "1mi",
    "1 Gi",
    "",
    "Gi",
    "1.2.3",
    "m",
    "1Mii",
    "1e",
    "0x10",
    Number.NaN,
  ]) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      assert.equal(parseKubernetesQuantity(input), undefined);
      assert.equal(isKubernetesQuantity(input), false);
    });
  }
});

describe("memory overhead", () => {
  it("is at least 384 MiB", () => {
    assert.equal(defaultMemoryOverheadMiB(1024, 0.1), 384);
    assert.equal(defaultMemoryOverheadMiB(512, 0.4), 384);
  });
  it("is the factor times the heap, truncated, above the floor", () => {
    assert.equal(defaultMemoryOverheadMiB(4096, 0.1), 409);
    assert.equal(defaultMemoryOverheadMiB(1024, 0.4), 409);
    assert.equal(defaultMemoryOverheadMiB(10000, 0.1), 1000);
  });
  it("formats MiB as a Kubernetes quantity", () => {
    assert.equal(mibToKubernetesQuantity(1408), "1408Mi");
  });
});
