import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AppState } from "../../../../api/v1beta2/constants.js";
import type { SparkApplicationSpec } from "../../../../api/v1beta2/sparkapplication.js";
import { decide } from "./decide.js";
import {
  applyDecision,
  at,
  driver,
  executor,
  inputFor,
  iso,
  reasons,
  runStatus,
  sparkApp,
  stateOfApp,
  T0,
} from "./fixtures.test-helpers.js";
import { SPEC_HASH_ANNOTATION, specHash } from "./spec-hash.js";

const inState = (state: AppState, spec: Partial<SparkApplicationSpec> = {}, extra = {}) =>
  sparkApp({ spec, status: runStatus(state, extra) });

/** An application whose recorded hash is of `recorded`, while its spec is now `current`. */
const edited = (
  state: AppState,
  recorded: Partial<SparkApplicationSpec>,
  current: Partial<SparkApplicationSpec>,
) => {
  const before = sparkApp({ spec: recorded, status: runStatus(state) });
  const after = sparkApp({ spec: current, status: runStatus(state) });
  after.metadata.annotations = { ...before.metadata.annotations };
  return after;
};

describe("spec changes", () => {
  const changedStates: AppState[] = [
    "SUBMITTED",
    "RUNNING",
    "UNKNOWN",
    "SUCCEEDING",
    "FAILING",
    "SUBMISSION_FAILED",
    "COMPLETED",
    "FAILED",
  ];
  for (const state of changedStates) {
    it(`invalidate a ${state} application`, () => {
      const app = edited(state, { arguments: ["1"] }, { arguments: ["2"] });
      const decision = decide(inputFor(app, { driverPod: driver("Running") }));
      assert.equal(decision.status?.applicationState?.state, "INVALIDATING");
      assert.deepEqual(decision.actions, []);
      assert.equal(decision.requeueAfterMs, 0);
    });
  }

  for (const state of ["PENDING_RERUN", "SUSPENDED", "RESUMING", "INVALIDATING"] as AppState[]) {
    it(`leave a ${state} application alone: its next submission uses the new spec`, () => {
      const app = edited(state, { arguments: ["1"] }, { arguments: ["2"] });
      const decision = decide(inputFor(app));
      assert.notEqual(decision.status?.applicationState?.state, "INVALIDATING");
    });
  }

  it("ignore suspend and timeToLiveSeconds", () => {
    const app = edited("RUNNING", {}, { timeToLiveSeconds: 60 });
    const decision = decide(inputFor(app, { driverPod: driver("Running"), uiServicePresent: true }));
    assert.equal(decision.status?.applicationState?.state ?? "RUNNING", "RUNNING");
  });

  it("INVALIDATING cleans up, resets the counters and goes PENDING_RERUN", () => {
    const app = inState(
      "INVALIDATING",
      {},
      {
        sparkApplicationId: "spark-app-1",
        executorState: { "pi-exec-1": "RUNNING" },
        submissionAttempts: 3,
        executionAttempts: 2,
        terminationTime: iso(T0),
      },
    );
    const decision = decide(inputFor(app));
    assert.deepEqual(decision.status, {
      applicationState: { state: "PENDING_RERUN" },
      submissionID: "sub-1",
      submissionAttempts: 0,
      executionAttempts: 0,
    });
    assert.deepEqual(decision.actions, [
      {
        kind: "deleteDriverResources",
        driverPodName: "pi-driver",
        uiServiceName: "pi-ui-svc",
        sparkApplicationId: "spark-app-1",
        submissionId: "sub-1",
      },
    ]);
    assert.deepEqual(reasons(decision.events), ["SparkApplicationPendingRerun"]);
    assert.match(decision.events[0]?.message ?? "", /the spec changed/);
  });

  it("are submitted once the old run is gone, recording the new hash before submitting", () => {
    let app = edited("RUNNING", { arguments: ["1"] }, { arguments: ["2"] });
    app = applyDecision(app, decide(inputFor(app, { driverPod: driver("Running") }))).app;
    app = applyDecision(app, decide(inputFor(app, { driverPod: driver("Running") }))).app;
    assert.equal(stateOfApp(app), "PENDING_RERUN");
    const decision = decide(inputFor(app, { now: at(1) }));
    assert.deepEqual(
      decision.actions.map((action) => action.kind),
      ["recordSpecHash", "submit"],
    );
    app = applyDecision(app, decision).app;
    assert.equal(app.metadata.annotations?.[SPEC_HASH_ANNOTATION], specHash(app.spec));
    assert.equal(stateOfApp(app), "SUBMITTED");
    assert.equal(app.status?.submissionAttempts, 1);
    assert.equal(app.status?.executionAttempts, 1);
  });

  it("a running application found without a recorded hash adopts the current one, without a restart", () => {
    const app = sparkApp({ status: runStatus("RUNNING"), hashRecorded: false });
    const decision = decide(inputFor(app, { driverPod: driver("Running"), uiServicePresent: true }));
    assert.deepEqual(decision.actions, [
      { kind: "recordSpecHash", annotation: SPEC_HASH_ANNOTATION, hash: specHash(app.spec) },
    ]);
    assert.equal(decision.status?.applicationState?.state ?? "RUNNING", "RUNNING");
  });

  it("a hash written by another hash version counts as absent, not as a change", () => {
    const app = sparkApp({
      status: runStatus("RUNNING"),
      hashRecorded: false,
      annotations: { [SPEC_HASH_ANNOTATION]: "v0:0123" },
    });
    const decision = decide(inputFor(app, { driverPod: driver("Running"), uiServicePresent: true }));
    assert.deepEqual(
      decision.actions.map((action) => action.kind),
      ["recordSpecHash"],
    );
    assert.equal(decision.status?.applicationState?.state ?? "RUNNING", "RUNNING");
  });
});

