import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decide } from "./decide.js";
import { trackExecutors } from "./executors.js";
import { driver, executor, inputFor, reasons, runStatus, sparkApp } from "./fixtures.test-helpers.js";

const track = (input: Partial<Parameters<typeof trackExecutors>[0]>) =>
  trackExecutors({
    previous: undefined,
    pods: [],
    appState: "RUNNING",
    sparkApplicationId: "spark-app-1",
    maxTrackedExecutors: 1000,
    ...input,
  });

describe("trackExecutors", () => {
  it("records each executor pod's state with an event for each new one", () => {
    const result = track({
      pods: [executor("pi-exec-2", "Running"), executor("pi-exec-1", "Pending")],
    });
    assert.deepEqual(result.executorState, { "pi-exec-1": "PENDING", "pi-exec-2": "RUNNING" });
    assert.deepEqual(result.events, [
      { type: "Normal", reason: "SparkExecutorPending", message: "Executor pi-exec-1 is pending" },
      { type: "Normal", reason: "SparkExecutorRunning", message: "Executor pi-exec-2 is running" },
    ]);
    assert.equal(result.sparkApplicationId, "spark-app-1");
  });

  it("emits events only for changes", () => {
    const result = track({
      previous: { "pi-exec-1": "RUNNING", "pi-exec-2": "PENDING" },
      pods: [executor("pi-exec-1", "Running"), executor("pi-exec-2", "Running")],
    });
    assert.deepEqual(reasons(result.events), ["SparkExecutorRunning"]);
    assert.match(result.events[0]?.message ?? "", /pi-exec-2/);
  });

  it("reports a failed executor's exit code, reason and pod message", () => {
    const failed = executor("pi-exec-1", "Failed", "spark-app-1", {
      terminated: { exitCode: 137, reason: "OOMKilled" },
      message: "container exceeded its memory limit",
    });
    const result = track({ previous: { "pi-exec-1": "RUNNING" }, pods: [failed] });
    assert.deepEqual(result.events, [
      {
        type: "Warning",
        reason: "SparkExecutorFailed",
        message:
          "Executor pi-exec-1 failed with ExitCode: 137, Reason: OOMKilled, Pod Message: container exceeded its memory limit",
      },
    ]);
  });

  it("reports completed and unknown executors", () => {
    const result = track({
      previous: { "pi-exec-1": "RUNNING", "pi-exec-2": "RUNNING" },
      pods: [executor("pi-exec-1", "Succeeded"), executor("pi-exec-2", "Unknown")],
    });
    assert.deepEqual(
      result.events.map((e) => [e.type, e.reason]),
      [
        ["Normal", "SparkExecutorCompleted"],
        ["Warning", "SparkExecutorUnknown"],
      ],
    );
  });

  it("keeps finished executors whose pods are gone", () => {
    const result = track({ previous: { "pi-exec-1": "COMPLETED", "pi-exec-2": "FAILED" } });
    assert.deepEqual(result.executorState, { "pi-exec-1": "COMPLETED", "pi-exec-2": "FAILED" });
    assert.deepEqual(result.events, []);
  });

  it("infers the state of vanished executors from the application state", () => {
    const previous = { "pi-exec-1": "RUNNING" };
    const stateWhen = (appState: string) => track({ previous, appState }).executorState?.["pi-exec-1"];
    assert.equal(stateWhen("RUNNING"), "UNKNOWN");
    assert.equal(stateWhen("SUBMITTED"), "UNKNOWN");
    assert.equal(stateWhen("SUCCEEDING"), "COMPLETED");
    assert.equal(stateWhen("COMPLETED"), "COMPLETED");
    assert.equal(stateWhen("FAILING"), "FAILED");
    assert.equal(stateWhen("FAILED"), "FAILED");
    const result = track({ previous, appState: "FAILING" });
    assert.deepEqual(result.events, [
      {
        type: "Warning",
        reason: "SparkExecutorFailed",
        message: "Executor pi-exec-1 failed (pod no longer exists)",
      },
    ]);
  });

  it("does not repeat the event of an executor still missing", () => {
    const result = track({ previous: { "pi-exec-1": "UNKNOWN" }, appState: "RUNNING" });
    assert.deepEqual(result.executorState, { "pi-exec-1": "UNKNOWN" });
    assert.deepEqual(result.events, []);
  });

  it("ignores executors of another run and pods that are not executors", () => {
    const result = track({
      pods: [
        executor("old-exec-1", "Running", "spark-app-0"),
        driver("Running"),
        executor("pi-exec-1", "Running"),
      ],
    });
    assert.deepEqual(result.executorState, { "pi-exec-1": "RUNNING" });
  });

  it("returns no map when there are no executors", () => {
    assert.equal(track({}).executorState, undefined);
  });
});

