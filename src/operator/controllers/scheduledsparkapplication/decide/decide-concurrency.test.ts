import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ConcurrencyPolicy } from "../../../../api/v1beta2/constants.js";
import {
  at,
  decideAt,
  kinds,
  reasons,
  run,
  SimulatedCluster,
  scheduledApp,
} from "./fixtures.test-helpers.js";

const DUE = "2024-01-02T02:00:00Z";
const NOW = "2024-01-02T02:00:02Z";
const NEW_RUN = "nightly-1704160800";

function dueApp(concurrencyPolicy?: ConcurrencyPolicy | "") {
  return scheduledApp({
    concurrencyPolicy: concurrencyPolicy as ConcurrencyPolicy,
    status: {
      scheduleState: "Scheduled",
      nextRun: DUE,
      lastRun: "2024-01-01T02:00:00Z",
      lastRunName: "nightly-1704074400",
    },
  });
}

const running = run("nightly-1704074400", "RUNNING", "2024-01-01T02:00:01Z");
const completed = run("nightly-1704074400", "COMPLETED", "2024-01-01T02:00:01Z");

describe("concurrencyPolicy Allow", () => {
  it("starts the run while another is active", () => {
    const decision = decideAt(dueApp("Allow"), NOW, [running]);
    assert.deepEqual(kinds(decision), [`createRun ${NEW_RUN}`]);
    assert.deepEqual(reasons(decision.events), ["RunStarted"]);
  });

  it("is the default when the policy is unset or empty", () => {
    assert.deepEqual(kinds(decideAt(dueApp(), NOW, [running])), [`createRun ${NEW_RUN}`]);
    assert.deepEqual(kinds(decideAt(dueApp(""), NOW, [running])), [`createRun ${NEW_RUN}`]);
  });
});

describe("concurrencyPolicy Forbid", () => {
  it("skips the run while another is active, with an event saying why, and moves on", () => {
    const decision = decideAt(dueApp("Forbid"), NOW, [running]);
    assert.deepEqual(decision.actions, []);
    assert.deepEqual(reasons(decision.events), ["RunSkipped"]);
    assert.equal(decision.events[0]!.type, "Normal");
    assert.equal(
      decision.events[0]!.message,
      "Skipped the run for 2024-01-02T02:00:00Z (02:00 UTC): concurrencyPolicy is Forbid and " +
        "nightly-1704074400 is still running",
    );
    assert.equal(decision.status.lastRunName, "nightly-1704074400", "no new last run");
    assert.equal(decision.status.lastRun, "2024-01-01T02:00:00Z");
    assert.equal(decision.status.nextRun, "2024-01-03T02:00:00Z");
  });

  it("does not come back to the skipped time when the active run finishes", () => {
    const skipped = decideAt(dueApp("Forbid"), NOW, [running]);
    const later = decideAt({ ...dueApp("Forbid"), status: skipped.status }, "2024-01-02T03:00:00Z", [
      completed,
    ]);
    assert.deepEqual(later.actions, []);
  });

  it("counts runs without a state yet as active", () => {
    const fresh = run("nightly-1704074400", undefined, "2024-01-01T02:00:01Z");
    assert.deepEqual(decideAt(dueApp("Forbid"), NOW, [fresh]).actions, []);
  });

  it("starts the run when the others are finished or being deleted", () => {
    const deleting = run("nightly-1703988000", "RUNNING", "2023-12-31T02:00:01Z", true);
    assert.deepEqual(kinds(decideAt(dueApp("Forbid"), NOW, [completed, deleting])), [`createRun ${NEW_RUN}`]);
  });

  it("names every active run", () => {
    const other = run("nightly-1703988000", "SUBMITTED", "2023-12-31T02:00:01Z");
    const message = decideAt(dueApp("Forbid"), NOW, [running, other]).events[0]!.message;
    assert.match(message, /nightly-1704074400, nightly-1703988000 are still running/);
  });
});

describe("concurrencyPolicy Replace", () => {
  it("deletes the active runs, oldest first, then starts the new one, with an event per replaced run", () => {
    const older = run("nightly-1703988000", "SUBMITTED", "2023-12-31T02:00:01Z");
    const decision = decideAt(dueApp("Replace"), NOW, [running, older, completed]);
    assert.deepEqual(decision.actions.slice(0, 3), [
      { kind: "deleteRun", name: "nightly-1703988000", why: `replaced by ${NEW_RUN}` },
      { kind: "deleteRun", name: "nightly-1704074400", why: `replaced by ${NEW_RUN}` },
      decision.actions[2],
    ]);
    assert.equal(decision.actions[2]!.kind, "createRun");
    assert.deepEqual(reasons(decision.events), ["RunReplaced", "RunReplaced", "RunStarted"]);
    assert.equal(
      decision.events[1]!.message,
      `Deleting run nightly-1704074400 (RUNNING) to replace it with ${NEW_RUN}: concurrencyPolicy is Replace`,
    );
  });

  it("deletes nothing when no run is active", () => {
    assert.deepEqual(kinds(decideAt(dueApp("Replace"), NOW, [completed])), [`createRun ${NEW_RUN}`]);
  });
});

describe("each policy over a day of 6-hourly runs that take 8 hours (simulated)", () => {
  function simulate(concurrencyPolicy: ConcurrencyPolicy) {
    const cluster = new SimulatedCluster(
      scheduledApp({ schedule: "0 */6 * * *", concurrencyPolicy, successfulRunHistoryLimit: 10 }),
    );
    let now = at("2024-01-01T00:00:30Z");
    const end = at("2024-01-02T00:00:30Z");
    while (now <= end) {
      for (const entry of cluster.history) {
        if (now - entry.at >= 8 * 3600_000) cluster.setState(entry.name, "COMPLETED");
      }
      const decision = cluster.reconcile(now);
      now += Math.min(decision.requeueAfterMs ?? 3600_000, 3600_000);
    }
    return cluster;
  }

  it("Allow overlaps them", () => {
    assert.deepEqual(simulate("Allow").scheduledTimes(), [
      "2024-01-01T06:00:00Z",
      "2024-01-01T12:00:00Z",
      "2024-01-01T18:00:00Z",
      "2024-01-02T00:00:00Z",
    ]);
  });

  it("Forbid runs every other one", () => {
    const cluster = simulate("Forbid");
    assert.deepEqual(cluster.scheduledTimes(), ["2024-01-01T06:00:00Z", "2024-01-01T18:00:00Z"]);
    assert.equal(cluster.events.filter(({ event }) => event.reason.endsWith("RunSkipped")).length, 2);
  });

  it("Replace keeps one, always the newest", () => {
    const cluster = simulate("Replace");
    assert.equal(cluster.history.length, 4);
    assert.deepEqual(
      cluster.runs.map((r) => r.metadata.name),
      ["nightly-1704153600"],
    );
  });
});
