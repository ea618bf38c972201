import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AppDemand } from "../../../../api/v1beta2/demand.js";
import { AdmissionBook } from "../book.js";
import { type ClusterCapacity, decideAdmission, type QueuedApp, type QueueView } from "./admission.js";

const demand = (cpu: number, memoryMiB = 1024): AppDemand => ({
  cpu,
  memoryMiB,
  executors: 1,
  from: "spec.driver and spec.executor",
});
let clock = 0;
/** Decides over `apps` as the controller does: the admitted ones enter through the book's totals. */
function decide(input: { queues: QueueView[]; apps: QueuedApp[]; capacity?: ClusterCapacity }) {
  const book = new AdmissionBook();
  for (const [i, a] of input.apps.entries()) book.set(`pod-${i}`, a);
  const d = decideAdmission({
    queues: input.queues,
    usage: (q) => book.usage(q),
    clusterUsage: book.clusterUsage(),
    waiting: book.waiting(),
    ...(input.capacity ? { capacity: input.capacity } : {}),
  });
  return { ...d, admit: d.admit.map((a) => a.key) };
}
const app = (name: string, cpu: number, more: Partial<QueuedApp> = {}): QueuedApp => ({
  key: `default/${name}`,
  queue: "batch",
  demand: demand(cpu),
  priority: 0,
  since: new Date(Date.UTC(2026, 0, 1, 0, 0, clock++)).toISOString(),
  admitted: false,
  ...more,
});
const batch: QueueView = { name: "batch", cpu: 3, priority: 0 };

describe("decideAdmission", () => {
  it("admits in arrival order while the quota holds, the rest wait with position and the numbers", () => {
    const d = decide({ queues: [batch], apps: [app("a", 2), app("b", 2), app("c", 2)] });
    assert.deepEqual(d.admit, ["default/a"]);
    const waiting = d.queues.get("batch")!.waiting;
    assert.deepEqual(
      waiting.map((w) => [w.app.key, w.position]),
      [
        ["default/b", 1],
        ["default/c", 2],
      ],
    );
    assert.equal(waiting[0]!.reason, "needs 2 CPU; queue batch has 1 CPU free of 3 CPU (1 running app)");
    assert.equal(waiting[1]!.reason, "waits for the apps ahead of it in queue batch");
    assert.equal(d.queues.get("batch")!.usage.cpu, 2);
  });

  it("counts apps already admitted and admits the next as soon as one is gone", () => {
    const running = app("a", 2, { admitted: true });
    const b = app("b", 2);
    assert.deepEqual(decide({ queues: [batch], apps: [running, b] }).admit, []);
    assert.deepEqual(decide({ queues: [batch], apps: [b] }).admit, ["default/b"]);
  });

  it("admits several at once when they fit together", () => {
    const d = decide({
      queues: [batch],
      apps: [app("a", 1), app("b", 1), app("c", 1), app("d", 1)],
    });
    assert.deepEqual(d.admit, ["default/a", "default/b", "default/c"]);
    assert.equal(d.queues.get("batch")!.usage.running, 3);
  });

  it("orders by priority first, then arrival", () => {
    const low = app("low", 2);
    const high = app("high", 2, { priority: 100 });
    assert.deepEqual(decide({ queues: [batch], apps: [low, high] }).admit, ["default/high"]);
  });

  it("holds the queue behind a head that does not fit yet (no starvation by smaller apps)", () => {
    const d = decide({
      queues: [batch],
      apps: [app("running", 2, { admitted: true }), app("big", 3), app("small", 1)],
    });
    assert.deepEqual(d.admit, []);
    assert.match(d.queues.get("batch")!.waiting[1]!.reason, /ahead of it/);
  });

  it("skips an app that can never fit the quota and says which field", () => {
    const d = decide({ queues: [batch], apps: [app("huge", 8), app("ok", 1)] });
    assert.deepEqual(d.admit, ["default/ok"]);
    const huge = d.queues.get("batch")!.waiting.find((w) => w.app.key === "default/huge")!;
    assert.equal(huge.neverFits, true);
    assert.match(huge.reason, /needs 8 CPU .* spec\.quota\.cpu 3 CPU/);
  });

  it("honours the memory quota", () => {
    const q: QueueView = { name: "batch", memoryMiB: 3072, priority: 0 };
    const d = decide({
      queues: [q],
      apps: [app("a", 1, { demand: demand(1, 2048) }), app("b", 1, { demand: demand(1, 2048) })],
    });
    assert.deepEqual(d.admit, ["default/a"]);
    assert.equal(
      d.queues.get("batch")!.waiting[0]!.reason,
      "needs 2 GiB; queue batch has 1 GiB free of 3 GiB (1 running app)",
    );
  });

  it("honours maxRunningApplications, and 0 admits nothing ever", () => {
    const two: QueueView = { name: "batch", maxRunning: 2, priority: 0 };
    const d = decide({ queues: [two], apps: [app("a", 1), app("b", 1), app("c", 1)] });
    assert.deepEqual(d.admit, ["default/a", "default/b"]);
    assert.match(d.queues.get("batch")!.waiting[0]!.reason, /maximum of 2 apps/);
    const closed = decide({ queues: [{ ...two, maxRunning: 0 }], apps: [app("a", 1)] });
    assert.equal(closed.queues.get("batch")!.waiting[0]!.neverFits, true);
  });

  it("without quotas admits everything", () => {
    const open: QueueView = { name: "batch", priority: 0 };
    assert.equal(decide({ queues: [open], apps: [app("a", 50), app("b", 50)] }).admit.length, 2);
  });

  it("an app naming a missing queue waits and says how to fix it", () => {
    const d = decide({ queues: [batch], apps: [app("lost", 1, { queue: "nope" })] });
    assert.deepEqual(d.admit, []);
    assert.match(d.orphans[0]!.reason, /queue nope does not exist: .*spec\.batchSchedulerOptions\.queue/);
  });

  it("the cluster's capacity goes to higher-priority queues first; a short queue holds only those below", () => {
    const gold: QueueView = { name: "gold", priority: 10 };
    const silver: QueueView = { name: "silver", priority: 5 };
    const bronze: QueueView = { name: "bronze", priority: 5 };
    const apps = [
      app("g1", 3, { queue: "gold" }),
      app("g2", 3, { queue: "gold" }),
      app("s1", 1, { queue: "silver" }),
      app("b1", 1, { queue: "bronze" }),
    ];
    const d = decide({ queues: [bronze, silver, gold], apps, capacity: { cpu: 4, memoryMiB: 1e6 } });
    assert.deepEqual(d.admit, ["default/g1"]);
    assert.match(d.queues.get("gold")!.waiting[0]!.reason, /the cluster has 1 CPU of 4 CPU allocatable left/);
    assert.match(d.queues.get("silver")!.waiting[0]!.reason, /higher priority are waiting/);
    const equal = decide({
      queues: [bronze, silver],
      apps: [app("s2", 3, { queue: "silver" }), app("b2", 1, { queue: "bronze" })],
      capacity: { cpu: 2, memoryMiB: 1e6 },
    });
    assert.deepEqual(equal.admit, ["default/b2"], "a queue of equal priority is not held");
  });

  it("counts admitted apps of every queue, and of missing queues, against the cluster", () => {
    const d = decide({
      queues: [batch],
      apps: [app("x", 3, { queue: "gone", admitted: true }), app("a", 2)],
      capacity: { cpu: 4, memoryMiB: 1e6 },
    });
    assert.deepEqual(d.admit, []);
  });
});
