import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addSchedulingGates } from "./scheduling-gates.js";

describe("addSchedulingGates", () => {
  it("adds each gate once, after the pod's own, and leaves a pod without gates to add alone", () => {
    const pod = { spec: { containers: [], schedulingGates: [{ name: "theirs" }] } };
    addSchedulingGates(pod, ["a", "theirs", "b", "a"]);
    assert.deepEqual(
      pod.spec.schedulingGates.map((g) => g.name),
      ["theirs", "a", "b"],
    );
    const plain = { spec: { containers: [] } };
    addSchedulingGates(plain, []);
    addSchedulingGates(plain, undefined);
    assert.equal("schedulingGates" in plain.spec, false);
  });
  it("creates a spec for a template that has none", () => {
    const template = addSchedulingGates({}, ["g"]);
    assert.deepEqual(template.spec?.schedulingGates, [{ name: "g" }]);
  });
});
