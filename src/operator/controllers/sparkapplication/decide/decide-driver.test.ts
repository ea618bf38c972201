import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SparkApplicationSpec } from "../../../../api/v1beta2/sparkapplication.js";
import { decide } from "./decide.js";
import {
  at,
  driver,
  executor,
  inputFor,
  iso,
  reasons,
  runStatus,
  sparkApp,
  T0,
} from "./fixtures.test-helpers.js";
import { webUIAddress } from "./names.js";
import { withWebUIAddress } from "./status.js";

const submitted = (spec: Partial<SparkApplicationSpec> = {}) =>
  sparkApp({ spec, status: runStatus("SUBMITTED") });
const running = (spec: Partial<SparkApplicationSpec> = {}, extra = {}) =>
  sparkApp({
    spec,
    status: runStatus("RUNNING", {
      sparkApplicationId: "spark-app-1",
      driverInfo: {
        podName: "pi-driver",
        webUIServiceName: "pi-ui-svc",
        webUIPort: 4040,
        webUIAddress: "10.96.0.10:4040",
      },
      ...extra,
    }),
  });

describe("SUBMITTED, RUNNING and UNKNOWN follow the driver pod", () => {
  it("stays SUBMITTED while the driver is pending, creating the UI service", () => {
    const decision = decide(inputFor(submitted(), { driverPod: driver("Pending"), now: at(3) }));
    assert.equal(decision.status?.applicationState?.state, "SUBMITTED");
    assert.equal(decision.status?.sparkApplicationId, "spark-app-1");
    assert.deepEqual(
      decision.status?.driverInfo,
      { podName: "pi-driver", webUIServiceName: "pi-ui-svc", webUIPort: 4040 },
      "the address follows once the Service has its cluster IP",
    );
    assert.deepEqual(decision.actions, [
      {
        kind: "createUIService",
        serviceName: "pi-ui-svc",
        port: 4040,
        portName: "spark-driver-ui-port",
        targetPort: 4040,
        serviceType: "ClusterIP",
        labels: {},
        annotations: {},
      },
    ]);
    assert.deepEqual(decision.events, [], "no state change, no event");
    assert.equal(decision.requeueAfterMs, undefined);
  });

  it("becomes RUNNING when the driver runs, with SparkDriverRunning", () => {
    const decision = decide(inputFor(submitted(), { driverPod: driver("Running"), uiServicePresent: true }));
    assert.equal(decision.status?.applicationState?.state, "RUNNING");
    assert.deepEqual(decision.events, [
      { type: "Normal", reason: "SparkDriverRunning", message: "Driver pi-driver is running" },
    ]);
    assert.deepEqual(decision.actions, [], "the UI service exists");
    assert.equal(decision.requeueAfterMs, 0);
  });

  it("changes nothing and says nothing when the observation matches the status", () => {
    const decision = decide(inputFor(running(), { driverPod: driver("Running"), uiServicePresent: true }));
    assert.deepEqual(decision, { actions: [], events: [] });
  });

  it("becomes SUCCEEDING when the driver exits 0", () => {
    const pod = driver("Succeeded", { terminated: { exitCode: 0, reason: "Completed" } });
    const decision = decide(inputFor(running(), { driverPod: pod, now: at(100) }));
    assert.deepEqual(decision.status?.applicationState, { state: "SUCCEEDING" });
    assert.equal(decision.status?.terminationTime, iso(at(100)));
    assert.deepEqual(reasons(decision.events), ["SparkDriverCompleted"]);
    assert.deepEqual(decision.actions, [], "no UI service for a finished driver");
  });

  it("becomes FAILING with exit code, reason and message when the driver fails", () => {
    const pod = driver("Failed", {
      terminated: { exitCode: 1, reason: "Error", message: "Exception in main" },
    });
    const decision = decide(inputFor(running(), { driverPod: pod, now: at(100) }));
    const errorMessage =
      "driver container failed with ExitCode: 1, Reason: Error, Message: Exception in main";
    assert.deepEqual(decision.status?.applicationState, { state: "FAILING", errorMessage });
    assert.equal(decision.status?.terminationTime, iso(at(100)));
    assert.deepEqual(decision.events, [
      { type: "Warning", reason: "SparkDriverFailed", message: `Driver pi-driver failed: ${errorMessage}` },
    ]);
  });

  it("becomes UNKNOWN when the driver pod's phase is Unknown, and recovers", () => {
    const unknown = decide(inputFor(running(), { driverPod: driver("Unknown") }));
    assert.equal(unknown.status?.applicationState?.state, "UNKNOWN");
    assert.deepEqual(reasons(unknown.events), ["SparkDriverUnknown"]);
    assert.equal(unknown.events[0]?.type, "Warning");

    const app = sparkApp({ status: { ...running().status, applicationState: { state: "UNKNOWN" } } });
    const back = decide(inputFor(app, { driverPod: driver("Running"), uiServicePresent: true }));
    assert.equal(back.status?.applicationState?.state, "RUNNING");
    assert.deepEqual(reasons(back.events), ["SparkDriverRunning"]);
  });

  it("goes back to SUBMITTED with SparkDriverPending when a running driver is pending again", () => {
    const decision = decide(inputFor(running(), { driverPod: driver("Pending"), uiServicePresent: true }));
    assert.equal(decision.status?.applicationState?.state, "SUBMITTED");
    assert.deepEqual(reasons(decision.events), ["SparkDriverPending"]);
  });

  it("treats an unrecognised state like UNKNOWN: the driver pod tells", () => {
    const app = sparkApp({ status: runStatus("BOGUS" as "UNKNOWN") });
    const decision = decide(inputFor(app, { driverPod: driver("Running"), uiServicePresent: true }));
    assert.equal(decision.status?.applicationState?.state, "RUNNING");
  });

  it("takes the application id from the executors when they carry one (SPARK-25922)", () => {
    const decision = decide(
      inputFor(running(), {
        driverPod: driver("Running"),
        executorPods: [executor("pi-exec-1", "Running", "spark-app-1")],
        uiServicePresent: true,
      }),
    );
    assert.equal(decision.status?.sparkApplicationId, "spark-app-1");
  });
});

