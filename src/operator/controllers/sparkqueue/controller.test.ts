import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubernetesObject } from "@kubernetes/client-node";
import { SchedulingGate } from "../../../api/sparkplane/constants.js";
import { admissionInputChanged } from "./cached-objects.js";

const pod = (over: {
  gated?: boolean;
  phase?: string;
  deleting?: boolean;
  priority?: number;
  app?: string;
}) =>
  ({
    metadata: {
      name: "d",
      labels: { "sparkoperator.k8s.io/app-name": over.app ?? "a" },
      ...(over.deleting ? { deletionTimestamp: "2026-12-03T00:00:00Z" } : {}),
    },
    spec: {
      ...(over.gated ? { schedulingGates: [{ name: SchedulingGate.Queue }] } : {}),
      ...(over.priority !== undefined ? { priority: over.priority } : {}),
    },
    status: { phase: over.phase ?? "Pending", conditions: [] },
  }) as KubernetesObject;

test("admissionInputChanged: gate, phase, deletion, priority and app are inputs; other updates are not", () => {
  const base = pod({ gated: true });
  assert.equal(admissionInputChanged(base, pod({ gated: true })), false, "a condition or binding only");
  assert.equal(admissionInputChanged(base, pod({ gated: false })), true, "the gate removed");
  assert.equal(admissionInputChanged(base, pod({ gated: true, phase: "Failed" })), true);
  assert.equal(admissionInputChanged(base, pod({ gated: true, deleting: true })), true);
  assert.equal(admissionInputChanged(base, pod({ gated: true, priority: 5 })), true);
  assert.equal(admissionInputChanged(base, pod({ gated: true, app: "b" })), true);
});
