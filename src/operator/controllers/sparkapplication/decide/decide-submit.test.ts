import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { afterSubmit } from "./after-submit.js";
import { decide } from "./decide.js";
import type { SubmitAction } from "./decision.js";
import {
  applyDecision,
  at,
  driver,
  inputFor,
  iso,
  reasons,
  runStatus,
  sparkApp,
  stateOfApp,
  T0,
} from "./fixtures.test-helpers.js";
import { SPEC_HASH_ANNOTATION, specHash } from "./spec-hash.js";

const submitOf = (actions: readonly { kind: string }[]) =>
  actions.find((action): action is SubmitAction => action.kind === "submit");

describe("a new application", () => {
  it("is submitted, the spec hash recorded first, with SparkApplicationAdded", () => {
    const app = sparkApp();
    const decision = decide(inputFor(app));
    assert.equal(decision.status, undefined, "the submission outcome sets the status");
    assert.deepEqual(decision.actions, [
      { kind: "recordSpecHash", annotation: SPEC_HASH_ANNOTATION, hash: specHash(app.spec) },
      { kind: "submit", attempt: 1, driverPodName: "pi-driver", requestedAt: T0 },
    ]);
    assert.deepEqual(reasons(decision.events), ["SparkApplicationAdded"]);
  });

  it("is submitted when it has no status at all, or an empty state", () => {
    const bare = decide(inputFor(sparkApp()));
    const empty = decide(inputFor(sparkApp({ status: { applicationState: { state: "" } } })));
    assert.deepEqual(bare.actions, empty.actions);
  });

  it("uses spec.driver.podName, then sparkConf spark.kubernetes.driver.pod.name", () => {
    const named = sparkApp({ spec: { driver: { podName: "my-driver" } } });
    const conf = sparkApp({ spec: { sparkConf: { "spark.kubernetes.driver.pod.name": "conf-driver" } } });
    assert.equal(submitOf(decide(inputFor(named)).actions)?.driverPodName, "my-driver");
    assert.equal(submitOf(decide(inputFor(conf)).actions)?.driverPodName, "conf-driver");
  });

  it("becomes SUBMITTED after a successful submission", () => {
    const app = sparkApp();
    const decision = decide(inputFor(app));
    const outcome = afterSubmit(app, decision.status ?? app.status, submitOf(decision.actions)!, {
      ok: true,
      submissionId: "uuid-1",
    });
    assert.deepEqual(outcome.status, {
      applicationState: { state: "SUBMITTED" },
      submissionID: "uuid-1",
      lastSubmissionAttemptTime: iso(T0),
      submissionAttempts: 1,
      executionAttempts: 1,
      driverInfo: { podName: "pi-driver" },
    });
    assert.deepEqual(outcome.events, [
      {
        type: "Normal",
        reason: "SparkApplicationSubmitted",
        message: "SparkApplication pi was submitted successfully",
      },
    ]);
    assert.equal(outcome.requeueAfterMs, 0);
  });

  it("becomes SUBMISSION_FAILED with the error after a failed submission", () => {
    const app = sparkApp();
    const decision = decide(inputFor(app));
    const outcome = afterSubmit(app, app.status, submitOf(decision.actions)!, {
      ok: false,
      error: "pods is forbidden: exceeded quota",
    });
    assert.deepEqual(outcome.status.applicationState, {
      state: "SUBMISSION_FAILED",
      errorMessage: "pods is forbidden: exceeded quota",
    });
    assert.equal(outcome.status.submissionAttempts, 1);
    assert.equal(outcome.status.executionAttempts, undefined, "nothing ran");
    assert.equal(outcome.status.lastSubmissionAttemptTime, iso(T0));
    assert.equal(outcome.status.driverInfo?.podName, "pi-driver");
    assert.deepEqual(outcome.events, [
      {
        type: "Warning",
        reason: "SparkApplicationSubmissionFailed",
        message: "failed to submit SparkApplication pi: pods is forbidden: exceeded quota",
      },
    ]);
  });

  it("a missing service account: the status and the event name the fix", () => {
    const app = sparkApp();
    const outcome = afterSubmit(app, app.status, submitOf(decide(inputFor(app)).actions)!, {
      ok: false,
      error:
        'pods "pi-driver" is forbidden: error looking up service account ns/spark: serviceaccount "spark" not found',
    });
    const message = outcome.status.applicationState?.errorMessage ?? "";
    assert.match(message, /^pods "pi-driver" is forbidden: .*serviceaccount "spark" not found; hint: /);
    assert.match(message, /`kubectl apply -n ns -f examples\/spark-rbac\.yaml`/);
    assert.match(message, /`spec\.driver\.serviceAccount`/);
    assert.ok(outcome.events[0]?.message.endsWith(message));
  });

  it("records the driver pod name and application id the submitter reports", () => {
    const app = sparkApp();
    const action = submitOf(decide(inputFor(app)).actions)!;
    const outcome = afterSubmit(app, undefined, action, {
      ok: true,
      submissionId: "uuid-1",
      driverPodName: "pi-abc-driver",
      sparkApplicationId: "spark-0123",
    });
    assert.equal(outcome.status.driverInfo?.podName, "pi-abc-driver");
    assert.equal(outcome.status.sparkApplicationId, "spark-0123");
  });

  it("fails submission without submitting when validation fails, naming the fields", () => {
    const app = sparkApp();
    const decision = decide(
      inputFor(app, {
        validationErrors: [
          { field: "spec.driver.cores", message: "must be at least 1" },
          { field: 'spec.sparkConf["spark.driver.host"]', message: "is set by the operator" },
        ],
      }),
    );
    assert.equal(submitOf(decision.actions), undefined);
    assert.deepEqual(decision.actions, [
      { kind: "recordSpecHash", annotation: SPEC_HASH_ANNOTATION, hash: specHash(app.spec) },
    ]);
    assert.deepEqual(decision.status?.applicationState, {
      state: "SUBMISSION_FAILED",
      errorMessage:
        'invalid SparkApplication: spec.driver.cores: must be at least 1; spec.sparkConf["spark.driver.host"]: is set by the operator',
    });
    assert.equal(decision.status?.submissionAttempts, 1);
    assert.deepEqual(reasons(decision.events), ["SparkApplicationAdded", "SparkApplicationSubmissionFailed"]);
    assert.equal(decision.events[1]?.type, "Warning");
    assert.equal(decision.requeueAfterMs, 0);
  });

  it("takes over a driver pod it owns instead of submitting twice", () => {
    const app = sparkApp();
    const ownDriver = driver("Pending", { submissionId: "uuid-lost" });
    ownDriver.metadata!.ownerReferences = [
      { apiVersion: "sparkoperator.k8s.io/v1beta2", kind: "SparkApplication", name: "pi", uid: "app-uid" },
    ];
    const decision = decide(inputFor(app, { driverPod: ownDriver }));
    assert.equal(submitOf(decision.actions), undefined);
    assert.equal(decision.status?.applicationState?.state, "SUBMITTED");
    assert.equal(decision.status?.submissionID, "uuid-lost");
    assert.equal(decision.status?.executionAttempts, 1);
    assert.deepEqual(reasons(decision.events), ["SparkApplicationAdded", "SparkApplicationSubmitted"]);
    assert.deepEqual(
      decision.actions.map((a) => a.kind),
      ["recordSpecHash"],
    );
  });

  it("takes over an owned driver pod without a submission id label, leaving the id unset", () => {
    const ownDriver = driver("Running");
    delete ownDriver.metadata!.labels!["sparkoperator.k8s.io/submission-id"];
    ownDriver.metadata!.ownerReferences = [
      { apiVersion: "sparkoperator.k8s.io/v1beta2", kind: "SparkApplication", name: "pi", uid: "app-uid" },
    ];
    const decision = decide(inputFor(sparkApp(), { driverPod: ownDriver }));
    assert.equal(decision.status?.applicationState?.state, "SUBMITTED");
    assert.equal("submissionID" in (decision.status ?? {}), false);
  });

  it("waits for the terminating driver pod of a deleted namesake", () => {
    const leftover = driver("Running", { deleting: true });
    const decision = decide(inputFor(sparkApp(), { driverPod: leftover }));
    assert.deepEqual(decision, { actions: [], events: [], requeueAfterMs: 1000 });
  });

  it("submits despite a foreign pod of the same name; the submitter reports the conflict", () => {
    const decision = decide(inputFor(sparkApp(), { driverPod: driver("Running") }));
    assert.ok(submitOf(decision.actions));
  });
});

