import assert from "node:assert/strict";
import { test } from "node:test";
import { isUnschedulable } from "./controller.js";

const cond = (status: string, reason?: string) => ({ type: "PodScheduled", status, reason });

test("only a Pending, unbound pod the scheduler marked Unschedulable leads to a diagnosis", () => {
  assert.equal(
    isUnschedulable({ status: { phase: "Pending", conditions: [cond("False", "Unschedulable")] } }),
    true,
  );
  assert.equal(
    isUnschedulable({ status: { conditions: [cond("False", "Unschedulable")] } }),
    true,
    "no phase yet",
  );
  assert.equal(
    isUnschedulable({ status: { phase: "Pending", conditions: [cond("False", "SchedulingGated")] } }),
    false,
  );
  assert.equal(isUnschedulable({ status: { phase: "Pending", conditions: [cond("True")] } }), false);
  assert.equal(isUnschedulable({ status: { phase: "Pending" } }), false, "not tried yet");
  assert.equal(
    isUnschedulable({
      spec: { nodeName: "n" },
      status: { phase: "Pending", conditions: [cond("False", "Unschedulable")] },
    }),
    false,
  );
  assert.equal(
    isUnschedulable({ status: { phase: "Running", conditions: [cond("False", "Unschedulable")] } }),
    false,
  );
});
