import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SparkApplication } from "../../api/v1beta2/sparkapplication.js";
import { gatesOf, PodShaping } from "./pod-shaping.js";

const run = {
  app: { metadata: { name: "a" }, spec: {} } as unknown as SparkApplication,
  submissionId: "s",
};

describe("gatesOf", () => {
  it("merges the providers' gates in order, each once", () => {
    const gates = gatesOf(
      [
        () => ({ driver: ["q"] }),
        () => undefined,
        (r) => ({ driver: ["p", "q"], executor: [r.submissionId === "s" ? "p" : "x"] }),
      ],
      run,
    );
    assert.deepEqual(gates, { driver: ["q", "p"], executor: ["p"] });
  });
  it("no providers: no gates", () => {
    assert.deepEqual(gatesOf([], run), { driver: [], executor: [] });
  });
});

describe("PodShaping", () => {
  it("gives the same gates in the same order whatever order the providers registered in", () => {
    const forward = new PodShaping();
    forward.addGateProvider("placement", () => ({ driver: ["p"], executor: ["p"] }));
    forward.addGateProvider("sparkqueue", () => ({ driver: ["q"] }));
    const reverse = new PodShaping();
    reverse.addGateProvider("sparkqueue", () => ({ driver: ["q"] }));
    reverse.addGateProvider("placement", () => ({ driver: ["p"], executor: ["p"] }));
    assert.deepEqual(forward.gatesFor(run), { driver: ["p", "q"], executor: ["p"] });
    assert.deepEqual(reverse.gatesFor(run), forward.gatesFor(run));
    assert.deepEqual(reverse.owners(), ["placement", "sparkqueue"]);
  });
  it("reads the providers at each run: one registered later counts from then on", () => {
    const shaping = new PodShaping();
    assert.deepEqual(shaping.gatesFor(run), { driver: [], executor: [] });
    shaping.addGateProvider("sparkqueue", () => ({ driver: ["q"] }));
    assert.deepEqual(shaping.gatesFor(run).driver, ["q"]);
  });
  it("refuses a second provider of the same owner", () => {
    const shaping = new PodShaping();
    shaping.addGateProvider("x", () => undefined);
    assert.throws(() => shaping.addGateProvider("x", () => undefined), /twice/);
  });
});
