import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SparkApplicationStatus } from "../../api/v1beta2/sparkapplication.js";
import { appTransitionObservations, executorPhaseCounter } from "./transitions.js";

const T0 = Date.parse("2026-01-01T00:00:00Z");
const iso = (secondsAfterT0: number) => new Date(T0 + secondsAfterT0 * 1000).toISOString();
const st = (state: string, extra: Partial<SparkApplicationStatus> = {}): SparkApplicationStatus =>
  ({ applicationState: { state }, ...extra }) as SparkApplicationStatus;
const observe = (
  before: SparkApplicationStatus | undefined,
  after: SparkApplicationStatus | undefined,
  nowSeconds = 10,
) => appTransitionObservations(iso(0), before, after, T0 + nowSeconds * 1000);

describe("appTransitionObservations (kubeflow's HandleSparkApplicationUpdate)", () => {
  it("a new app's first submission: count, submit and the submit latency from creation", () => {
    assert.deepEqual(observe(undefined, st("SUBMITTED", { submissionAttempts: 1 }), 3), [
      { kind: "counter", counter: "count" },
      { kind: "counter", counter: "submit" },
      { kind: "duration", duration: "submitLatency", seconds: 3 },
    ]);
  });

  it("a resubmission counts a submit but neither the app again nor a latency", () => {
    assert.deepEqual(
      observe(st("PENDING_RERUN", { submissionAttempts: 1 }), st("SUBMITTED", { submissionAttempts: 2 })),
      [{ kind: "counter", counter: "submit" }],
    );
  });

  it("an app back in the empty state after submissions is not counted as a new app", () => {
    assert.deepEqual(observe(st("", { submissionAttempts: 2 }), st("SUBMITTED", { submissionAttempts: 3 })), [
      { kind: "counter", counter: "submit" },
    ]);
  });

  it("an invalid new app that fails at once counts as an app and a failure", () => {
    const out = observe(undefined, st("FAILED"));
    assert.deepEqual(out, [
      { kind: "counter", counter: "count" },
      { kind: "counter", counter: "failure" },
    ]);
  });

  it("a failed submission", () => {
    assert.deepEqual(observe(undefined, st("SUBMISSION_FAILED", { submissionAttempts: 1 })), [
      { kind: "counter", counter: "count" },
      { kind: "counter", counter: "failedSubmission" },
    ]);
  });

  it("RUNNING on the first execution attempt records the start latency from creation; later attempts do not", () => {
    assert.deepEqual(observe(st("SUBMITTED"), st("RUNNING", { executionAttempts: 1 }), 42), [
      { kind: "duration", duration: "startLatency", seconds: 42 },
    ]);
    assert.deepEqual(observe(st("SUBMITTED"), st("RUNNING", { executionAttempts: 2 })), []);
  });

  it("COMPLETED / FAILED: the counter and the execution time from the last submission attempt to termination", () => {
    const end = { lastSubmissionAttemptTime: iso(5), terminationTime: iso(65) };
    assert.deepEqual(observe(st("SUCCEEDING"), st("COMPLETED", end), 100), [
      { kind: "counter", counter: "success" },
      { kind: "duration", duration: "successExecutionTime", seconds: 60 },
    ]);
    assert.deepEqual(observe(st("FAILING"), st("FAILED", end), 100), [
      { kind: "counter", counter: "failure" },
      { kind: "duration", duration: "failureExecutionTime", seconds: 60 },
    ]);
  });

  it("without a terminationTime the execution time ends now; without a submission time there is none", () => {
    assert.deepEqual(observe(st("RUNNING"), st("COMPLETED", { lastSubmissionAttemptTime: iso(4) }), 10), [
      { kind: "counter", counter: "success" },
      { kind: "duration", duration: "successExecutionTime", seconds: 6 },
    ]);
    assert.deepEqual(observe(st("RUNNING"), st("FAILED")), [{ kind: "counter", counter: "failure" }]);
  });

  it("no state change, or a change to a state kubeflow does not count, observes nothing", () => {
    assert.deepEqual(observe(st("RUNNING"), st("RUNNING", { executionAttempts: 1 })), []);
    for (const s of [
      "SUCCEEDING",
      "FAILING",
      "PENDING_RERUN",
      "INVALIDATING",
      "SUSPENDING",
      "SUSPENDED",
      "UNKNOWN",
    ]) {
      assert.deepEqual(observe(st("RUNNING"), st(s)), [], s);
    }
  });

  it("a latency is never negative (clock skew between the API server and the operator)", () => {
    const [, , latency] = observe(undefined, st("SUBMITTED", { submissionAttempts: 1 }), -2);
    assert.deepEqual(latency, { kind: "duration", duration: "submitLatency", seconds: 0 });
  });
});

describe("executorPhaseCounter (kubeflow's HandleSparkExecutorUpdate)", () => {
  it("counts a change to Succeeded or Failed, once", () => {
    assert.equal(executorPhaseCounter("Running", "Succeeded"), "success");
    assert.equal(executorPhaseCounter("Pending", "Failed"), "failure");
    assert.equal(executorPhaseCounter(undefined, "Failed"), "failure");
    assert.equal(executorPhaseCounter("Failed", "Failed"), undefined);
    assert.equal(executorPhaseCounter("Pending", "Running"), undefined);
    assert.equal(executorPhaseCounter("Running", "Unknown"), undefined);
  });
});
