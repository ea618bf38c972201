import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { at, created, decideAt, reasons, SimulatedCluster, scheduledApp } from "./fixtures.test-helpers.js";

/** Hourly; the operator last ran at 03:10 (next run 04:00) and comes back at 09:20. */
function hourlyLeftAt4(startingDeadlineSeconds?: number) {
  return scheduledApp({
    schedule: "0 * * * *",
    startingDeadlineSeconds,
    status: {
      scheduleState: "Scheduled",
      nextRun: "2024-01-02T04:00:00Z",
      lastRun: "2024-01-02T03:00:00Z",
      lastRunName: "nightly-1704164400",
    },
  });
}
const RESTART = at("2024-01-02T09:20:00Z");
const MOST_RECENT_MISSED = "nightly-1704186000"; // 09:00

describe("runs missed while the operator was down", () => {
  it("within the deadline: the most recent missed time runs once, never the earlier ones", () => {
    const decision = decideAt(hourlyLeftAt4(30 * 60), RESTART, [], { operatorStartedAt: RESTART - 5000 });
    assert.deepEqual(created(decision), [MOST_RECENT_MISSED]);
    assert.equal(decision.status.lastRun, "2024-01-02T09:00:00Z");
    assert.equal(decision.status.nextRun, "2024-01-02T10:00:00Z");
    assert.deepEqual(reasons(decision.events), ["RunStarted"]);
    assert.match(decision.events[0]!.message, /\(20m0s late; missed while the operator was down\)$/);
  });

  it("outside the deadline: no run, a Warning saying why, and the schedule goes on", () => {
    const decision = decideAt(hourlyLeftAt4(10 * 60), RESTART, [], { operatorStartedAt: RESTART - 5000 });
    assert.deepEqual(decision.actions, []);
    assert.deepEqual(reasons(decision.events), ["RunSkipped"]);
    assert.equal(decision.events[0]!.type, "Warning");
    assert.equal(
      decision.events[0]!.message,
      "Skipped the run for 2024-01-02T09:00:00Z (09:00 UTC): it is 20m0s late " +
        "(missed while the operator was down), beyond startingDeadlineSeconds 600",
    );
    assert.equal(decision.status.nextRun, "2024-01-02T10:00:00Z");
    assert.equal(decision.status.lastRunName, "nightly-1704164400");
  });

  it("without a deadline: the most recent missed time runs once however late (kubeflow runs one overdue run)", () => {
    const decision = decideAt(hourlyLeftAt4(), at("2024-01-05T09:59:00Z"));
    assert.deepEqual(created(decision), ["nightly-1704445200"]); // 2024-01-05T09:00
  });

  it("a deadline is inclusive", () => {
    assert.equal(created(decideAt(hourlyLeftAt4(1200), RESTART)).length, 1);
    assert.equal(created(decideAt(hourlyLeftAt4(1199), RESTART)).length, 0);
  });

  it("never a burst: reconciles right after the restart create nothing more until the next time", () => {
    const cluster = new SimulatedCluster(hourlyLeftAt4(3600));
    cluster.operatorStartedAt = RESTART;
    cluster.runUntil(RESTART, at("2024-01-02T10:30:00Z"), 60_000);
    assert.deepEqual(cluster.scheduledTimes(), ["2024-01-02T09:00:00Z", "2024-01-02T10:00:00Z"]);
    assert.deepEqual(cluster.createdTimes(), ["2024-01-02T09:20:00.000Z", "2024-01-02T10:00:00.000Z"]);
  });

  it("a restart before the next time changes nothing", () => {
    const cluster = new SimulatedCluster(hourlyLeftAt4(60));
    cluster.runUntil(at("2024-01-02T03:59:00Z"), at("2024-01-02T04:30:00Z"));
    cluster.operatorStartedAt = at("2024-01-02T04:40:00Z");
    cluster.runUntil(at("2024-01-02T04:40:00Z"), at("2024-01-02T05:30:00Z"));
    assert.deepEqual(cluster.scheduledTimes(), ["2024-01-02T04:00:00Z", "2024-01-02T05:00:00Z"]);
  });

  it("an app created while the operator was down counts from its creation", () => {
    const app = scheduledApp({
      schedule: "0 * * * *",
      createdAt: "2024-01-02T04:30:00Z",
      startingDeadlineSeconds: 3600,
    });
    assert.deepEqual(created(decideAt(app, RESTART)), [MOST_RECENT_MISSED]);
    const tooLate = scheduledApp({ schedule: "0 * * * *", createdAt: "2024-01-02T09:10:00Z" });
    assert.deepEqual(created(decideAt(tooLate, RESTART)), [], "no time between creation and now");
  });

  it("the deadline also covers a slow reconcile, not only a restart", () => {
    const app = hourlyLeftAt4(30);
    const decision = decideAt(app, "2024-01-02T04:00:45Z");
    assert.deepEqual(decision.actions, []);
    assert.doesNotMatch(decision.events[0]!.message, /operator was down/);
  });
});

describe("@every 10s", () => {
  it("runs every ten seconds from the app's creation, one run per time", () => {
    const cluster = new SimulatedCluster(
      scheduledApp({
        schedule: "@every 10s",
        createdAt: "2024-01-01T00:00:03Z",
        successfulRunHistoryLimit: 3,
      }),
    );
    cluster.finishRunsAs = "COMPLETED";
    cluster.runUntil(at("2024-01-01T00:00:04Z"), at("2024-01-01T00:01:00Z"), 3000);
    assert.deepEqual(cluster.scheduledTimes(), [
      "2024-01-01T00:00:13Z",
      "2024-01-01T00:00:23Z",
      "2024-01-01T00:00:33Z",
      "2024-01-01T00:00:43Z",
      "2024-01-01T00:00:53Z",
    ]);
    assert.equal(cluster.runs.length, 3, "history limited to 3");
    assert.deepEqual(cluster.app.status?.pastSuccessfulRunNames, [
      "nightly-1704067253",
      "nightly-1704067243",
      "nightly-1704067233",
    ]);
  });

  it("after five minutes down, starts one run, within a 15s deadline", () => {
    const cluster = new SimulatedCluster(
      scheduledApp({
        schedule: "@every 10s",
        createdAt: "2024-01-01T00:00:00Z",
        startingDeadlineSeconds: 15,
      }),
    );
    cluster.runUntil(at("2024-01-01T00:00:01Z"), at("2024-01-01T00:00:25Z"));
    cluster.operatorStartedAt = at("2024-01-01T00:05:24Z");
    cluster.runUntil(at("2024-01-01T00:05:24Z"), at("2024-01-01T00:05:35Z"), 1000);
    assert.deepEqual(cluster.scheduledTimes(), [
      "2024-01-01T00:00:10Z",
      "2024-01-01T00:00:20Z",
      "2024-01-01T00:05:20Z",
      "2024-01-01T00:05:30Z",
    ]);
  });
});
