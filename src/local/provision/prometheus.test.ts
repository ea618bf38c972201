import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  PROMETHEUS_BUILD_TAGS,
  PROMETHEUS_COMMANDS,
  prometheusBuilderGoMod,
  prometheusLdflags,
  prometheusRelease,
} from "./prometheus.js";

describe("Prometheus from Go modules", () => {
  it("a module version names its release (v0.3YY.Z is 3.YY.Z)", () => {
    assert.equal(prometheusRelease("v0.316.0"), "3.16.0");
    assert.equal(prometheusRelease("v0.305.2"), "3.5.2");
    assert.throws(
      () => prometheusRelease("v3.16.0"),
      /SPARKPLANE_PROMETHEUS_VERSION must look like v0\.316\.0/,
    );
  });

  it("the builder module requires the release with upstream's Go version", () => {
    const upstream = "module github.com/prometheus/prometheus\n\ngo 1.26.7\n\nrequire (\n)\n";
    assert.equal(
      prometheusBuilderGoMod("v0.316.0", upstream),
      "module sparkplane.local/prometheusbuilder\n\ngo 1.26.7\n\nrequire github.com/prometheus/prometheus v0.316.0\n",
    );
  });

  it("one build of both commands, without service discovery, stamped with the release", () => {
    assert.deepEqual(
      [...PROMETHEUS_COMMANDS],
      ["github.com/prometheus/prometheus/cmd/prometheus", "github.com/prometheus/prometheus/cmd/promtool"],
    );
    assert.deepEqual([...PROMETHEUS_BUILD_TAGS], ["remove_all_sd"]);
    assert.match(
      prometheusLdflags("v0.316.0"),
      /-X github\.com\/prometheus\/common\/version\.Version=3\.16\.0/,
    );
  });
});