describe("driver pod not found", () => {
  it("waits out the grace period after submission, asking to be woken when it ends", () => {
    const decision = decide(inputFor(submitted(), { now: at(4) }));
    assert.equal(decision.status?.applicationState?.state, "SUBMITTED");
    assert.equal(decision.requeueAfterMs, 6000);
    assert.deepEqual(decision.events, []);
  });

  it("is FAILING once the grace period has passed", () => {
    const decision = decide(inputFor(submitted(), { now: at(10) }));
    assert.deepEqual(decision.status?.applicationState, {
      state: "FAILING",
      errorMessage: "driver pod not found",
    });
    assert.equal(decision.status?.terminationTime, iso(at(10)));
    assert.deepEqual(decision.events, [
      {
        type: "Warning",
        reason: "SparkDriverFailed",
        message: "Driver pod pi-driver not found (grace period 10s), marking the application as failing",
      },
    ]);
    assert.equal(decision.requeueAfterMs, 0);
  });

  it("never waits longer than the grace period, even for a submission time in the future", () => {
    assert.equal(decide(inputFor(submitted(), { now: at(-30) })).requeueAfterMs, 10_000);
  });

  it("honours a configured grace period", () => {
    const config = { ...inputFor(submitted()).config, driverPodCreationGraceMs: 30_000 };
    assert.equal(decide(inputFor(submitted(), { now: at(10), config })).requeueAfterMs, 20_000);
  });

  it("has no grace period once the driver ran", () => {
    const decision = decide(inputFor(running(), { now: at(1) }));
    assert.equal(decision.status?.applicationState?.state, "FAILING");
  });

  it("ignores a driver pod left from another submission", () => {
    const stale = driver("Running", { submissionId: "sub-0" });
    const decision = decide(inputFor(running(), { driverPod: stale, now: at(1) }));
    assert.equal(decision.status?.applicationState?.errorMessage, "driver pod not found");
  });

  it("ignores a pod that is not the observed driver pod", () => {
    const other = driver("Running", { name: "something-else" });
    const decision = decide(inputFor(running(), { driverPod: other, now: at(1) }));
    assert.equal(decision.status?.applicationState?.state, "FAILING");
  });

  it("marks the executors of the vanished driver failed", () => {
    const app = running({}, { executorState: { "pi-exec-1": "RUNNING" } });
    const decision = decide(inputFor(app, { now: at(1) }));
    assert.deepEqual(decision.status?.executorState, { "pi-exec-1": "FAILED" });
  });
});