describe("SUBMISSION_FAILED", () => {
  const failedSubmission = (attempts: number, spec = {}) =>
    sparkApp({
      spec,
      status: {
        applicationState: { state: "SUBMISSION_FAILED", errorMessage: "boom" },
        submissionAttempts: attempts,
        lastSubmissionAttemptTime: iso(T0),
        driverInfo: { podName: "pi-driver" },
      },
    });
  const onFailure = (retries: number, interval = 10) => ({
    restartPolicy: {
      type: "OnFailure" as const,
      onSubmissionFailureRetries: retries,
      onSubmissionFailureRetryInterval: interval,
    },
  });

  it("fails for good under Never, with terminationTime and a Warning", () => {
    const decision = decide(inputFor(failedSubmission(1), { now: at(30) }));
    assert.deepEqual(decision.status?.applicationState, { state: "FAILED", errorMessage: "boom" });
    assert.equal(decision.status?.terminationTime, iso(at(30)));
    assert.deepEqual(decision.events, [
      { type: "Warning", reason: "SparkApplicationFailed", message: "SparkApplication pi failed: boom" },
    ]);
    assert.deepEqual(decision.actions, []);
  });

  it("waits interval x submission attempts before retrying", () => {
    const app = failedSubmission(2, onFailure(3));
    const decision = decide(inputFor(app, { now: at(15) }));
    assert.deepEqual(decision, { actions: [], events: [], requeueAfterMs: 5000 });
  });

  it("resubmits once the backoff has passed", () => {
    const app = failedSubmission(2, onFailure(3));
    const decision = decide(inputFor(app, { now: at(20) }));
    assert.equal(decision.status, undefined);
    assert.deepEqual(submitOf(decision.actions), {
      kind: "submit",
      attempt: 3,
      driverPodName: "pi-driver",
      requestedAt: at(20),
    });
    const next = applyDecision(app, decision).app;
    assert.equal(stateOfApp(next), "SUBMITTED");
    assert.equal(next.status?.submissionAttempts, 3);
    assert.equal(next.status?.executionAttempts, 1);
  });

  it("deletes what the failed submission left before resubmitting", () => {
    const app = failedSubmission(1, onFailure(3));
    const decision = decide(inputFor(app, { now: at(60), driverPod: driver("Pending") }));
    assert.equal(submitOf(decision.actions), undefined);
    assert.deepEqual(decision.actions, [
      {
        kind: "deleteDriverResources",
        driverPodName: "pi-driver",
        uiServiceName: "pi-ui-svc",
        sparkApplicationId: "spark-app-1",
        submissionId: undefined,
      },
    ]);
    assert.equal(decision.requeueAfterMs, 1000);
  });

  it("fails once the submission retries are used up", () => {
    const decision = decide(inputFor(failedSubmission(4, onFailure(3)), { now: at(600) }));
    assert.equal(decision.status?.applicationState?.state, "FAILED");
  });

  it("retries forever under Always", () => {
    const app = failedSubmission(50, {
      restartPolicy: { type: "Always", onSubmissionFailureRetryInterval: 1 },
    });
    assert.ok(submitOf(decide(inputFor(app, { now: at(50) })).actions));
  });

  it("fails at once while the spec is invalid: resubmitting it cannot succeed", () => {
    const app = failedSubmission(1, { restartPolicy: { type: "Always" } });
    const decision = decide(
      inputFor(app, { now: at(60), validationErrors: [{ field: "spec.image", message: "is required" }] }),
    );
    assert.equal(decision.status?.applicationState?.state, "FAILED");
    assert.deepEqual(reasons(decision.events), ["SparkApplicationFailed"]);
  });
});

