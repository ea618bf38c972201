import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { V1Pod } from "@kubernetes/client-node";
import type { AppState } from "../../../../api/v1beta2/constants.js";
import type { SparkApplication, SparkApplicationSpec } from "../../../../api/v1beta2/sparkapplication.js";
import { decide } from "./decide.js";
import type { AppEvent, DecideInput } from "./decision.js";
import {
  applyDecision,
  at,
  driver,
  executor,
  inputFor,
  iso,
  type Phase,
  reasons,
  runStatus,
  sparkApp,
  stateOfApp,
  T0,
} from "./fixtures.test-helpers.js";

/** One input per state and situation the state machine distinguishes. */
function scenarios(): [string, DecideInput][] {
  const running = (state: AppState, spec: Partial<SparkApplicationSpec> = {}, extra = {}) =>
    sparkApp({ spec, status: runStatus(state, { sparkApplicationId: "spark-app-1", ...extra }) });
  const executors = [executor("pi-exec-1", "Running"), executor("pi-exec-2", "Failed")];
  return [
    ["new", inputFor(sparkApp())],
    ["new, invalid", inputFor(sparkApp(), { validationErrors: [{ field: "spec.image", message: "bad" }] })],
    ["submitted, in grace", inputFor(running("SUBMITTED"), { now: at(2) })],
    ["submitted, pending", inputFor(running("SUBMITTED"), { driverPod: driver("Pending") })],
    ["running", inputFor(running("RUNNING"), { driverPod: driver("Running"), executorPods: executors })],
    ["running, driver gone", inputFor(running("RUNNING"), { now: at(60) })],
    ["unknown", inputFor(running("UNKNOWN"), { driverPod: driver("Unknown") })],
    ["succeeding", inputFor(running("SUCCEEDING"))],
    ["succeeding, Always", inputFor(running("SUCCEEDING", { restartPolicy: { type: "Always" } }))],
    ["failing", inputFor(running("FAILING"))],
    [
      "failing, backoff",
      inputFor(running("FAILING", { restartPolicy: { type: "OnFailure", onFailureRetries: 2 } }), {
        now: at(1),
      }),
    ],
    [
      "submission failed",
      inputFor(running("SUBMISSION_FAILED", { restartPolicy: { type: "Always" } }), { now: at(60) }),
    ],
    ["pending rerun", inputFor(running("PENDING_RERUN"), { driverPod: driver("Failed") })],
    ["invalidating", inputFor(running("INVALIDATING"))],
    ["suspending", inputFor(running("SUSPENDING", { suspend: true }))],
    ["suspended", inputFor(running("SUSPENDED"))],
    ["resuming", inputFor(running("RESUMING"))],
    [
      "completed, ttl",
      inputFor(running("COMPLETED", { timeToLiveSeconds: 5 }, { terminationTime: iso(T0) })),
    ],
    ["failed", inputFor(running("FAILED"), { executorPods: executors })],
    [
      "deleting",
      inputFor(sparkApp({ status: runStatus("RUNNING"), deleting: true }), { driverPod: driver("Running") }),
    ],
  ];
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

describe("decide is a pure function", () => {
  for (const [name, input] of scenarios()) {
    it(`gives the same decision twice and leaves its input alone: ${name}`, () => {
      const snapshot = structuredClone(input);
      deepFreeze(input);
      const first = decide(input);
      const second = decide(input);
      assert.deepEqual(second, first);
      assert.deepEqual(input, snapshot);
    });
  }

  it("depends on time only through now", () => {
    const input = inputFor(sparkApp({ status: runStatus("SUBMITTED") }), { now: at(3) });
    const before = decide(input);
    const later = decide({ ...input });
    assert.deepEqual(later, before);
  });
});

/** The cluster as the act layer would see it. */
interface World {
  driverPhase?: Phase;
  driverExit?: number;
  executors: [string, Phase][];
  uiService: boolean;
  deleted: boolean;
}

/**
 * Decides and applies (as the act layer would) until nothing changes any more; returns the events emitted
 * and the last decision's requeue.
 */
function settle(app: SparkApplication, world: World, now: number) {
  const events: AppEvent[] = [];
  let requeueAfterMs: number | undefined;
  for (let round = 0; round < 20; round++) {
    const driverPod: V1Pod | undefined =
      world.driverPhase === undefined
        ? undefined
        : driver(world.driverPhase, {
            submissionId: app.status?.submissionID ?? "",
            ...(world.driverExit === undefined ? {} : { terminated: { exitCode: world.driverExit } }),
          });
    const decision = decide(
      inputFor(app, {
        now,
        driverPod,
        executorPods: world.executors.map(([name, phase]) => executor(name, phase)),
        uiServicePresent: world.uiService,
      }),
    );
    const before = JSON.stringify([app, world]);
    const applied = applyDecision(app, decision, { ok: true, submissionId: `sub-${round}-${now}` });
    app = applied.app;
    events.push(...applied.events);
    for (const action of decision.actions) {
      if (action.kind === "createUIService") world.uiService = true;
      if (action.kind === "deleteApp") world.deleted = true;
      if (action.kind === "submit") world.driverPhase = undefined;
      if (action.kind === "deleteDriverResources") {
        world.driverPhase = undefined;
        world.driverExit = undefined;
        world.executors = [];
        world.uiService = false;
      }
    }
    requeueAfterMs = decision.requeueAfterMs;
    if (JSON.stringify([app, world]) === before && requeueAfterMs !== 0)
      return { app, events, requeueAfterMs };
  }
  assert.fail("the decisions never settled");
}

describe("lifecycles", () => {
  it("run once to completion and expire, each event once", () => {
    let app = sparkApp({ spec: { timeToLiveSeconds: 60 } });
    const world: World = { executors: [], uiService: false, deleted: false };

    let step = settle(app, world, T0);
    app = step.app;
    assert.equal(stateOfApp(app), "SUBMITTED");
    assert.deepEqual(reasons(step.events), ["SparkApplicationAdded", "SparkApplicationSubmitted"]);
    assert.equal(step.requeueAfterMs, 10_000, "woken when the driver grace period ends");
    assert.equal(world.uiService, true);

    Object.assign(world, {
      driverPhase: "Running",
      executors: [
        ["pi-exec-1", "Running"],
        ["pi-exec-2", "Pending"],
      ],
    });
    step = settle(app, world, at(5));
    app = step.app;
    assert.equal(stateOfApp(app), "RUNNING");
    assert.deepEqual(reasons(step.events), [
      "SparkDriverRunning",
      "SparkExecutorRunning",
      "SparkExecutorPending",
    ]);

    step = settle(app, world, at(6));
    assert.deepEqual(step.events, [], "nothing changed, nothing said");
    assert.equal(step.requeueAfterMs, undefined);

    Object.assign(world, { driverPhase: "Succeeded", driverExit: 0, executors: [] });
    step = settle(app, world, at(100));
    app = step.app;
    assert.equal(stateOfApp(app), "COMPLETED");
    assert.deepEqual(reasons(step.events), [
      "SparkDriverCompleted",
      "SparkExecutorCompleted",
      "SparkExecutorCompleted",
      "SparkApplicationCompleted",
    ]);
    assert.equal(app.status?.terminationTime, iso(at(100)));
    assert.equal(step.requeueAfterMs, 60_000);

    step = settle(app, world, at(160));
    assert.equal(world.deleted, true);
    assert.deepEqual(step.events, []);
  });

  it("retry a failing run under OnFailure, then give up", () => {
    let app = sparkApp({
      spec: { restartPolicy: { type: "OnFailure", onFailureRetries: 1, onFailureRetryInterval: 10 } },
    });
    const world: World = { executors: [], uiService: false, deleted: false };
    app = settle(app, world, T0).app;

    Object.assign(world, { driverPhase: "Failed", driverExit: 1 });
    let step = settle(app, world, at(3));
    app = step.app;
    assert.equal(stateOfApp(app), "FAILING");
    assert.equal(step.requeueAfterMs, 7000, "10 s x 1 attempt after the submission at T0");
    assert.deepEqual(reasons(step.events), ["SparkDriverFailed"]);

    step = settle(app, world, at(10));
    app = step.app;
    assert.equal(stateOfApp(app), "SUBMITTED");
    assert.deepEqual(reasons(step.events), ["SparkApplicationPendingRerun", "SparkApplicationSubmitted"]);
    assert.equal(app.status?.executionAttempts, 2);
    assert.equal(app.status?.submissionAttempts, 2);

    Object.assign(world, { driverPhase: "Failed", driverExit: 2 });
    step = settle(app, world, at(40));
    app = step.app;
    assert.equal(stateOfApp(app), "FAILED");
    assert.deepEqual(reasons(step.events), ["SparkDriverFailed", "SparkApplicationFailed"]);
    assert.match(app.status?.applicationState?.errorMessage ?? "", /ExitCode: 2/);
  });

  it("are suspended and resumed (Kueue's admission flow)", () => {
    let app = sparkApp({ spec: { suspend: true } });
    const world: World = { executors: [], uiService: false, deleted: false };
    let step = settle(app, world, T0);
    app = step.app;
    assert.equal(stateOfApp(app), "SUSPENDED");
    assert.deepEqual(reasons(step.events), [
      "SparkApplicationAdded",
      "SparkApplicationSuspending",
      "SparkApplicationSuspended",
    ]);

    app = { ...app, spec: { ...app.spec, suspend: false, executor: { instances: 5 } } };
    step = settle(app, world, at(30));
    app = step.app;
    assert.equal(stateOfApp(app), "SUBMITTED");
    assert.deepEqual(reasons(step.events), ["SparkApplicationResuming", "SparkApplicationSubmitted"]);

    Object.assign(world, { driverPhase: "Running" });
    app = settle(app, world, at(35)).app;
    app = { ...app, spec: { ...app.spec, suspend: true } };
    step = settle(app, world, at(40));
    app = step.app;
    assert.equal(stateOfApp(app), "SUSPENDED");
    assert.equal(world.driverPhase, undefined, "the run was deleted");
    assert.equal(app.status?.driverInfo, undefined);
  });

  it("restart after a spec edit, with fresh counters", () => {
    let app = sparkApp();
    const world: World = { executors: [], uiService: false, deleted: false };
    app = settle(app, world, T0).app;
    Object.assign(world, { driverPhase: "Running" });
    app = settle(app, world, at(5)).app;

    app = { ...app, spec: { ...app.spec, arguments: ["1000"] } };
    const step = settle(app, world, at(50));
    app = step.app;
    assert.equal(stateOfApp(app), "SUBMITTED");
    assert.deepEqual(reasons(step.events), ["SparkApplicationPendingRerun", "SparkApplicationSubmitted"]);
    assert.equal(app.status?.submissionAttempts, 1);
    assert.equal(app.status?.executionAttempts, 1);
  });
});
