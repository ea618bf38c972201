import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  metricLabelValues,
  parseBuckets,
  parseMetricLabels,
  parseMetricPrefix,
  validMetricName,
} from "./labels.js";

describe("metric names and labels (kubeflow's rules)", () => {
  it("validMetricName: prefix + name, '-' becomes '_'", () => {
    assert.equal(validMetricName("", "spark_application_count"), "spark_application_count");
    assert.equal(validMetricName("my-team_", "spark_application_count"), "my_team_spark_application_count");
  });

  it("parseMetricPrefix: empty or a valid metric-name start, '-' becomes '_'; errors name the flag", () => {
    assert.equal(parseMetricPrefix(""), "");
    assert.equal(parseMetricPrefix("team-a_"), "team_a_");
    assert.throws(
      () => parseMetricPrefix("1x"),
      /--metrics-prefix: "1x" cannot start a Prometheus metric name/,
    );
    assert.throws(() => parseMetricPrefix("a.b"), /--metrics-prefix/);
    assert.throws(() => parseMetricPrefix("rule:"), /--metrics-prefix/);
  });

  it("parseMetricLabels: comma-separated or repeated, '-' becomes '_', duplicates dropped", () => {
    assert.deepEqual(parseMetricLabels(["app-type,namespace", " team ", "app_type"]), [
      "app_type",
      "namespace",
      "team",
    ]);
    assert.deepEqual(parseMetricLabels([""]), []);
  });

  it("parseMetricLabels refuses names Prometheus refuses, naming the flag", () => {
    for (const bad of ["1st", "a.b", "__name"]) {
      assert.throws(() => parseMetricLabels([bad]), /--metrics-labels: .*not a valid Prometheus label name/);
    }
  });

  it("metricLabelValues: from the object's labels (keys with '-' read as '_'), namespace, else Unknown", () => {
    const object = { namespace: "ns1", labels: { "app-type": "batch", team: "data" } };
    assert.deepEqual(metricLabelValues(["app_type", "team", "namespace", "owner"], object), {
      app_type: "batch",
      team: "data",
      namespace: "ns1",
      owner: "Unknown",
    });
    assert.deepEqual(
      metricLabelValues(["namespace"], { namespace: "x", labels: { namespace: "from-label" } }),
      {
        namespace: "from-label",
      },
    );
    assert.deepEqual(metricLabelValues([], object), {});
  });

  it("parseBuckets: positive, increasing numbers; errors name the flag", () => {
    assert.deepEqual(parseBuckets("--b", "0.5, 1,2"), [0.5, 1, 2]);
    assert.throws(() => parseBuckets("--b", "1,x"), /--b: "x" is not a positive number/);
    assert.throws(() => parseBuckets("--b", "1,,2"), /--b: "" is not a positive number/);
    assert.throws(() => parseBuckets("--b", "0,1"), /--b: "0" is not a positive number/);
    assert.throws(() => parseBuckets("--b", "2,1"), /--b: buckets must increase, got 2 before 1/);
  });
});
