import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_REQUEUE_MS } from "./decide.js";
import type { CreateRunAction } from "./decision.js";
import {
  at,
  created,
  decideAt,
  kinds,
  reasons,
  run,
  SimulatedCluster,
  scheduledApp,
  TEMPLATE,
} from "./fixtures.test-helpers.js";

const SCHEDULED = { scheduleState: "Scheduled" } as const;

describe("validation", () => {
  it("refuses an invalid schedule: FailedValidation, the field in the reason, a Warning, nothing else", () => {
    const app = scheduledApp({
      schedule: "0 25 * * *",
      status: { ...SCHEDULED, nextRun: "2024-01-02T02:00:00Z", lastRunName: "nightly-1" },
    });
    const decision = decideAt(app, "2024-01-02T02:00:00Z");
    assert.equal(decision.status.scheduleState, "FailedValidation");
    assert.match(decision.status.reason ?? "", /^spec\.schedule: invalid cron expression "0 25 \* \* \*"/);
    assert.equal(decision.status.nextRun, undefined, "no next run is shown");
    assert.equal(decision.status.lastRunName, "nightly-1", "history is kept");
    assert.deepEqual(decision.actions, []);
    assert.deepEqual(reasons(decision.events), ["FailedValidation"]);
    assert.equal(decision.events[0]!.type, "Warning");
    assert.equal(decision.requeueAfterMs, undefined, "waits for an edit");
  });

  it("refuses an unknown time zone, naming spec.timeZone", () => {
    const decision = decideAt(scheduledApp({ timeZone: "Europe/Atlantis" }), "2024-01-02T00:00:00Z");
    assert.equal(decision.status.scheduleState, "FailedValidation");
    assert.match(
      decision.status.reason ?? "",
      /^spec\.timeZone: "Europe\/Atlantis" is not an IANA time zone/,
    );
  });

  it("refuses a bad concurrency policy and negative limits, naming each field", () => {
    const app = scheduledApp({
      concurrencyPolicy: "Sometimes" as never,
      successfulRunHistoryLimit: -1,
      startingDeadlineSeconds: 1.5,
    });
    const reason = decideAt(app, "2024-01-02T00:00:00Z").status.reason ?? "";
    assert.match(
      reason,
      /spec\.concurrencyPolicy: "Sometimes" is not a concurrency policy; use Allow, Forbid, Replace/,
    );
    assert.match(reason, /spec\.successfulRunHistoryLimit: must be a whole number >= 0, not -1/);
    assert.match(reason, /spec\.startingDeadlineSeconds: must be a whole number >= 0, not 1\.5/);
  });

  it("records the same failure once, not an event per reconcile", () => {
    const first = decideAt(scheduledApp({ schedule: "nope" }), "2024-01-02T00:00:00Z");
    const again = decideAt(scheduledApp({ schedule: "nope", status: first.status }), "2024-01-02T00:05:00Z");
    assert.deepEqual(again.events, []);
    assert.deepEqual(again.status, first.status);
    const other = decideAt(
      scheduledApp({ schedule: "nope nope", status: first.status }),
      "2024-01-02T00:06:00Z",
    );
    assert.deepEqual(reasons(other.events), ["FailedValidation"]);
  });

  it("is blocked by errors of the template validated elsewhere, but checks schedule and zone itself", () => {
    const validationErrors = [
      { field: "spec.template.driver.memory", message: "not a Spark size" },
      { field: "spec.timeZone", message: '"Local" is not an IANA time zone' },
    ];
    const blocked = decideAt(scheduledApp({ timeZone: "Local" }), "2024-01-02T00:00:00Z", [], {
      validationErrors,
    });
    assert.equal(blocked.status.reason, "spec.template.driver.memory: not a Spark size");
    const onlyZone = decideAt(scheduledApp({ timeZone: "Local" }), "2024-01-02T00:00:00Z", [], {
      validationErrors: validationErrors.slice(1),
    });
    assert.equal(onlyZone.status.scheduleState, "Scheduled");
  });

  it("once fixed, schedules from now on: no run for a time that passed while it was invalid", () => {
    const failed = decideAt(scheduledApp({ schedule: "nope" }), "2024-01-02T01:00:00Z").status;
    const fixed = decideAt(scheduledApp({ schedule: "0 * * * *", status: failed }), "2024-01-02T03:30:00Z");
    assert.deepEqual(fixed.actions, []);
    assert.equal(fixed.status.scheduleState, "Scheduled");
    assert.equal(fixed.status.reason, undefined);
    assert.equal(fixed.status.nextRun, "2024-01-02T04:00:00Z");
    assert.deepEqual(reasons(fixed.events), ["Scheduled"]);
  });
});

