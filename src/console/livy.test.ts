import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { APP_STATES, AppState } from "../api/v1beta2/constants.js";
import { validateSparkApplication } from "../api/v1beta2/validate.js";
import { LivyLabel } from "./constants.js";
import {
  appToBatch,
  batchIdOf,
  batchToApp,
  LIVY_STATE_OF,
  LIVY_STATES,
  LivyBatchRequestSchema,
  livyState,
  logWindow,
} from "./livy.js";
import { schemaErrors } from "./validate.js";

const d = {
  namespace: "default",
  image: "spark:3.5.9",
  sparkVersion: "3.5.9",
  serviceAccount: "spark",
  memory: "512m",
};

describe("Livy batch -> SparkApplication", () => {
  it("maps every Livy field", () => {
    const app = batchToApp(
      7,
      {
        file: "local:///opt/spark/examples/jars/x.jar",
        proxyUser: "alice",
        className: "org.example.Pi",
        args: ["10"],
        jars: ["a.jar"],
        pyFiles: ["b.py"],
        files: ["c.txt"],
        driverMemory: "1g",
        driverCores: 2,
        executorMemory: "2g",
        executorCores: 3,
        numExecutors: 4,
        archives: ["d.zip"],
        queue: "q1",
        name: "my batch",
        conf: { "spark.x": "y" },
      },
      d,
    );
    assert.equal(app.metadata.name, "livy-batch-7");
    assert.equal(app.metadata.labels?.[LivyLabel.BatchId], "7");
    assert.equal(app.spec.type, "Scala");
    assert.equal(app.spec.mainApplicationFile, "local:///opt/spark/examples/jars/x.jar");
    assert.equal(app.spec.mainClass, "org.example.Pi");
    assert.deepEqual(app.spec.arguments, ["10"]);
    assert.equal(app.spec.proxyUser, "alice");
    assert.deepEqual(app.spec.deps, {
      jars: ["a.jar"],
      pyFiles: ["b.py"],
      files: ["c.txt"],
      archives: ["d.zip"],
    });
    assert.deepEqual(app.spec.driver, { serviceAccount: "spark", memory: "1g", cores: 2 });
    assert.deepEqual(app.spec.executor, { memory: "2g", cores: 3, instances: 4 });
    assert.deepEqual(app.spec.batchSchedulerOptions, { queue: "q1" });
    assert.deepEqual(app.spec.sparkConf, { "spark.x": "y", "spark.app.name": "my batch" });
    assert.equal(batchIdOf(app), 7);
    assert.deepEqual(validateSparkApplication(app), []);
  });

  it("a .py file is a Python app; defaults fill memory, cores and one executor", () => {
    const app = batchToApp(0, { file: "local:///x/pi.py" }, d);
    assert.equal(app.spec.type, "Python");
    assert.deepEqual(app.spec.executor, { memory: "512m", cores: 1, instances: 1 });
    assert.equal(app.spec.sparkConf, undefined);
    assert.equal(app.metadata.annotations, undefined);
  });

  it("refuses unknown fields and wrong types, naming the field", () => {
    assert.deepEqual(
      schemaErrors(LivyBatchRequestSchema, { file: "x", numExecutors: "2" }).map((e) => e.field),
      ["numExecutors"],
    );
    assert.deepEqual(
      schemaErrors(LivyBatchRequestSchema, { file: "x", clasName: "y" }).map((e) => e.field),
      ["clasName"],
    );
    assert.deepEqual(
      schemaErrors(LivyBatchRequestSchema, {}).map((e) => e.field),
      ["file"],
    );
  });

  it("malformed id labels are no batch", () => {
    assert.equal(batchIdOf({ metadata: { labels: { [LivyLabel.BatchId]: "x1" } } }), undefined);
    assert.equal(batchIdOf({ metadata: {} }), undefined);
  });
});

describe("SparkApplication state -> Livy state", () => {
  it("maps every AppState to a Livy state", () => {
    for (const s of APP_STATES) assert.ok(LIVY_STATES.includes(LIVY_STATE_OF[s]), s);
    assert.deepEqual(Object.keys(LIVY_STATE_OF).sort(), [...APP_STATES].sort());
  });

  it("terminal states are Livy's terminal ones; deletion is killed", () => {
    const at = (state: string | undefined, deletionTimestamp?: string) =>
      livyState({
        metadata: { deletionTimestamp },
        status: state === undefined ? undefined : { applicationState: { state: state as AppState } },
      });
    assert.equal(at(undefined), "not_started");
    assert.equal(at(AppState.Submitted), "starting");
    assert.equal(at(AppState.Running), "running");
    assert.equal(at(AppState.Completed), "success");
    assert.equal(at(AppState.Failed), "dead");
    assert.equal(at(AppState.SubmissionFailed), "error");
    assert.equal(at(AppState.Running, "2026-01-01T00:00:00Z"), "killed");
  });

  it("a batch view carries appId, UI and the error message as log", () => {
    const app = batchToApp(3, { file: "x.jar", name: "n" }, d);
    app.status = {
      sparkApplicationId: "spark-1",
      driverInfo: { webUIAddress: "10.0.0.1:4040" },
      applicationState: { state: "FAILED", errorMessage: "boom" },
    };
    assert.deepEqual(appToBatch(app, 3), {
      id: 3,
      name: "n",
      owner: null,
      proxyUser: null,
      appId: "spark-1",
      appInfo: { driverLogUrl: null, sparkUiUrl: "http://10.0.0.1:4040" },
      log: ["boom"],
      state: "dead",
    });
  });
});

describe("log window", () => {
  const lines = ["a", "b", "c", "d"];
  it("from/size as Livy: absent or negative from is the tail", () => {
    assert.deepEqual(logWindow(lines, 1, 2), { from: 1, total: 4, log: ["b", "c"] });
    assert.deepEqual(logWindow(lines, undefined, 2), { from: 2, total: 4, log: ["c", "d"] });
    assert.deepEqual(logWindow(lines, -1, 10), { from: 0, total: 4, log: lines });
    assert.deepEqual(logWindow(lines, 9, 2), { from: 4, total: 4, log: [] });
  });
});
