import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { SparkApplicationSpec } from "../v1beta2/sparkapplication.js";
import {
  MAX_LEDGER_PODS,
  parseLedger,
  podCost,
  podEnded,
  podSeconds,
  recordEnded,
  usedCpuByPod,
} from "./cost.js";

const T0 = Date.parse("2026-12-03T10:00:00Z");
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

describe("podSeconds", () => {
  test("start to the last container's end once all ended", () => {
    const pod = {
      status: {
        startTime: at(0),
        containerStatuses: [
          { state: { terminated: { finishedAt: at(30) } } },
          { state: { terminated: { finishedAt: at(42) } } },
        ],
      },
    };
    assert.equal(podSeconds(pod, T0 + 1e6), 42);
  });
  test("a running pod counts until now, a deleted one until its deletion, one not started is 0", () => {
    assert.equal(
      podSeconds({ status: { startTime: at(0), containerStatuses: [{ state: {} }] } }, T0 + 10_000),
      10,
    );
    assert.equal(
      podSeconds({ metadata: { deletionTimestamp: at(5) }, status: { startTime: at(0) } }, T0 + 60_000),
      5,
    );
    assert.equal(podSeconds({ status: {} }, T0 + 60_000), 0);
    assert.equal(podSeconds({ status: { startTime: "garbage" } }, T0), 0);
  });
});

test("podEnded: terminal phases and deletion", () => {
  assert.equal(podEnded({ status: { phase: "Succeeded" } }), true);
  assert.equal(podEnded({ status: { phase: "Failed" } }), true);
  assert.equal(podEnded({ status: { phase: "Running" }, metadata: { deletionTimestamp: at(1) } }), true);
  assert.equal(podEnded({ status: { phase: "Running" } }), false);
});

test("podCost: Spark's requests (cores, heap plus overhead) times seconds", () => {
  const spec = {
    type: "Scala",
    driver: { cores: 2, memory: "1g" },
    executor: { cores: 1, coreRequest: "500m", memory: "2g" },
  } as unknown as SparkApplicationSpec;
  // driver: 1024 MiB heap + 384 MiB minimum overhead = 1.375 GiB
  assert.deepEqual(podCost(spec, "driver", 100), { cpuCoreSeconds: 200, memoryGiBSeconds: 137.5 });
  // executor: coreRequest 0.5; 2048 + 384 MiB (10% is below the 384 MiB floor) = 2.375 GiB
  assert.deepEqual(podCost(spec, "executor", 10), { cpuCoreSeconds: 5, memoryGiBSeconds: 23.75 });
  assert.equal(podCost({ ...spec, driver: { memory: "lots" } } as never, "driver", 1), undefined);
});

describe("the ledger", () => {
  const c = (cpu: number) => ({ cpuCoreSeconds: cpu, memoryGiBSeconds: cpu * 2 });
  test("counts each pod once, however often its end is seen", () => {
    const first = recordEnded(parseLedger(undefined), [{ name: "a", cost: c(10) }]);
    assert.deepEqual(
      first.added.map((a) => a.name),
      ["a"],
    );
    const again = recordEnded(first.ledger, [
      { name: "a", cost: c(10) },
      { name: "b", cost: c(1) },
    ]);
    assert.deepEqual(
      again.added.map((a) => a.name),
      ["b"],
    );
    assert.equal(again.ledger.cpuCoreSeconds, 11);
    assert.equal(again.ledger.memoryGiBSeconds, 22);
    const none = recordEnded(again.ledger, [{ name: "b", cost: c(1) }]);
    assert.equal(none.added.length, 0);
    assert.equal(none.ledger, again.ledger);
    assert.deepEqual(parseLedger(JSON.stringify(again.ledger)), again.ledger);
  });
  test("bad annotation text reads as empty; past the cap pods are left out and it says truncated", () => {
    assert.deepEqual(parseLedger("{nope"), { cpuCoreSeconds: 0, memoryGiBSeconds: 0, pods: {} });
    assert.deepEqual(parseLedger('{"cpuCoreSeconds":"1"}'), {
      cpuCoreSeconds: 0,
      memoryGiBSeconds: 0,
      pods: {},
    });
    const full = {
      cpuCoreSeconds: 0,
      memoryGiBSeconds: 0,
      pods: Object.fromEntries(
        Array.from({ length: MAX_LEDGER_PODS }, (_, i) => [`p${i}`, [0, 0] as [number, number]]),
      ),
    };
    const over = recordEnded(full, [{ name: "late", cost: c(5) }]);
    assert.equal(over.added.length, 0);
    assert.equal(over.ledger.truncated, true);
    assert.equal(over.ledger.cpuCoreSeconds, 0);
  });
  test("used CPU: summed over the pods whose node reported it, kept per pod as a third number", () => {
    const first = recordEnded(parseLedger(undefined), [
      { name: "d", cost: c(4), usedCpuCoreSeconds: 1.23456 },
      { name: "e", cost: c(2) },
    ]);
    assert.equal(first.ledger.usedCpuCoreSeconds, 1.235);
    assert.deepEqual(first.ledger.pods.d, [4, 8, 1.235]);
    assert.deepEqual(first.ledger.pods.e, [2, 4]);
    const next = recordEnded(first.ledger, [{ name: "f", cost: c(1), usedCpuCoreSeconds: 0.5 }]);
    assert.equal(next.ledger.usedCpuCoreSeconds, 1.735);
    assert.deepEqual(parseLedger(JSON.stringify(next.ledger)), next.ledger);
    assert.equal(
      parseLedger(JSON.stringify(recordEnded(parseLedger(undefined), [{ name: "g", cost: c(1) }]).ledger))
        .usedCpuCoreSeconds,
      undefined,
      "no node reported: no used figure, not 0",
    );
  });
});

test("usedCpuByPod: each pod's usageCoreNanoSeconds from a Summary API document, in seconds", () => {
  const used = usedCpuByPod({
    pods: [
      { podRef: { uid: "a" }, cpu: { usageCoreNanoSeconds: 2_500_000_000 } },
      { podRef: { uid: "b" }, cpu: {} },
      { podRef: {}, cpu: { usageCoreNanoSeconds: 1 } },
      { podRef: { uid: "c" }, cpu: { usageCoreNanoSeconds: -1 } },
    ],
  });
  assert.deepEqual([...used], [["a", 2.5]]);
  assert.equal(usedCpuByPod({}).size, 0);
});
