import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { cpuFileOf, nanoCores, parseTimes, statsSummary } from "./usage.js";

describe("parseTimes: the children's CPU from the shell builtin `times`", () => {
  test("dash's six decimals and bash's three; user + system of the second line", () => {
    assert.equal(parseTimes("0m0.000000s 0m0.000000s\n0m0.220000s 0m0.030000s\n"), 250_000_000);
    assert.equal(parseTimes("0m0.004s 0m0.001s\n2m1.500s 0m0.250s\n"), 121_750_000_000);
  });
  test("nothing readable: undefined, not zero", () => {
    assert.equal(parseTimes(""), undefined);
    assert.equal(parseTimes("0m0.1s 0m0.1s"), undefined);
    assert.equal(parseTimes("a\nb c\n"), undefined);
  });
  test("the CPU file sits beside the exit file", () => {
    assert.equal(cpuFileOf("/s/pods/u/run/c-0.exit"), "/s/pods/u/run/c-0.exit.cpu");
  });
});

describe("nanoCores", () => {
  test("the rate between two readings", () => {
    assert.equal(nanoCores({ at: 1_000, cpuNanos: 0 }, { at: 3_000, cpuNanos: 1e9 }), 500_000_000);
  });
  test("no earlier reading, the same instant, or a counter that went back: no rate", () => {
    assert.equal(nanoCores(undefined, { at: 1, cpuNanos: 1 }), undefined);
    assert.equal(nanoCores({ at: 5, cpuNanos: 1 }, { at: 5, cpuNanos: 2 }), undefined);
    assert.equal(nanoCores({ at: 1, cpuNanos: 9 }, { at: 5, cpuNanos: 2 }), undefined);
  });
});

describe("statsSummary: the kubelet Summary API document", () => {
  const node = { name: "n1", startTime: "2026-12-03T10:00:00.000Z" };
  const now = Date.parse("2026-12-03T10:00:10.000Z");
  const pods = [
    {
      namespace: "ns",
      name: "app-driver",
      uid: "u1",
      startTime: "2026-12-03T10:00:01.000Z",
      containers: [
        {
          name: "spark-kubernetes-driver",
          startTime: "2026-12-03T10:00:02.000Z",
          cpuNanos: 4e9,
          memoryBytes: 300,
        },
        { name: "sidecar", cpuNanos: 1e9 },
      ],
    },
    { namespace: "ns", name: "exec-1", uid: "u2", startTime: "2026-12-03T10:00:03.000Z", containers: [] },
  ];

  test("pods with their containers' cumulative CPU and live memory; the node sums them", () => {
    const s = statsSummary(node, pods, now, new Map());
    assert.equal(s.node.nodeName, "n1");
    assert.equal(s.node.cpu.usageCoreNanoSeconds, 5e9);
    assert.equal(s.node.memory.workingSetBytes, 300);
    const [driver, exec] = s.pods;
    assert.deepEqual(driver!.podRef, { name: "app-driver", namespace: "ns", uid: "u1" });
    assert.equal(driver!.cpu.usageCoreNanoSeconds, 5e9);
    assert.equal(driver!.cpu.usageNanoCores, undefined);
    assert.equal(driver!.cpu.time, "2026-12-03T10:00:10.000Z");
    assert.equal(driver!.memory?.workingSetBytes, 300);
    assert.equal(driver!.containers[0]!.startTime, "2026-12-03T10:00:02.000Z");
    assert.equal(driver!.containers[1]!.memory, undefined, "an ended container has no memory reading");
    assert.equal(exec!.memory, undefined);
    assert.equal(exec!.cpu.usageCoreNanoSeconds, 0);
  });

  test("rates from the previous readings, per container, summed per pod and node", () => {
    const previous = new Map([
      ["u1/spark-kubernetes-driver", { at: now - 2_000, cpuNanos: 3e9 }],
      ["u1/sidecar", { at: now - 2_000, cpuNanos: 1e9 }],
    ]);
    const s = statsSummary(node, pods, now, previous);
    assert.equal(s.pods[0]!.containers[0]!.cpu.usageNanoCores, 500_000_000);
    assert.equal(s.pods[0]!.containers[1]!.cpu.usageNanoCores, 0);
    assert.equal(s.pods[0]!.cpu.usageNanoCores, 500_000_000);
    assert.equal(s.node.cpu.usageNanoCores, 500_000_000);
    assert.equal(s.pods[1]!.cpu.usageNanoCores, undefined);
  });
});