describe("a new ScheduledSparkApplication", () => {
  it("is Scheduled with its next run, an event naming the zone, and a requeue for that time", () => {
    const decision = decideAt(scheduledApp({ timeZone: "Europe/Berlin" }), "2024-01-01T00:00:30Z");
    assert.deepEqual(decision.status, {
      nextRun: "2024-01-01T01:00:00Z",
      pastSuccessfulRunNames: [],
      pastFailedRunNames: [],
      scheduleState: "Scheduled",
    });
    assert.deepEqual(decision.actions, []);
    assert.deepEqual(reasons(decision.events), ["Scheduled"]);
    assert.equal(
      decision.events[0]!.message,
      'Scheduled "0 2 * * *" in Europe/Berlin; next run at 2024-01-01T01:00:00Z (02:00 GMT+1 Europe/Berlin)',
    );
    assert.equal(decision.requeueAfterMs, at("2024-01-01T01:00:00Z") - at("2024-01-01T00:00:30Z"));
  });

  it("reads the schedule in the operator's zone without spec.timeZone, UTC when that is unknown", () => {
    const app = scheduledApp({ timeZone: undefined });
    const tokyo = decideAt(app, "2024-01-01T00:00:30Z", [], { defaultTimeZone: "Asia/Tokyo" });
    assert.equal(tokyo.status.nextRun, "2024-01-01T17:00:00Z");
    assert.equal(decideAt(app, "2024-01-01T00:00:30Z").status.nextRun, "2024-01-01T02:00:00Z");
  });

  it("does not run a time in its creation second, which may precede the creation", () => {
    const app = scheduledApp({ schedule: "0 * * * *", createdAt: "2024-01-01T05:00:00Z" });
    const decision = decideAt(app, "2024-01-01T05:00:00.900Z");
    assert.deepEqual(decision.actions, []);
    assert.equal(decision.status.nextRun, "2024-01-01T06:00:00Z");
  });

  it("caps the requeue at a day for rare schedules", () => {
    const decision = decideAt(scheduledApp({ schedule: "@yearly" }), "2024-01-01T00:00:30Z");
    assert.equal(decision.requeueAfterMs, MAX_REQUEUE_MS);
  });
});

describe("a due run", () => {
  const app = scheduledApp({
    labels: { team: "data" },
    status: { ...SCHEDULED, nextRun: "2024-01-02T02:00:00Z" },
  });

  it("is created, named by its scheduled time, labelled and owned, with an event", () => {
    const decision = decideAt(app, "2024-01-02T02:00:00.250Z");
    assert.deepEqual(decision.actions, [
      {
        kind: "createRun",
        name: "nightly-1704160800",
        scheduledTime: "2024-01-02T02:00:00Z",
        spec: TEMPLATE,
        labels: { team: "data", "sparkoperator.k8s.io/scheduled-app-name": "nightly" },
        ownerReference: {
          apiVersion: "sparkoperator.k8s.io/v1beta2",
          kind: "ScheduledSparkApplication",
          name: "nightly",
          uid: "uid-1",
          controller: true,
          blockOwnerDeletion: true,
        },
      },
    ]);
    assert.notEqual((decision.actions[0] as CreateRunAction).spec, app.spec.template, "a copy");
    assert.deepEqual(reasons(decision.events), ["RunStarted"]);
    assert.equal(
      decision.events[0]!.message,
      "Started run nightly-1704160800 for 2024-01-02T02:00:00Z (02:00 UTC)",
    );
    assert.deepEqual(decision.status, {
      lastRun: "2024-01-02T02:00:00Z",
      nextRun: "2024-01-03T02:00:00Z",
      lastRunName: "nightly-1704160800",
      pastSuccessfulRunNames: [],
      pastFailedRunNames: [],
      scheduleState: "Scheduled",
    });
    assert.equal(decision.requeueAfterMs, at("2024-01-03T02:00:00Z") - at("2024-01-02T02:00:00.250Z"));
  });

  it("is named by its scheduled time however late the reconcile", () => {
    assert.deepEqual(created(decideAt(app, "2024-01-02T02:00:41Z")), ["nightly-1704160800"]);
  });

  it("is not due a millisecond early", () => {
    const decision = decideAt(app, at("2024-01-02T02:00:00Z") - 1);
    assert.deepEqual(decision.actions, []);
    assert.equal(decision.requeueAfterMs, 1);
  });

  it("uses the template as it is when the run starts", () => {
    const edited = {
      ...app,
      spec: { ...app.spec, template: { ...TEMPLATE, arguments: ["--date", "today"] } },
    };
    const create = decideAt(edited, "2024-01-02T02:00:01Z").actions[0] as CreateRunAction;
    assert.deepEqual(create.spec.arguments, ["--date", "today"]);
  });
});