describe("the Spark UI service", () => {
  it("exposes sparkUIOptions.servicePort, type, labels and annotations, targeting spark.ui.port", () => {
    const app = submitted({
      sparkConf: { "spark.ui.port": "4041" },
      sparkUIOptions: {
        servicePort: 80,
        servicePortName: "http",
        serviceType: "NodePort",
        serviceLabels: { team: "data" },
        serviceAnnotations: { note: "ui" },
      },
    });
    const decision = decide(inputFor(app, { driverPod: driver("Pending") }));
    assert.deepEqual(decision.actions, [
      {
        kind: "createUIService",
        serviceName: "pi-ui-svc",
        port: 80,
        portName: "http",
        targetPort: 4041,
        serviceType: "NodePort",
        labels: { team: "data" },
        annotations: { note: "ui" },
      },
    ]);
    assert.equal(decision.status?.driverInfo?.webUIPort, 80);
    assert.equal(decision.status?.driverInfo?.webUIAddress, undefined);
    const created = decide(
      inputFor(app, {
        driverPod: driver("Pending"),
        uiServicePresent: true,
        uiServiceClusterIP: "10.96.3.4",
      }),
    );
    assert.equal(created.status?.driverInfo?.webUIAddress, "10.96.3.4:80", "kubeflow's <ClusterIP>:<port>");
  });

  it("takes the address from the observed Service, replacing a stale one", () => {
    const moved = decide(
      inputFor(running(), {
        driverPod: driver("Running"),
        uiServicePresent: true,
        uiServiceClusterIP: "10.96.7.7",
      }),
    );
    assert.equal(moved.status?.driverInfo?.webUIAddress, "10.96.7.7:4040");
    assert.deepEqual(moved.actions, []);
    const same = decide(
      inputFor(running(), {
        driverPod: driver("Running"),
        uiServicePresent: true,
        uiServiceClusterIP: "10.96.0.10",
      }),
    );
    assert.deepEqual(same, { actions: [], events: [] });
  });

  it("keeps the recorded address while the cache lacks the Service, whose creation then confirms it", () => {
    const decision = decide(
      inputFor(running(), { driverPod: driver("Running"), uiServiceClusterIP: "10.1.1.1" }),
    );
    assert.equal(decision.status, undefined, "10.96.0.10:4040 stays; an absent Service's IP is not used");
    assert.deepEqual(
      decision.actions.map((a) => a.kind),
      ["createUIService"],
    );
  });

  it("records the created Service's cluster IP with withWebUIAddress", () => {
    const status = runStatus("SUBMITTED", { driverInfo: { podName: "pi-driver", webUIPort: 4040 } });
    const recorded = withWebUIAddress(status, webUIAddress("10.96.5.6", 4040));
    assert.deepEqual(recorded.driverInfo, {
      podName: "pi-driver",
      webUIPort: 4040,
      webUIAddress: "10.96.5.6:4040",
    });
    assert.equal(withWebUIAddress(recorded, "10.96.5.6:4040"), recorded, "unchanged: the same object");
  });

  it("is recreated while running if it disappeared", () => {
    const decision = decide(inputFor(running(), { driverPod: driver("Running") }));
    assert.deepEqual(
      decision.actions.map((action) => action.kind),
      ["createUIService"],
    );
    assert.equal(decision.status, undefined);
  });

  it("is not created when disabled", () => {
    const config = { ...inputFor(submitted()).config, enableUIService: false };
    const decision = decide(inputFor(submitted(), { driverPod: driver("Running"), config }));
    assert.deepEqual(decision.actions, []);
    assert.equal(decision.status?.driverInfo?.webUIServiceName, undefined);
  });
});