describe("the tracked-executor cap", () => {
  it("drops the oldest finished executors first", () => {
    const result = track({
      maxTrackedExecutors: 3,
      previous: { "pi-exec-1": "COMPLETED", "pi-exec-2": "FAILED", "pi-exec-3": "UNKNOWN" },
      pods: [executor("pi-exec-4", "Running"), executor("pi-exec-10", "Running")],
      appState: "RUNNING",
    });
    assert.deepEqual(result.executorState, {
      "pi-exec-10": "RUNNING",
      "pi-exec-3": "UNKNOWN",
      "pi-exec-4": "RUNNING",
    });
  });

  it("leaves out the newest live executors when live ones alone exceed it, without events for them", () => {
    const pods = [1, 2, 3, 4, 5].map((n) => executor(`pi-exec-${n}`, "Running"));
    const result = track({ maxTrackedExecutors: 3, pods });
    assert.deepEqual(Object.keys(result.executorState ?? {}), ["pi-exec-1", "pi-exec-2", "pi-exec-3"]);
    assert.deepEqual(
      result.events.map((event) => event.message),
      ["Executor pi-exec-1 is running", "Executor pi-exec-2 is running", "Executor pi-exec-3 is running"],
    );
  });

  it("is stable: the same observation leaves the same executors out, with no new events", () => {
    const pods = [1, 2, 3, 4, 5].map((n) => executor(`pi-exec-${n}`, "Running"));
    const first = track({ maxTrackedExecutors: 3, pods });
    const second = track({ maxTrackedExecutors: 3, pods, previous: first.executorState });
    assert.deepEqual(second.executorState, first.executorState);
    assert.deepEqual(second.events, []);
  });

  it("makes room for live executors as old ones finish", () => {
    const pods = [1, 2, 3, 4].map((n) => executor(`pi-exec-${n}`, n <= 2 ? "Succeeded" : "Running"));
    const result = track({ maxTrackedExecutors: 2, pods });
    assert.deepEqual(result.executorState, { "pi-exec-3": "RUNNING", "pi-exec-4": "RUNNING" });
  });

  it("is off when 0 or less", () => {
    const pods = [1, 2, 3].map((n) => executor(`pi-exec-${n}`, "Running"));
    assert.equal(Object.keys(track({ maxTrackedExecutors: 0, pods }).executorState ?? {}).length, 3);
  });

  it("bounds the status of a running application in decide", () => {
    const app = sparkApp({ status: runStatus("RUNNING", { sparkApplicationId: "spark-app-1" }) });
    const pods = Array.from({ length: 50 }, (_, i) => executor(`pi-exec-${i + 1}`, "Running"));
    const config = { ...inputFor(app).config, maxTrackedExecutors: 10 };
    const decision = decide(
      inputFor(app, { driverPod: driver("Running"), executorPods: pods, uiServicePresent: true, config }),
    );
    assert.equal(Object.keys(decision.status?.executorState ?? {}).length, 10);
    assert.equal(decision.events.length, 10);
  });
});