describe("idempotency", () => {
  const due = scheduledApp({ status: { ...SCHEDULED, nextRun: "2024-01-02T02:00:00Z" } });

  it("gives the same decision for the same input", () => {
    const runs = [run("nightly-1704074400", "COMPLETED", "2024-01-01T02:00:01Z")];
    assert.deepEqual(
      decideAt(due, "2024-01-02T02:00:01Z", runs),
      decideAt(due, "2024-01-02T02:00:01Z", runs),
    );
  });

  it("does not create a run twice when the status update after creating it was lost", () => {
    const runs = [run("nightly-1704160800", "", "2024-01-02T02:00:01Z")];
    const decision = decideAt(due, "2024-01-02T02:00:05Z", runs);
    assert.deepEqual(decision.actions, []);
    assert.deepEqual(decision.events, []);
    assert.equal(decision.status.lastRunName, "nightly-1704160800");
    assert.equal(decision.status.lastRun, "2024-01-02T02:00:00Z");
    assert.equal(decision.status.nextRun, "2024-01-03T02:00:00Z");
  });

  it("does not run a time at or before lastRun again, even when its run is gone", () => {
    const app = scheduledApp({
      status: { ...SCHEDULED, nextRun: "2024-01-02T02:00:00Z", lastRun: "2024-01-02T02:00:00Z" },
    });
    assert.deepEqual(decideAt(app, "2024-01-02T02:00:05Z").actions, []);
  });

  it("changes nothing when decided again after its status was written", () => {
    const first = decideAt(due, "2024-01-02T02:00:01Z");
    const runs = [run("nightly-1704160800", "", "2024-01-02T02:00:01Z")];
    const again = decideAt({ ...due, status: first.status }, "2024-01-02T02:00:02Z", runs);
    assert.deepEqual(again.actions, []);
    assert.deepEqual(again.events, []);
    assert.deepEqual(again.status, first.status);
  });
});

describe("edits", () => {
  const daily = scheduledApp({
    status: { ...SCHEDULED, nextRun: "2024-01-03T02:00:00Z", lastRun: "2024-01-02T02:00:00Z" },
  });

  it("a schedule edit takes effect at once, without running a time that passed before it", () => {
    const edited = { ...daily, spec: { ...daily.spec, schedule: "*/5 * * * *" } };
    const decision = decideAt(edited, "2024-01-02T10:02:00Z");
    assert.deepEqual(decision.actions, []);
    assert.equal(decision.status.nextRun, "2024-01-02T10:05:00Z");
    assert.equal(decision.requeueAfterMs, 3 * 60_000);
  });

  it("a time zone edit takes effect at once", () => {
    const edited = { ...daily, spec: { ...daily.spec, timeZone: "Asia/Kolkata" } };
    assert.equal(decideAt(edited, "2024-01-02T10:02:00Z").status.nextRun, "2024-01-02T20:30:00Z");
  });

  it("runs on the new schedule from then on (simulated)", () => {
    const cluster = new SimulatedCluster(scheduledApp({ schedule: "0 * * * *" }));
    cluster.finishRunsAs = "COMPLETED";
    cluster.runUntil(at("2024-01-01T00:00:30Z"), at("2024-01-01T02:30:00Z"));
    cluster.edit({ schedule: "30 * * * *" });
    cluster.runUntil(at("2024-01-01T02:40:00Z"), at("2024-01-01T04:45:00Z"));
    assert.deepEqual(cluster.scheduledTimes(), [
      "2024-01-01T01:00:00Z",
      "2024-01-01T02:00:00Z",
      "2024-01-01T03:30:00Z",
      "2024-01-01T04:30:00Z",
    ]);
  });
});