describe("PENDING_RERUN", () => {
  const pendingRerun = () =>
    sparkApp({
      status: { applicationState: { state: "PENDING_RERUN" }, submissionAttempts: 1, executionAttempts: 1 },
    });

  it("deletes the previous driver pod and waits while it exists", () => {
    const decision = decide(inputFor(pendingRerun(), { driverPod: driver("Failed", { deleting: true }) }));
    assert.deepEqual(
      decision.actions.map((action) => action.kind),
      ["deleteDriverResources"],
    );
    assert.equal(decision.requeueAfterMs, 1000);
    assert.equal(decision.status, undefined);
  });

  it("waits while the UI service exists", () => {
    const decision = decide(inputFor(pendingRerun(), { uiServicePresent: true }));
    assert.deepEqual(
      decision.actions.map((action) => action.kind),
      ["deleteDriverResources"],
    );
  });

  it("resubmits once both are gone, counting the new attempt", () => {
    const app = pendingRerun();
    const decision = decide(inputFor(app, { now: at(5) }));
    assert.deepEqual(submitOf(decision.actions)?.attempt, 2);
    const next = applyDecision(app, decision).app;
    assert.equal(stateOfApp(next), "SUBMITTED");
    assert.equal(next.status?.executionAttempts, 2);
    assert.equal(next.status?.submissionAttempts, 2);
    assert.equal(next.status?.lastSubmissionAttemptTime, iso(at(5)));
  });

  it("fails the submission when the spec has become invalid", () => {
    const decision = decide(
      inputFor(pendingRerun(), {
        validationErrors: [{ field: "spec.mainApplicationFile", message: "is required" }],
      }),
    );
    assert.equal(decision.status?.applicationState?.state, "SUBMISSION_FAILED");
    assert.match(
      decision.status?.applicationState?.errorMessage ?? "",
      /spec\.mainApplicationFile: is required/,
    );
  });
});

describe("afterSubmit", () => {
  it("clears the error and termination time of the previous attempt", () => {
    const previous = runStatus("SUBMISSION_FAILED", {
      applicationState: { state: "SUBMISSION_FAILED", errorMessage: "old" },
      terminationTime: iso(T0),
    });
    const action: SubmitAction = {
      kind: "submit",
      attempt: 2,
      driverPodName: "pi-driver",
      requestedAt: at(10),
    };
    const { status } = afterSubmit(sparkApp(), previous, action, { ok: true, submissionId: "sub-2" });
    assert.deepEqual(status.applicationState, { state: "SUBMITTED" });
    assert.equal(status.terminationTime, undefined);
    assert.equal(status.submissionID, "sub-2");
    assert.equal(status.executionAttempts, 2);
  });

  it("keeps the previous submission id when a failed submission got none", () => {
    const action: SubmitAction = {
      kind: "submit",
      attempt: 2,
      driverPodName: "pi-driver",
      requestedAt: at(10),
    };
    const { status } = afterSubmit(sparkApp(), runStatus("SUBMISSION_FAILED"), action, {
      ok: false,
      error: "x",
    });
    assert.equal(status.submissionID, "sub-1");
  });
});
