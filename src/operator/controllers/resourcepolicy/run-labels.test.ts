import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sparkPiApp } from "../../../api/v1beta2/fixtures.test-helpers.js";
import { runPodLabels } from "./run-labels.js";

describe("runPodLabels", () => {
  it("gives the driver and executors the labels the submitter stamps (the seed's selector and key)", () => {
    const app = sparkPiApp();
    app.spec.executor.labels = { tier: "batch" };
    const { driver, executor } = runPodLabels(app, "sub-1");
    for (const labels of [driver, executor]) {
      assert.equal(labels["sparkoperator.k8s.io/launched-by-spark-operator"], "true");
      assert.equal(labels["sparkoperator.k8s.io/submission-id"], "sub-1");
    }
    assert.equal(driver["spark-role"], "driver");
    assert.equal(executor["spark-role"], "executor");
    assert.equal(executor.tier, "batch");
    assert.equal(driver.tier, undefined);
  });
});
