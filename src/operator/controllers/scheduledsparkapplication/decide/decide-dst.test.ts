import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { at, SimulatedCluster, scheduledApp } from "./fixtures.test-helpers.js";

/** A perfect operator plus a reconcile every 15 minutes, over three nights in America/New_York. */
function nightsAround(schedule: string, from: string, until: string) {
  const cluster = new SimulatedCluster(
    scheduledApp({ schedule, timeZone: "America/New_York", createdAt: from, successfulRunHistoryLimit: 5 }),
  );
  cluster.finishRunsAs = "COMPLETED";
  cluster.runUntil(at(from) + 1000, at(until), 15 * 60_000);
  return cluster;
}

describe("daylight saving in America/New_York", () => {
  it("0 2 * * * runs once on the spring-forward day, at 03:00 EDT", () => {
    const cluster = nightsAround("0 2 * * *", "2024-03-09T00:00:00Z", "2024-03-12T00:00:00Z");
    assert.deepEqual(cluster.scheduledTimes(), [
      "2024-03-09T07:00:00Z", // 02:00 EST
      "2024-03-10T07:00:00Z", // 03:00 EDT: 02:00 does not exist
      "2024-03-11T06:00:00Z", // 02:00 EDT
    ]);
    const started = cluster.events.filter(({ event }) => event.reason.endsWith("RunStarted"));
    assert.match(started[1]!.event.message, /\(03:00 EDT America\/New_York\)$/);
  });

  it("0 2 * * * runs once on the fall-back day, at 02:00 EST", () => {
    const cluster = nightsAround("0 2 * * *", "2024-11-02T00:00:00Z", "2024-11-05T00:00:00Z");
    assert.deepEqual(cluster.scheduledTimes(), [
      "2024-11-02T06:00:00Z", // 02:00 EDT
      "2024-11-03T07:00:00Z", // 02:00 EST
      "2024-11-04T07:00:00Z",
    ]);
  });

  it("30 1 * * * runs once on the fall-back day, though 01:30 happens twice", () => {
    const cluster = nightsAround("30 1 * * *", "2024-11-02T00:00:00Z", "2024-11-05T00:00:00Z");
    assert.deepEqual(cluster.scheduledTimes(), [
      "2024-11-02T05:30:00Z", // 01:30 EDT
      "2024-11-03T05:30:00Z", // the first 01:30 (EDT); not again at 01:30 EST (06:30Z)
      "2024-11-04T06:30:00Z", // 01:30 EST
    ]);
  });

  it("an operator restarted inside the repeated hour does not run 01:30 again", () => {
    const cluster = nightsAround("30 1 * * *", "2024-11-02T00:00:00Z", "2024-11-03T05:35:00Z");
    cluster.operatorStartedAt = at("2024-11-03T06:31:00Z"); // 01:31 EST
    cluster.runUntil(at("2024-11-03T06:31:00Z"), at("2024-11-03T12:00:00Z"), 60_000);
    assert.deepEqual(cluster.scheduledTimes(), ["2024-11-02T05:30:00Z", "2024-11-03T05:30:00Z"]);
    assert.equal(cluster.app.status?.nextRun, "2024-11-04T06:30:00Z");
  });
});