describe("SUCCEEDING", () => {
  const succeeding = (spec: Partial<SparkApplicationSpec> = {}) =>
    sparkApp({
      spec,
      status: runStatus("SUCCEEDING", {
        sparkApplicationId: "spark-app-1",
        terminationTime: iso(at(100)),
        executorState: { "pi-exec-1": "RUNNING" },
        driverInfo: { podName: "pi-driver", webUIServiceName: "pi-ui-svc" },
      }),
    });

  it("completes, keeping the termination time, with SparkApplicationCompleted", () => {
    const decision = decide(inputFor(succeeding(), { now: at(101) }));
    assert.deepEqual(decision.status?.applicationState, { state: "COMPLETED" });
    assert.equal(decision.status?.terminationTime, iso(at(100)));
    assert.deepEqual(
      decision.status?.executorState,
      { "pi-exec-1": "COMPLETED" },
      "Spark deleted it at the end",
    );
    assert.deepEqual(reasons(decision.events), ["SparkExecutorCompleted", "SparkApplicationCompleted"]);
    assert.equal(decision.requeueAfterMs, 0);
  });

  it("completes under OnFailure too", () => {
    const decision = decide(
      inputFor(succeeding({ restartPolicy: { type: "OnFailure", onFailureRetries: 3 } })),
    );
    assert.equal(decision.status?.applicationState?.state, "COMPLETED");
  });

  it("reruns at once under Always: cleans up and forgets the run, keeping the counters", () => {
    const decision = decide(inputFor(succeeding({ restartPolicy: { type: "Always" } }), { now: at(101) }));
    assert.deepEqual(decision.status, {
      applicationState: { state: "PENDING_RERUN" },
      submissionID: "sub-1",
      lastSubmissionAttemptTime: iso(T0),
      submissionAttempts: 1,
      executionAttempts: 1,
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
    assert.deepEqual(decision.events, [
      {
        type: "Warning",
        reason: "SparkApplicationPendingRerun",
        message: "SparkApplication pi is pending rerun: the run succeeded and the restart policy is Always",
      },
    ]);
  });
});

describe("FAILING", () => {
  const failing = (spec: Partial<SparkApplicationSpec>, executionAttempts = 1) =>
    sparkApp({
      spec,
      status: runStatus("FAILING", {
        applicationState: { state: "FAILING", errorMessage: "driver container failed with ExitCode: 1" },
        executionAttempts,
        submissionAttempts: executionAttempts,
        sparkApplicationId: "spark-app-1",
        terminationTime: iso(at(30)),
      }),
    });
  const onFailure = (retries: number, interval?: number) => ({
    restartPolicy: {
      type: "OnFailure" as const,
      onFailureRetries: retries,
      onFailureRetryInterval: interval,
    },
  });

  it("fails for good under Never, keeping the error, with SparkApplicationFailed", () => {
    const decision = decide(inputFor(failing({}), { now: at(31) }));
    assert.deepEqual(decision.status?.applicationState, {
      state: "FAILED",
      errorMessage: "driver container failed with ExitCode: 1",
    });
    assert.equal(decision.status?.terminationTime, iso(at(30)));
    assert.deepEqual(decision.events, [
      {
        type: "Warning",
        reason: "SparkApplicationFailed",
        message: "SparkApplication pi failed: driver container failed with ExitCode: 1",
      },
    ]);
  });

  it("waits interval x execution attempts from the last submission before retrying", () => {
    const decision = decide(inputFor(failing(onFailure(3, 20), 2), { now: at(30) }));
    assert.deepEqual(decision, { actions: [], events: [], requeueAfterMs: 10_000 });
  });

  it("uses the default 5 s interval when none is given", () => {
    const decision = decide(inputFor(failing(onFailure(3), 1), { now: at(2) }));
    assert.equal(decision.requeueAfterMs, 3000);
  });

  it("cleans up and goes PENDING_RERUN once the backoff has passed", () => {
    const decision = decide(inputFor(failing(onFailure(3, 20), 2), { now: at(40) }));
    assert.equal(decision.status?.applicationState?.state, "PENDING_RERUN");
    assert.equal(decision.status?.executionAttempts, 2, "counters survive a rerun");
    assert.equal(decision.status?.terminationTime, undefined);
    assert.equal(decision.status?.sparkApplicationId, undefined);
    assert.deepEqual(
      decision.actions.map((action) => action.kind),
      ["deleteDriverResources"],
    );
    assert.deepEqual(reasons(decision.events), ["SparkApplicationPendingRerun"]);
    assert.match(decision.events[0]?.message ?? "", /retrying after failure: driver container failed/);
  });

  it("retries while executionAttempts <= onFailureRetries, then fails", () => {
    const spec = onFailure(2, 1);
    const stateAfter = (attempts: number) =>
      decide(inputFor(failing(spec, attempts), { now: at(600) })).status?.applicationState?.state;
    assert.equal(stateAfter(1), "PENDING_RERUN");
    assert.equal(stateAfter(2), "PENDING_RERUN");
    assert.equal(stateAfter(3), "FAILED");
  });

  it("never retries under OnFailure with 0 retries", () => {
    const decision = decide(inputFor(failing(onFailure(0)), { now: at(600) }));
    assert.equal(decision.status?.applicationState?.state, "FAILED");
  });

  it("always retries under Always, after the backoff", () => {
    const spec = { restartPolicy: { type: "Always" as const, onFailureRetryInterval: 10 } };
    assert.equal(decide(inputFor(failing(spec, 7), { now: at(69) })).requeueAfterMs, 1000);
    const decision = decide(inputFor(failing(spec, 7), { now: at(70) }));
    assert.equal(decision.status?.applicationState?.state, "PENDING_RERUN");
  });

  it("honours legacy failureRetries and retryInterval without a restart policy", () => {
    const spec = { failureRetries: 1, retryInterval: 30 };
    assert.equal(decide(inputFor(failing(spec, 1), { now: at(10) })).requeueAfterMs, 20_000);
    assert.equal(
      decide(inputFor(failing(spec, 1), { now: at(30) })).status?.applicationState?.state,
      "PENDING_RERUN",
    );
    assert.equal(
      decide(inputFor(failing(spec, 2), { now: at(600) })).status?.applicationState?.state,
      "FAILED",
    );
  });

  it("retries at once when the last submission time is unknown instead of getting stuck", () => {
    const app = failing(onFailure(3, 20));
    delete app.status!.lastSubmissionAttemptTime;
    assert.equal(decide(inputFor(app)).status?.applicationState?.state, "PENDING_RERUN");
  });
});
