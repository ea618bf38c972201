import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SparkApplicationSpec } from "../../../../api/v1beta2/sparkapplication.js";
import { recordedSpecHash, SPEC_HASH_ANNOTATION, specHash, stableJson } from "./spec-hash.js";

const base: SparkApplicationSpec = {
  type: "Scala",
  sparkVersion: "3.5.2",
  mainApplicationFile: "local:///app.jar",
  driver: { cores: 1, memory: "1g" },
  executor: { instances: 2 },
  sparkConf: { "spark.a": "1", "spark.b": "2" },
};

describe("specHash", () => {
  it("is versioned and stable", () => {
    assert.match(specHash(base), /^v1:[0-9a-f]{32}$/);
    assert.equal(specHash(base), specHash(structuredClone(base)));
  });

  it("ignores key order", () => {
    const reordered: SparkApplicationSpec = {
      executor: { instances: 2 },
      driver: { memory: "1g", cores: 1 },
      sparkConf: { "spark.b": "2", "spark.a": "1" },
      mainApplicationFile: "local:///app.jar",
      sparkVersion: "3.5.2",
      type: "Scala",
    };
    assert.equal(specHash(reordered), specHash(base));
  });

  it("ignores suspend and timeToLiveSeconds", () => {
    assert.equal(specHash({ ...base, suspend: true, timeToLiveSeconds: 600 }), specHash(base));
  });

  it("treats empty lists, empty maps and nulls as absent", () => {
    const withEmpties = {
      ...base,
      arguments: [],
      hadoopConf: {},
      deps: { jars: [] },
      image: null,
    } as unknown;
    assert.equal(specHash(withEmpties as SparkApplicationSpec), specHash(base));
  });

  it("changes with anything else", () => {
    const variants: Partial<SparkApplicationSpec>[] = [
      { arguments: ["1"] },
      { image: "spark:4.0.0" },
      { sparkConf: { "spark.a": "1", "spark.b": "3" } },
      { executor: { instances: 3 } },
      { restartPolicy: { type: "Always" } },
    ];
    const hashes = new Set(variants.map((variant) => specHash({ ...base, ...variant })));
    assert.equal(hashes.size, variants.length);
    assert.ok(!hashes.has(specHash(base)));
  });

  it("keeps list order significant", () => {
    assert.notEqual(
      specHash({ ...base, arguments: ["a", "b"] }),
      specHash({ ...base, arguments: ["b", "a"] }),
    );
  });
});

describe("recordedSpecHash", () => {
  it("reads the annotation written by this version", () => {
    const hash = specHash(base);
    assert.equal(recordedSpecHash({ [SPEC_HASH_ANNOTATION]: hash }), hash);
  });

  it("treats missing annotations and other versions as absent", () => {
    assert.equal(recordedSpecHash(undefined), undefined);
    assert.equal(recordedSpecHash({}), undefined);
    assert.equal(recordedSpecHash({ [SPEC_HASH_ANNOTATION]: "v0:abc" }), undefined);
  });
});

describe("stableJson", () => {
  it("sorts keys at every depth and keeps nulls inside lists", () => {
    assert.equal(
      stableJson({ b: { d: 1, c: [null, { f: 1, e: 2 }] }, a: 0 }),
      '{"a":0,"b":{"c":[null,{"e":2,"f":1}],"d":1}}',
    );
  });
});
