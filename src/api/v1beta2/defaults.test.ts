import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Value } from "@sinclair/typebox/value";
import { isDynamicAllocationEnabled, withDefaults } from "./defaults.js";
import { sparkPiSpec } from "./fixtures.test-helpers.js";
import { SparkApplicationSpecSchema } from "./sparkapplication.js";

const bare = () => sparkPiSpec({ driver: {}, executor: {} });

describe("withDefaults", () => {
  it("fills mode, restart policy, cores, memory and instances", () => {
    const spec = withDefaults(bare());
    assert.equal(spec.mode, "cluster");
    assert.deepEqual(spec.restartPolicy, { type: "Never" });
    assert.deepEqual(spec.driver, { cores: 1, memory: "1g" });
    assert.deepEqual(spec.executor, { cores: 1, memory: "1g", instances: 1 });
  });

  it("does not modify its argument", () => {
    const input = bare();
    const copy = structuredClone(input);
    withDefaults(input);
    assert.deepEqual(input, copy);
  });

  it("is idempotent and yields a valid spec", () => {
    const once = withDefaults(bare());
    assert.deepEqual(withDefaults(once), once);
    assert.equal(Value.Check(SparkApplicationSpecSchema, once), true);
  });

  it("keeps what the user set", () => {
    const spec = withDefaults(
      sparkPiSpec({
        mode: "client",
        restartPolicy: { type: "OnFailure", onFailureRetryInterval: 30, onSubmissionFailureRetryInterval: 7 },
        driver: { cores: 2, memory: "2g" },
        executor: { cores: 4, memory: "8g", instances: 5 },
      }),
    );
    assert.equal(spec.mode, "client");
    assert.deepEqual(spec.restartPolicy, {
      type: "OnFailure",
      onFailureRetryInterval: 30,
      onSubmissionFailureRetryInterval: 7,
    });
    assert.deepEqual(spec.driver, { cores: 2, memory: "2g" });
    assert.deepEqual(spec.executor, { cores: 4, memory: "8g", instances: 5 });
  });

  it("leaves cores, memory and instances to sparkConf when it sets them", () => {
    const spec = withDefaults({
      ...bare(),
      sparkConf: {
        "spark.driver.cores": "2",
        "spark.driver.memory": "3g",
        "spark.executor.cores": "3",
        "spark.executor.memory": "5g",
        "spark.executor.instances": "4",
      },
    });
    assert.deepEqual(spec.driver, {});
    assert.deepEqual(spec.executor, {});
  });

  for (const type of ["OnFailure", "Always"] as const) {
    it(`defaults both retry intervals to 5 s for ${type}`, () => {
      const spec = withDefaults(sparkPiSpec({ restartPolicy: { type, onFailureRetries: 3 } }));
      assert.deepEqual(spec.restartPolicy, {
        type,
        onFailureRetries: 3,
        onFailureRetryInterval: 5,
        onSubmissionFailureRetryInterval: 5,
      });
    });
  }

  it("defaults the restart policy type of a partial policy to Never without intervals", () => {
    assert.deepEqual(withDefaults(sparkPiSpec({ restartPolicy: { onFailureRetries: 2 } })).restartPolicy, {
      type: "Never",
      onFailureRetries: 2,
    });
  });

  it("leaves executor.instances unset and turns shuffle tracking on under dynamic allocation", () => {
    const spec = withDefaults({ ...bare(), dynamicAllocation: { enabled: true, maxExecutors: 10 } });
    assert.equal(spec.executor.instances, undefined);
    assert.deepEqual(spec.dynamicAllocation, {
      enabled: true,
      maxExecutors: 10,
      shuffleTrackingEnabled: true,
    });
  });

  it("keeps shuffle tracking off when the user turned it off", () => {
    const spec = withDefaults({
      ...bare(),
      dynamicAllocation: { enabled: true, shuffleTrackingEnabled: false },
    });
    assert.equal(spec.dynamicAllocation?.shuffleTrackingEnabled, false);
  });

  it("treats disabled dynamic allocation as absent", () => {
    const spec = withDefaults({ ...bare(), dynamicAllocation: { enabled: false } });
    assert.equal(spec.executor.instances, 1);
    assert.deepEqual(spec.dynamicAllocation, { enabled: false });
  });

  it("honours spark.dynamicAllocation.enabled in sparkConf", () => {
    const spec = withDefaults({ ...bare(), sparkConf: { "spark.dynamicAllocation.enabled": "true" } });
    assert.equal(spec.executor.instances, undefined);
  });

  it("defaults the Prometheus port and port name", () => {
    const monitoring = {
      exposeDriverMetrics: true,
      exposeExecutorMetrics: true,
      prometheus: { jmxExporterJar: "/prometheus/jmx_prometheus_javaagent.jar" },
    };
    assert.deepEqual(withDefaults(sparkPiSpec({ monitoring })).monitoring?.prometheus, {
      jmxExporterJar: "/prometheus/jmx_prometheus_javaagent.jar",
      port: 8090,
      portName: "jmx-exporter",
    });
    const custom = {
      ...monitoring,
      prometheus: { ...monitoring.prometheus, port: 9100, portName: "metrics" },
    };
    assert.deepEqual(withDefaults(sparkPiSpec({ monitoring: custom })).monitoring, custom);
  });

  it("adds no monitoring or prometheus section that was not there", () => {
    assert.equal(withDefaults(bare()).monitoring, undefined);
    const monitoring = { exposeDriverMetrics: true, exposeExecutorMetrics: false };
    assert.deepEqual(withDefaults(sparkPiSpec({ monitoring })).monitoring, monitoring);
  });
});

describe("isDynamicAllocationEnabled", () => {
  it("reads the spec and sparkConf", () => {
    assert.equal(isDynamicAllocationEnabled({}), false);
    assert.equal(isDynamicAllocationEnabled({ dynamicAllocation: { enabled: true } }), true);
    assert.equal(
      isDynamicAllocationEnabled({ sparkConf: { "spark.dynamicAllocation.enabled": " TRUE " } }),
      true,
    );
    assert.equal(
      isDynamicAllocationEnabled({ sparkConf: { "spark.dynamicAllocation.enabled": "false" } }),
      false,
    );
  });
});