describe("suspend", () => {
  it("starts nothing when due but still shows and tracks the next run", () => {
    const app = scheduledApp({ suspend: true, status: { ...SCHEDULED, nextRun: "2024-01-02T02:00:00Z" } });
    const decision = decideAt(app, "2024-01-02T02:00:01Z");
    assert.deepEqual(decision.actions, []);
    assert.deepEqual(decision.events, []);
    assert.equal(decision.status.nextRun, "2024-01-03T02:00:00Z");
    assert.equal(decision.requeueAfterMs, at("2024-01-03T02:00:00Z") - at("2024-01-02T02:00:01Z"));
  });

  it("still prunes the history", () => {
    const app = scheduledApp({ suspend: true, status: { ...SCHEDULED, nextRun: "2024-01-03T02:00:00Z" } });
    const runs = [
      run("nightly-1", "COMPLETED", "2024-01-01T02:00:00Z"),
      run("nightly-2", "COMPLETED", "2024-01-02T02:00:00Z"),
    ];
    assert.deepEqual(kinds(decideAt(app, "2024-01-02T12:00:00Z", runs)), ["deleteRun nightly-1"]);
  });

  it("resumed, waits for the next scheduled time: the times passed while suspended never run", () => {
    const cluster = new SimulatedCluster(scheduledApp({ schedule: "0 * * * *" }));
    cluster.finishRunsAs = "COMPLETED";
    cluster.runUntil(at("2024-01-01T00:00:30Z"), at("2024-01-01T01:30:00Z"));
    cluster.edit({ suspend: true });
    cluster.runUntil(at("2024-01-01T01:40:00Z"), at("2024-01-01T05:10:00Z"));
    assert.equal(cluster.app.status?.nextRun, "2024-01-01T06:00:00Z");
    cluster.edit({ suspend: false });
    cluster.runUntil(at("2024-01-01T05:20:00Z"), at("2024-01-01T07:30:00Z"));
    assert.deepEqual(cluster.scheduledTimes(), [
      "2024-01-01T01:00:00Z",
      "2024-01-01T06:00:00Z",
      "2024-01-01T07:00:00Z",
    ]);
  });
});

describe("history", () => {
  const app = scheduledApp({
    successfulRunHistoryLimit: 2,
    status: { ...SCHEDULED, nextRun: "2024-01-09T02:00:00Z" },
  });
  const runs = [
    run("nightly-1", "COMPLETED", "2024-01-01T02:00:00Z"),
    run("nightly-2", "FAILED", "2024-01-02T02:00:00Z"),
    run("nightly-3", "COMPLETED", "2024-01-03T02:00:00Z"),
    run("nightly-4", "FAILED", "2024-01-04T02:00:00Z"),
    run("nightly-5", "COMPLETED", "2024-01-05T02:00:00Z"),
    run("nightly-6", "RUNNING", "2024-01-06T02:00:00Z"),
  ];

  it("keeps the newest finished runs in the status and prunes the rest, oldest first, with events", () => {
    const decision = decideAt(app, "2024-01-08T12:00:00Z", runs);
    assert.deepEqual(decision.status.pastSuccessfulRunNames, ["nightly-5", "nightly-3"]);
    assert.deepEqual(
      decision.status.pastFailedRunNames,
      ["nightly-4"],
      "failedRunHistoryLimit defaults to 1",
    );
    assert.deepEqual(decision.actions, [
      { kind: "deleteRun", name: "nightly-1", why: "COMPLETED and beyond successfulRunHistoryLimit 2" },
      { kind: "deleteRun", name: "nightly-2", why: "FAILED and beyond failedRunHistoryLimit 1" },
    ]);
    assert.deepEqual(reasons(decision.events), ["RunPruned", "RunPruned"]);
  });

  it("keeps no finished run with limits of 0", () => {
    const none = { ...app, spec: { ...app.spec, successfulRunHistoryLimit: 0, failedRunHistoryLimit: 0 } };
    const decision = decideAt(none, "2024-01-08T12:00:00Z", runs);
    assert.deepEqual(decision.status.pastSuccessfulRunNames, []);
    assert.equal(decision.actions.length, 5);
  });

  it("prunes after creating, within one decision", () => {
    const due = { ...app, status: { ...SCHEDULED, nextRun: "2024-01-08T02:00:00Z" } };
    assert.deepEqual(kinds(decideAt(due, "2024-01-08T02:00:00Z", runs)), [
      "createRun nightly-1704679200",
      "deleteRun nightly-1",
      "deleteRun nightly-2",
    ]);
  });
});
