import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import type { TSchema } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { parse } from "yaml";
import { everyFieldSpec, scheduledSparkPi, sparkPiApp } from "./fixtures.test-helpers.js";
import { ScheduledSparkApplicationSchema } from "./scheduledsparkapplication.js";
import {
  type SparkApplication,
  SparkApplicationSchema,
  SparkApplicationSpecSchema,
} from "./sparkapplication.js";
import { validateSparkApplication } from "./validate.js";

const SEEDS = new URL("../../../../examples/seeds/", import.meta.url);

function schemaErrors(value: unknown): string[] {
  return [...Value.Errors(SparkApplicationSchema, value)].map((error) => `${error.path}: ${error.message}`);
}

describe("SparkApplication schema", () => {
  // The seeds' SparkApplications (examples/seeds also holds other kinds, e.g. seed 004's ResourcePolicy).
  const seedFiles = readdirSync(SEEDS).filter(
    (file) =>
      file.endsWith(".yaml") && /^kind: SparkApplication$/m.test(readFileSync(new URL(file, SEEDS), "utf8")),
  );

  it("has seed examples to check", () => {
    assert.ok(seedFiles.length >= 3);
  });

  it("every seed YAML cites its seed document by name, not by a path on the machine it was written on", () => {
    for (const file of readdirSync(SEEDS).filter((f) => f.endsWith(".yaml"))) {
      const text = readFileSync(new URL(file, SEEDS), "utf8");
      assert.doesNotMatch(text, /(^|[\s(])\/(work|home|Users|tmp)\/|shared\/seeds/, file);
      assert.match(text.split("\n")[0]!, /^# .*\bseed \d{3}\b/i, `${file}: its first line names the seed`);
    }
  });

  for (const file of seedFiles) {
    it(`accepts and validates the seed example ${file}`, () => {
      const app: unknown = parse(readFileSync(new URL(file, SEEDS), "utf8"));
      assert.deepEqual(schemaErrors(app), []);
      assert.deepEqual(validateSparkApplication(app as SparkApplication), []);
    });
  }

  it("accepts a minimal app and everything it may carry", () => {
    assert.equal(Value.Check(SparkApplicationSchema, sparkPiApp()), true);
    const app = sparkPiApp();
    app.spec.driver.tolerations = [{ key: "k", operator: "Exists", effect: "NoSchedule" }];
    app.spec.driver.env = [
      { name: "A", value: "1" },
      { name: "B", valueFrom: { fieldRef: { fieldPath: "x" } } },
    ];
    app.spec.driver.affinity = { nodeAffinity: { anything: ["goes"] } } as never;
    app.spec.driver.ports = [{ name: "jmx", protocol: "TCP", containerPort: 8090 }];
    app.spec.driver.secrets = [{ name: "gcp", path: "/mnt/secrets", secretType: "GCPServiceAccount" }];
    app.spec.executor.envSecretKeyRefs = { PASSWORD: { name: "db", key: "password" } };
    app.spec.monitoring = {
      exposeDriverMetrics: true,
      exposeExecutorMetrics: true,
      prometheus: { jmxExporterJar: "/jmx.jar", port: 8090 },
    };
    app.spec.batchSchedulerOptions = {
      queue: "q",
      resources: { cpu: "2", memory: "4Gi", "nvidia.com/gpu": 1 },
    };
    app.spec.restartPolicy = { type: "OnFailure", onFailureRetries: 0, onFailureRetryInterval: 1 };
    app.spec.pythonVersion = "3";
    app.status = {
      applicationState: { state: "RUNNING" },
      executorState: { "spark-pi-exec-1": "RUNNING" },
      lastSubmissionAttemptTime: "2024-01-20T10:47:14Z",
      executionAttempts: 1,
    };
    app.metadata.creationTimestamp = "2024-01-20T10:47:08.123+01:00";
    const withUnknownField = withField(app, "spec.unknownField", "pruned by the API server, tolerated here");
    assert.deepEqual(schemaErrors(withUnknownField), []);
  });

  it("has a fixture that sets every field, valid for the schema and the validator", () => {
    const spec = { ...everyFieldSpec(), nodeSelector: { zone: "a" } };
    assert.deepEqual(missingFields(SparkApplicationSpecSchema, spec, "spec"), []);
    assert.deepEqual(schemaErrors({ ...sparkPiApp(), spec }), []);
    assert.deepEqual(
      validateSparkApplication({ metadata: { name: "every-field" }, spec: everyFieldSpec() }),
      [],
    );
  });

  const rejected: [string, string, unknown][] = [
    ["a missing driver", "spec.driver", undefined],
    ["a missing executor", "spec.executor", undefined],
    ["a missing mainApplicationFile", "spec.mainApplicationFile", undefined],
    ["a missing sparkVersion", "spec.sparkVersion", undefined],
    ["an unknown type", "spec.type", "Go"],
    ["an unknown mode", "spec.mode", "local"],
    ["zero driver cores", "spec.driver.cores", 0],
    ["fractional cores", "spec.executor.cores", 0.5],
    ["zero executor instances", "spec.executor.instances", 0],
    ["a negative retry count", "spec.restartPolicy", { type: "OnFailure", onFailureRetries: -1 }],
    ["a zero retry interval", "spec.restartPolicy", { onSubmissionFailureRetryInterval: 0 }],
    ["an unknown restart policy", "spec.restartPolicy", { type: "Sometimes" }],
    ["pythonVersion 3.8", "spec.pythonVersion", "3.8"],
    ["an unknown secretType", "spec.driver.secrets", [{ name: "s", path: "/s", secretType: "Opaque" }]],
    ["a privileged Prometheus port", "spec.monitoring", prometheusOn(80)],
    ["a Prometheus port above 49151", "spec.monitoring", prometheusOn(50000)],
    ["monitoring without expose flags", "spec.monitoring", { prometheus: { jmxExporterJar: "/j.jar" } }],
    ["an env var without a name", "spec.driver.env", [{ value: "x" }]],
    ["a volume without a name", "spec.volumes", [{ emptyDir: {} }]],
    ["a port without protocol", "spec.driver.ports", [{ name: "p", containerPort: 1 }]],
    ["a toleration operator other than Exists/Equal", "spec.driver.tolerations", [{ operator: "In" }]],
    ["a non-string sparkConf value", "spec.sparkConf", { "spark.executor.instances": 2 }],
    ["an ingress without servicePortName", "spec.driverIngressOptions", [{ servicePort: 4040 }]],
    ["an unknown application state", "status", { applicationState: { state: "DONE" } }],
    ["an unknown executor state", "status", { executorState: { e: "GONE" } }],
    ["a time that is not RFC 3339", "status", { terminationTime: "yesterday" }],
    ["a wrong kind", "kind", "SparkApp"],
    ["a wrong apiVersion", "apiVersion", "sparkoperator.k8s.io/v1beta1"],
  ];
  for (const [what, path, value] of rejected) {
    it(`rejects ${what}`, () => {
      const app = withField(sparkPiApp(), path, value);
      assert.equal(Value.Check(SparkApplicationSchema, app), false);
    });
  }
});

/** Paths of the schema's properties that `value` leaves unset (embedded Kubernetes objects and maps aside). */
function missingFields(schema: TSchema, value: unknown, path: string): string[] {
  if (schema["x-kubernetes-preserve-unknown-fields"] || value === undefined) return [];
  if (schema.type === "array") return missingFields(schema.items, (value as unknown[])[0], `${path}[0]`);
  if (schema.type !== "object" || !schema.properties) return [];
  return Object.entries(schema.properties as Record<string, TSchema>).flatMap(([name, property]) => {
    const child = (value as Record<string, unknown>)[name];
    return child === undefined ? [`${path}.${name}`] : missingFields(property, child, `${path}.${name}`);
  });
}

/** A deep copy of `object` with the dotted `path` set to `value` (removed when undefined). */
function withField(object: object, path: string, value: unknown): unknown {
  const copy = structuredClone(object) as Record<string, unknown>;
  const keys = path.split(".");
  const last = keys.pop()!;
  let parent = copy;
  for (const key of keys) parent = parent[key] as Record<string, unknown>;
  if (value === undefined) delete parent[last];
  else parent[last] = value;
  return copy;
}

function prometheusOn(port: number) {
  return {
    exposeDriverMetrics: true,
    exposeExecutorMetrics: false,
    prometheus: { jmxExporterJar: "/j.jar", port },
  };
}

describe("ScheduledSparkApplication schema", () => {
  it("accepts a schedule with every field", () => {
    const app = scheduledSparkPi();
    Object.assign(app.spec, {
      timeZone: "Europe/Paris",
      suspend: false,
      concurrencyPolicy: "Forbid",
      successfulRunHistoryLimit: 0,
      failedRunHistoryLimit: 3,
      startingDeadlineSeconds: 60,
    });
    app.status = {
      lastRun: "2024-01-01T00:00:00Z",
      nextRun: "2024-01-01T01:00:00Z",
      lastRunName: "nightly-pi-1704067200000000000",
      pastSuccessfulRunNames: ["nightly-pi-1704067200000000000"],
      pastFailedRunNames: [],
      scheduleState: "Scheduled",
      reason: "",
    };
    assert.equal(Value.Check(ScheduledSparkApplicationSchema, app), true);
  });

  const rejected: [string, Record<string, unknown>][] = [
    ["an unknown concurrencyPolicy", { concurrencyPolicy: "Queue" }],
    ["a negative failedRunHistoryLimit", { failedRunHistoryLimit: -1 }],
    ["a negative successfulRunHistoryLimit", { successfulRunHistoryLimit: -1 }],
    ["a negative startingDeadlineSeconds", { startingDeadlineSeconds: -5 }],
    ["a template without driver", { template: { ...scheduledSparkPi().spec.template, driver: undefined } }],
    ["a missing schedule", { schedule: undefined }],
  ];
  for (const [what, fields] of rejected) {
    it(`rejects ${what}`, () => {
      const app = scheduledSparkPi();
      app.spec = JSON.parse(JSON.stringify({ ...app.spec, ...fields }));
      assert.equal(Value.Check(ScheduledSparkApplicationSchema, app), false);
    });
  }

  it("rejects an unknown scheduleState", () => {
    const app = { ...scheduledSparkPi(), status: { scheduleState: "Running" } };
    assert.equal(Value.Check(ScheduledSparkApplicationSchema, app), false);
  });
});