describe("time to live", () => {
  const terminated = (
    state: "COMPLETED" | "FAILED",
    ttl?: number,
    terminationTime: string | null = iso(T0),
  ) =>
    sparkApp({
      spec: ttl === undefined ? {} : { timeToLiveSeconds: ttl },
      status: runStatus(state, terminationTime === null ? {} : { terminationTime }),
    });

  it("asks to be woken when the TTL expires", () => {
    assert.deepEqual(decide(inputFor(terminated("COMPLETED", 60), { now: at(45) })), {
      actions: [],
      events: [],
      requeueAfterMs: 15_000,
    });
  });

  it("deletes the application once the TTL has passed", () => {
    assert.deepEqual(decide(inputFor(terminated("FAILED", 60), { now: at(60) })).actions, [
      { kind: "deleteApp" },
    ]);
    assert.deepEqual(decide(inputFor(terminated("COMPLETED", 0), { now: T0 })).actions, [
      { kind: "deleteApp" },
    ]);
  });

  it("keeps the application forever without a TTL", () => {
    assert.deepEqual(decide(inputFor(terminated("COMPLETED"), { now: at(1e6) })), {
      actions: [],
      events: [],
    });
  });

  it("applies the operator's default TTL when the spec has none", () => {
    const config = { ...inputFor(terminated("COMPLETED")).config, defaultTimeToLiveSeconds: 3600 };
    assert.equal(
      decide(inputFor(terminated("COMPLETED"), { now: at(600), config })).requeueAfterMs,
      3_000_000,
    );
    const withOwn = decide(inputFor(terminated("COMPLETED", 10), { now: at(600), config }));
    assert.deepEqual(withOwn.actions, [{ kind: "deleteApp" }], "the spec's TTL wins");
  });

  it("starts the clock now for a terminated application without a termination time", () => {
    const decision = decide(inputFor(terminated("COMPLETED", 60, null), { now: at(5) }));
    assert.equal(decision.status?.terminationTime, iso(at(5)));
    assert.equal(decision.requeueAfterMs, 60_000);
  });
});

describe("executors left without their driver pod", () => {
  const finished = (state: "COMPLETED" | "FAILED") =>
    sparkApp({
      status: runStatus(state, {
        sparkApplicationId: "spark-app-1",
        terminationTime: iso(T0),
        executorState: { "pi-exec-1": "RUNNING" },
      }),
    });
  const cleanup = {
    kind: "deleteDriverResources",
    driverPodName: "pi-driver",
    uiServiceName: "pi-ui-svc",
    sparkApplicationId: "spark-app-1",
    submissionId: "sub-1",
  };

  it("are deleted once the app is terminal: the app, their second owner, keeps them from the garbage collector", () => {
    for (const state of ["COMPLETED", "FAILED"] as const) {
      const decision = decide(
        inputFor(finished(state), { executorPods: [executor("pi-exec-1", "Running")], now: at(1) }),
      );
      assert.deepEqual(decision.actions, [cleanup], state);
    }
  });

  it("are left alone while the driver pod exists, or once they are being deleted", () => {
    const withDriver = decide(
      inputFor(finished("COMPLETED"), {
        driverPod: driver("Succeeded", { terminated: { exitCode: 0 } }),
        executorPods: [executor("pi-exec-1", "Running")],
        now: at(1),
      }),
    );
    assert.deepEqual(withDriver.actions, [], "kept, e.g. with deleteOnTermination=false");
    const deleting = decide(
      inputFor(finished("FAILED"), {
        executorPods: [executor("pi-exec-1", "Running", "spark-app-1", { deleting: true })],
        now: at(1),
      }),
    );
    assert.deepEqual(deleting.actions, []);
  });
});

