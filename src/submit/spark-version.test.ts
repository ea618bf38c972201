import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compareSemanticVersion } from "./spark-version.js";

describe("compareSemanticVersion (kubeflow's CompareSemanticVersion)", () => {
  it("orders release versions by major, minor, patch", () => {
    assert.equal(compareSemanticVersion("3.5.3", "3.0.0"), 1);
    assert.equal(compareSemanticVersion("2.4.8", "3.0.0"), -1);
    assert.equal(compareSemanticVersion("3.0.0", "3.0.0"), 0);
    assert.equal(compareSemanticVersion("3.10.0", "3.9.9"), 1);
    assert.equal(compareSemanticVersion("v4.0.1", "4.0.0"), 1);
  });

  it("accepts the short forms vMAJOR and vMAJOR.MINOR", () => {
    assert.equal(compareSemanticVersion("3", "3.0.0"), 0);
    assert.equal(compareSemanticVersion("3.5", "3.5.0"), 0);
    assert.equal(compareSemanticVersion("2.4", "3.0.0"), -1);
  });

  it("puts a prerelease below its release, build metadata is ignored", () => {
    assert.equal(compareSemanticVersion("3.0.0-rc1", "3.0.0"), -1);
    assert.equal(compareSemanticVersion("3.0.0-alpha", "3.0.0-beta"), -1);
    assert.equal(compareSemanticVersion("3.0.0-2", "3.0.0-10"), -1);
    assert.equal(compareSemanticVersion("3.0.0-1", "3.0.0-a"), -1);
    assert.equal(compareSemanticVersion("3.0.0-a", "3.0.0-a.1"), -1);
    assert.equal(compareSemanticVersion("3.5.3+build.7", "3.5.3"), 0);
  });

  it("ranks an invalid version below every valid one", () => {
    for (const invalid of ["", "latest", "3.5.x", "03.0.0", "3.5-rc1", "3.0.0-01", "3.5.3.1"]) {
      assert.equal(compareSemanticVersion(invalid, "0.0.1"), -1, invalid);
      assert.equal(compareSemanticVersion("0.0.1", invalid), 1, invalid);
      assert.equal(compareSemanticVersion(invalid, "nonsense"), 0, invalid);
    }
  });
});
