import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { appDemand, startingExecutors } from "./demand.js";
import type { SparkApplicationSpec } from "./sparkapplication.js";

const spec = (more: Partial<SparkApplicationSpec> = {}): SparkApplicationSpec => ({
  type: "Scala",
  sparkVersion: "3.5.9",
  mainApplicationFile: "local:///app.jar",
  driver: { cores: 1, memory: "512m" },
  executor: { instances: 2, cores: 2, memory: "1g" },
  ...more,
});

describe("appDemand", () => {
  it("is the driver plus every executor, memory with Spark's overhead", () => {
    const r = appDemand(spec());
    assert.ok(r.ok);
    // driver 512 + 384 overhead; executors 2 x (1024 + 384)
    assert.deepEqual(r.demand, {
      cpu: 5,
      memoryMiB: 896 + 2 * 1408,
      executors: 2,
      from: "spec.driver and spec.executor",
    });
  });

  it("takes batchSchedulerOptions.resources when set (kubeflow's pod group minResources)", () => {
    const r = appDemand(spec({ batchSchedulerOptions: { resources: { cpu: "1500m", memory: "2Gi" } } }));
    assert.ok(r.ok);
    assert.deepEqual(
      [r.demand.cpu, r.demand.memoryMiB, r.demand.from],
      [1.5, 2048, "spec.batchSchedulerOptions.resources"],
    );
  });

  it("names the field of a bad quantity", () => {
    const r = appDemand(spec({ batchSchedulerOptions: { resources: { cpu: "lots" } } }));
    assert.deepEqual(r, {
      ok: false,
      error: 'spec.batchSchedulerOptions.resources.cpu: "lots" is not a quantity',
    });
    const m = appDemand(spec({ executor: { instances: 1, memory: "big" } }));
    assert.equal(m.ok, false);
    assert.match((m as { error: string }).error, /^spec\.executor\.memory/);
  });

  it("uses coreRequest over cores, and defaults 1 executor", () => {
    const r = appDemand(spec({ executor: { coreRequest: "500m", cores: 4, memory: "1g" } }));
    assert.ok(r.ok);
    assert.equal(r.demand.cpu, 1 + 0.5);
    assert.equal(r.demand.executors, 1);
  });

  it("under dynamic allocation counts what the app starts with", () => {
    const da = (d: SparkApplicationSpec["dynamicAllocation"]) =>
      startingExecutors(spec({ executor: { cores: 1 }, dynamicAllocation: { enabled: true, ...d } }));
    assert.equal(da({ minExecutors: 2 }), 2);
    assert.equal(da({ minExecutors: 1, initialExecutors: 3 }), 3);
    assert.equal(da({}), 0);
  });
});