describe("suspend and resume", () => {
  const suspendable: AppState[] = [
    "",
    "SUBMITTED",
    "RUNNING",
    "UNKNOWN",
    "SUCCEEDING",
    "FAILING",
    "SUBMISSION_FAILED",
    "PENDING_RERUN",
    "INVALIDATING",
    "RESUMING",
  ];
  for (const state of suspendable) {
    it(`suspend=true moves ${state || "a new application"} to SUSPENDING`, () => {
      const app = state === "" ? sparkApp({ spec: { suspend: true } }) : inState(state, { suspend: true });
      const decision = decide(inputFor(app, { driverPod: driver("Running") }));
      assert.equal(decision.status?.applicationState?.state, "SUSPENDING");
      assert.deepEqual(
        decision.actions.filter((action) => action.kind !== "recordSpecHash"),
        [],
      );
      const expected =
        state === ""
          ? ["SparkApplicationAdded", "SparkApplicationSuspending"]
          : ["SparkApplicationSuspending"];
      assert.deepEqual(reasons(decision.events), expected);
      assert.equal(decision.requeueAfterMs, 0);
    });
  }

  for (const state of ["COMPLETED", "FAILED"] as AppState[]) {
    it(`suspend=true leaves a ${state} application alone`, () => {
      const app = inState(state, { suspend: true }, { terminationTime: iso(T0) });
      assert.deepEqual(decide(inputFor(app)), { actions: [], events: [] });
    });
  }

  it("SUSPENDING deletes the run and waits until driver, UI service and executors are gone", () => {
    const app = inState("SUSPENDING", { suspend: true }, { sparkApplicationId: "spark-app-1" });
    for (const observed of [
      { driverPod: driver("Running") },
      { uiServicePresent: true },
      { executorPods: [executor("pi-exec-1", "Running")] },
    ]) {
      const decision = decide(inputFor(app, observed));
      assert.deepEqual(
        decision.actions.map((action) => action.kind),
        ["deleteDriverResources"],
      );
      assert.equal(decision.requeueAfterMs, 1000);
      assert.equal(decision.status, undefined);
    }
  });

  it("SUSPENDING becomes SUSPENDED once everything is gone, forgetting the run", () => {
    const app = inState(
      "SUSPENDING",
      { suspend: true },
      { sparkApplicationId: "spark-app-1", executorState: { e: "RUNNING" } },
    );
    const decision = decide(inputFor(app));
    assert.deepEqual(decision.status, {
      applicationState: { state: "SUSPENDED" },
      submissionID: "sub-1",
      lastSubmissionAttemptTime: iso(T0),
      submissionAttempts: 1,
      executionAttempts: 1,
    });
    assert.deepEqual(decision.events, [
      { type: "Normal", reason: "SparkApplicationSuspended", message: "SparkApplication pi is suspended" },
    ]);
  });

  it("SUSPENDED stays while suspend=true", () => {
    assert.deepEqual(decide(inputFor(inState("SUSPENDED", { suspend: true }))), { actions: [], events: [] });
  });

  it("suspend=false moves SUSPENDED to RESUMING, which submits", () => {
    let app = inState("SUSPENDED", { suspend: false });
    const resuming = decide(inputFor(app));
    assert.equal(resuming.status?.applicationState?.state, "RESUMING");
    assert.deepEqual(reasons(resuming.events), ["SparkApplicationResuming"]);
    app = applyDecision(app, resuming).app;
    const submit = decide(inputFor(app, { now: at(1) }));
    assert.deepEqual(
      submit.actions.map((action) => action.kind),
      ["recordSpecHash", "submit"],
    );
    app = applyDecision(app, submit).app;
    assert.equal(stateOfApp(app), "SUBMITTED");
    assert.equal(app.status?.submissionAttempts, 2);
  });

  it("RESUMING waits for leftovers before submitting", () => {
    const decision = decide(inputFor(inState("RESUMING"), { uiServicePresent: true }));
    assert.deepEqual(
      decision.actions.map((action) => action.kind),
      ["deleteDriverResources"],
    );
  });
});

describe("deletion of the application", () => {
  it("deletes what still runs, and waits for it to go", () => {
    const app = sparkApp({ status: runStatus("RUNNING"), deleting: true });
    const decision = decide(inputFor(app, { driverPod: driver("Running") }));
    assert.deepEqual(decision, {
      actions: [
        {
          kind: "deleteDriverResources",
          driverPodName: "pi-driver",
          uiServiceName: "pi-ui-svc",
          sparkApplicationId: "spark-app-1",
          submissionId: "sub-1",
        },
      ],
      events: [],
      requeueAfterMs: 1000,
    });
  });

  it("waits for executors and the UI service too", () => {
    const app = sparkApp({
      status: runStatus("RUNNING", { sparkApplicationId: "spark-app-1" }),
      deleting: true,
    });
    for (const observed of [
      { uiServicePresent: true },
      { executorPods: [executor("pi-exec-1", "Running")] },
    ]) {
      const decision = decide(inputFor(app, observed));
      assert.deepEqual(
        decision.actions.map((action) => action.kind),
        ["deleteDriverResources"],
      );
    }
  });

  it("releases the application once everything is gone, recording nothing", () => {
    const app = sparkApp({ status: runStatus("RUNNING"), deleting: true, hashRecorded: false });
    assert.deepEqual(decide(inputFor(app)), { actions: [{ kind: "finalizeDeletion" }], events: [] });
  });
});
