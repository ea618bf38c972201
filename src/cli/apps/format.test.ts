import assert from "node:assert/strict";
import { test } from "node:test";
import type { SparkApplication } from "../../api/v1beta2/sparkapplication.js";
import { appsTable, describeApp, executorSummary } from "./format.js";

const app = {
  apiVersion: "sparkoperator.k8s.io/v1beta2",
  kind: "SparkApplication",
  metadata: { name: "spark-pi", namespace: "default", creationTimestamp: "2026-01-01T00:00:00Z" },
  spec: {
    type: "Java",
    sparkVersion: "3.5.9",
    mainClass: "a.B",
    mainApplicationFile: "local:///x.jar",
    driver: {},
    executor: {},
  },
  status: {
    applicationState: { state: "RUNNING" },
    executionAttempts: 1,
    submissionAttempts: 1,
    driverInfo: { podName: "spark-pi-driver", webUIServiceName: "spark-pi-ui-svc", webUIPort: 4040 },
    executorState: { "e-1": "RUNNING", "e-2": "RUNNING", "e-3": "COMPLETED" },
  },
} as unknown as SparkApplication;

test("executorSummary counts executors per state", () => {
  assert.equal(executorSummary(app.status?.executorState), "1 COMPLETED, 2 RUNNING");
  assert.equal(executorSummary(undefined), "none");
});

test("appsTable shows the kubectl columns plus executors", () => {
  const out = appsTable([app], Date.parse("2026-01-01T00:01:00Z"));
  const [header, row] = out.split("\n");
  assert.match(header!, /^NAME\s+STATUS\s+ATTEMPTS\s+EXECUTORS\s+START\s+FINISH\s+AGE$/);
  assert.match(row!, /^spark-pi\s+RUNNING\s+1\s+1 COMPLETED, 2 RUNNING\s+60s$/);
});

test("describeApp shows state, attempts, driver, executors and events in time order", () => {
  const out = describeApp(
    {
      ...app,
      status: { ...app.status, applicationState: { state: "FAILED", errorMessage: "driver exited with 1" } },
    },
    { status: { phase: "Failed", podIP: "127.1.0.5" }, spec: { nodeName: "sparkplane-0", containers: [] } },
    [
      {
        metadata: {},
        involvedObject: {},
        type: "Warning",
        reason: "SparkApplicationFailed",
        message: "failed",
        lastTimestamp: new Date("2026-01-01T00:00:50Z"),
      },
      {
        metadata: {},
        involvedObject: {},
        type: "Normal",
        reason: "SparkApplicationSubmitted",
        message: "ok",
        lastTimestamp: new Date("2026-01-01T00:00:01Z"),
      },
    ],
    Date.parse("2026-01-01T00:01:00Z"),
  );
  assert.match(out, /State:\s+FAILED/);
  assert.match(out, /Error:\s+driver exited with 1/);
  assert.match(out, /Driver:\s+spark-pi-driver \(Failed, 127\.1\.0\.5 on sparkplane-0\)/);
  assert.match(out, /e-3\s+COMPLETED/);
  assert.ok(
    out.indexOf("SparkApplicationSubmitted") < out.indexOf("SparkApplicationFailed"),
    "events oldest first",
  );
});

test("describeApp lists the Pending diagnosis before the events, and nothing when there is none", () => {
  const line =
    "2 executors Pending: needs 4 CPU per executor; largest free 2 CPU; lower `spec.executor.cores` or add nodes";
  const out = describeApp(app, undefined, [], Date.now(), [line]);
  assert.ok(out.includes(`Pending:\n  ${line}\nEvents:`), out);
  assert.equal(describeApp(app, undefined, []).includes("Pending:"), false);
});

test("describeApp shows only the events of this app, not of a deleted app of the same name", () => {
  const current = { ...app, metadata: { ...app.metadata, uid: "uid-new" } } as SparkApplication;
  const event = (uid: string, reason: string) => ({
    metadata: {},
    involvedObject: { kind: "SparkApplication", name: "spark-pi", uid },
    type: "Normal",
    reason,
    message: reason,
    lastTimestamp: new Date("2026-01-01T00:00:10Z"),
  });
  const out = describeApp(current, undefined, [event("uid-old", "OldRunFailed"), event("uid-new", "NewRun")]);
  assert.match(out, /NewRun/);
  assert.doesNotMatch(out, /OldRunFailed/);
});
