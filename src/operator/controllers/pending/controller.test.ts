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

import type { V1Node, V1Pod } from "@kubernetes/client-node";
import type { SparkApplication } from "../../../api/v1beta2/sparkapplication.js";
import type { EventRecorder } from "../../../kube/events.js";
import { silentLog } from "../../../kube/log.js";
import { diagnosisDelay, PendingController } from "./controller.js";

test("diagnosisDelay: now when never diagnosed or the interval passed, else the rest of it", () => {
  assert.equal(diagnosisDelay(undefined, 1000, 10_000), 0);
  assert.equal(diagnosisDelay(0, 10_000, 10_000), 0);
  assert.equal(diagnosisDelay(0, 25_000, 10_000), 0);
  assert.equal(diagnosisDelay(5000, 8000, 10_000), 7000);
});

function fixture() {
  const app = {
    apiVersion: "sparkoperator.k8s.io/v1beta2",
    kind: "SparkApplication",
    metadata: { name: "pi", namespace: "ns", uid: "u1" },
    spec: { driver: { cores: 1 }, executor: { cores: 1, instances: 1 } },
  } as unknown as SparkApplication;
  const driver: V1Pod = {
    metadata: { name: "pi-driver", namespace: "ns", labels: { "spark-role": "driver" } },
    spec: { containers: [{ name: "", resources: { requests: { cpu: "8", memory: "1Gi" } } }] },
    status: { phase: "Pending", conditions: [cond("False", "Unschedulable")] },
  } as V1Pod;
  const node = {
    metadata: { name: "n1" },
    status: { allocatable: { cpu: "4", memory: "16Gi", pods: "110" } },
  } as V1Node;
  const said: string[] = [];
  let now = 0;
  let boundCalls = 0;
  const controller = new PendingController({
    app: (ns, name) => (ns === "ns" && name === "pi" ? app : undefined),
    podsOf: () => [driver],
    nodes: () => [node],
    boundPodsOn: (names) => {
      boundCalls++;
      assert.deepEqual(names, ["n1"]);
      return [];
    },
    events: {
      event: (_o: unknown, _t: string, _r: string, m: string) => said.push(m),
    } as never as EventRecorder,
    log: silentLog,
    intervalMs: 10_000,
    now: () => now,
  });
  return { controller, said, setNow: (t: number) => (now = t), boundCalls: () => boundCalls, driver };
}

test("a diagnosis reads only the caches it is given and says a reason once", () => {
  const f = fixture();
  assert.equal(f.controller.reconcile("ns/pi"), undefined);
  assert.equal(f.said.length, 1);
  assert.match(f.said[0]!, /driver pi-driver Pending: .*8 CPU/);
  f.setNow(20_000);
  assert.equal(f.controller.reconcile("ns/pi"), undefined, "same message: no second event");
  assert.equal(f.said.length, 1);
  assert.equal(f.boundCalls(), 2);
});

test("a second diagnosis within the interval is deferred to its end, not run", () => {
  const f = fixture();
  f.controller.reconcile("ns/pi");
  f.setNow(4000);
  assert.deepEqual(f.controller.reconcile("ns/pi"), { requeueAfterMs: 6000 });
  assert.equal(f.boundCalls(), 1);
});

test("an app without unschedulable pods, or gone, is forgotten: its next diagnosis runs at once", () => {
  const f = fixture();
  f.controller.reconcile("ns/pi");
  f.driver.status = { phase: "Running" };
  assert.equal(f.controller.reconcile("ns/pi"), undefined);
  f.driver.status = { phase: "Pending", conditions: [cond("False", "Unschedulable")] };
  f.setNow(1);
  assert.equal(f.controller.reconcile("ns/pi"), undefined, "not deferred: the app was forgotten");
  assert.equal(f.said.length, 2, "the reason is said again after the pods were placed once");
  assert.equal(f.controller.reconcile("ns/gone"), undefined);
});
