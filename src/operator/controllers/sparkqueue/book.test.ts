import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AdmissionBook } from "./book.js";
import type { QueuedApp } from "./decide/admission.js";

const app = (name: string, cpu: number, more: Partial<QueuedApp> = {}): QueuedApp => ({
  key: `default/${name}`,
  queue: "batch",
  demand: { cpu, memoryMiB: cpu * 1024, executors: 1, from: "spec.driver and spec.executor" },
  priority: 0,
  since: "2026-12-03T00:00:00Z",
  admitted: false,
  ...more,
});

describe("AdmissionBook", () => {
  it("sums the admitted apps per queue and over all queues; waiting apps use nothing", () => {
    const book = new AdmissionBook();
    book.set("p1", app("a", 2, { admitted: true }));
    book.set("p2", app("b", 1, { admitted: true, queue: "other" }));
    book.set("p3", app("c", 4));
    assert.deepEqual(book.usage("batch"), { running: 1, cpu: 2, memoryMiB: 2048 });
    assert.deepEqual(book.usage("other"), { running: 1, cpu: 1, memoryMiB: 1024 });
    assert.deepEqual(book.usage("none"), { running: 0, cpu: 0, memoryMiB: 0 });
    assert.deepEqual(book.clusterUsage(), { running: 2, cpu: 3, memoryMiB: 3072 });
    assert.deepEqual(
      book.waiting().map((a) => a.key),
      ["default/c"],
    );
    assert.equal(book.size, 3);
  });

  it("moves an app from waiting to running when it is set admitted, and takes it out when unset", () => {
    const book = new AdmissionBook();
    const waiting = app("a", 2);
    book.set("p1", waiting);
    book.set("p1", { ...waiting, admitted: true });
    assert.deepEqual(book.waiting(), []);
    assert.equal(book.usage("batch").cpu, 2);
    book.set("p1", undefined);
    assert.deepEqual(book.usage("batch"), { running: 0, cpu: 0, memoryMiB: 0 });
    assert.equal(book.size, 0);
    assert.equal(book.get("p1"), undefined);
  });

  it("replaces a pod's entry whole when its app changes queue or demand", () => {
    const book = new AdmissionBook();
    book.set("p1", app("a", 2, { admitted: true }));
    book.set("p1", app("a", 3, { admitted: true, queue: "other" }));
    assert.equal(book.usage("batch").running, 0);
    assert.deepEqual(book.usage("other"), { running: 1, cpu: 3, memoryMiB: 3072 });
    assert.equal(book.clusterUsage().cpu, 3);
  });

  it("lists running apps in admission order, re-setting the same entry keeps its place", () => {
    const book = new AdmissionBook();
    const first = app("a", 1, { admitted: true });
    book.set("p1", first);
    book.set("p2", app("b", 1, { admitted: true }));
    book.set("p3", app("c", 1, { admitted: true }));
    book.set("p1", first);
    assert.deepEqual(
      book.running("batch", 10).map((a) => a.key),
      ["default/a", "default/b", "default/c"],
    );
    assert.equal(book.running("batch", 2).length, 2);
  });

  it("ends at exactly zero after fractional demands come and go", () => {
    const book = new AdmissionBook();
    for (let i = 0; i < 1000; i++) book.set(`p${i}`, app(`a${i}`, 0.1, { admitted: true }));
    for (let i = 0; i < 1000; i++) book.set(`p${i}`, undefined);
    assert.deepEqual(book.usage("batch"), { running: 0, cpu: 0, memoryMiB: 0 });
    assert.deepEqual(book.clusterUsage(), { running: 0, cpu: 0, memoryMiB: 0 });
    assert.equal(book.size, 0);
  });
});
