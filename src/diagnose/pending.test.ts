import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { V1Node, V1Pod } from "@kubernetes/client-node";
import { SchedulingGate } from "../api/sparkplane/constants.js";
import { sparkPiApp } from "../api/v1beta2/fixtures.test-helpers.js";
import { diagnosePending, formatCpu, formatMemory, summarizePending } from "./pending.js";
import { freeByNode, matchesNodeSelection, podRequests, untoleratedTaints } from "./pod-fit.js";

function node(name: string, cpu: string, memory: string, extra: Partial<V1Node> = {}): V1Node {
  return {
    metadata: { name, labels: { "kubernetes.io/hostname": name, ...extra.metadata?.labels } },
    spec: extra.spec ?? {},
    status: { allocatable: { cpu, memory, pods: "110" } },
  };
}

function pod(
  name: string,
  role: "driver" | "executor",
  requests: { cpu: string; memory: string },
  spec: Partial<NonNullable<V1Pod["spec"]>> = {},
  status: V1Pod["status"] = { phase: "Pending" },
): V1Pod {
  return {
    metadata: { name, labels: { "spark-role": role } },
    spec: { containers: [{ name: "spark-kubernetes-" + role, resources: { requests } }], ...spec },
    status,
  };
}

const bound = (name: string, nodeName: string, cpu: string, memory = "1Gi"): V1Pod =>
  pod(name, "executor", { cpu, memory }, { nodeName }, { phase: "Running" });

describe("pod fit", () => {
  it("requests: containers summed, the largest init container when bigger, plus overhead", () => {
    const p = pod(
      "p",
      "driver",
      { cpu: "500m", memory: "1Gi" },
      {
        containers: [
          { name: "a", resources: { requests: { cpu: "500m", memory: "1Gi" } } },
          { name: "b", resources: { requests: { cpu: "250m" } } },
        ],
        initContainers: [{ name: "i", resources: { requests: { cpu: "2", memory: "512Mi" } } }],
        overhead: { cpu: "100m" },
      },
    );
    assert.deepEqual(podRequests(p), { cpu: 2.1, memory: 2 ** 30, pods: 1 });
  });

  it("free: allocatable minus live bound pods; finished pods and other nodes' pods do not count", () => {
    const free = freeByNode(
      [node("n1", "4", "8Gi"), node("n2", "2", "4Gi")],
      [
        bound("a", "n1", "1500m"),
        { ...bound("done", "n1", "2"), status: { phase: "Succeeded" } },
        bound("b", "n2", "1", "3Gi"),
        bound("elsewhere", "gone", "8"),
      ],
    );
    assert.deepEqual(free.get("n1"), { cpu: 2.5, memory: 7 * 2 ** 30, pods: 109 });
    assert.deepEqual(free.get("n2"), { cpu: 1, memory: 2 ** 30, pods: 109 });
  });

  it("taints: NoSchedule and NoExecute need a toleration (Equal or Exists); PreferNoSchedule does not", () => {
    const tainted = node("v", "8", "8Gi", {
      spec: {
        taints: [
          { key: "virtual-kubelet.io/provider", value: "alibabacloud", effect: "NoSchedule" },
          { key: "soft", effect: "PreferNoSchedule" },
        ],
      },
    });
    const bare = pod("p", "executor", { cpu: "1", memory: "1Gi" });
    assert.deepEqual(
      untoleratedTaints(bare, tainted).map((t) => t.key),
      ["virtual-kubelet.io/provider"],
    );
    const equal = pod(
      "p",
      "executor",
      { cpu: "1", memory: "1Gi" },
      {
        tolerations: [
          {
            key: "virtual-kubelet.io/provider",
            operator: "Equal",
            value: "alibabacloud",
            effect: "NoSchedule",
          },
        ],
      },
    );
    assert.deepEqual(untoleratedTaints(equal, tainted), []);
    const wrongValue = pod(
      "p",
      "executor",
      { cpu: "1", memory: "1Gi" },
      {
        tolerations: [{ key: "virtual-kubelet.io/provider", operator: "Equal", value: "aws" }],
      },
    );
    assert.equal(untoleratedTaints(wrongValue, tainted).length, 1);
    const everything = pod(
      "p",
      "executor",
      { cpu: "1", memory: "1Gi" },
      { tolerations: [{ operator: "Exists" }] },
    );
    assert.deepEqual(untoleratedTaints(everything, tainted), []);
    const otherEffect = pod(
      "p",
      "executor",
      { cpu: "1", memory: "1Gi" },
      {
        tolerations: [{ key: "virtual-kubelet.io/provider", operator: "Exists", effect: "NoExecute" }],
      },
    );
    assert.equal(untoleratedTaints(otherEffect, tainted).length, 1);
  });

  it("selection: nodeSelector and required affinity (In, NotIn, Exists, DoesNotExist, Gt, Lt; terms ORed)", () => {
    const amd = node("a", "4", "8Gi", { metadata: { labels: { "kubernetes.io/arch": "amd64", gen: "5" } } });
    const affinity = (op: string, values?: string[], key = "gen") =>
      pod(
        "p",
        "executor",
        { cpu: "1", memory: "1Gi" },
        {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  { matchExpressions: [{ key, operator: op, ...(values ? { values } : {}) }] },
                ],
              },
            },
          },
        },
      );
    assert.equal(
      matchesNodeSelection(
        pod("p", "driver", { cpu: "1", memory: "1" }, { nodeSelector: { "kubernetes.io/arch": "amd64" } }),
        amd,
      ),
      true,
    );
    assert.equal(
      matchesNodeSelection(
        pod("p", "driver", { cpu: "1", memory: "1" }, { nodeSelector: { "kubernetes.io/arch": "arm64" } }),
        amd,
      ),
      false,
    );
    assert.equal(matchesNodeSelection(affinity("In", ["4", "5"]), amd), true);
    assert.equal(matchesNodeSelection(affinity("NotIn", ["5"]), amd), false);
    assert.equal(matchesNodeSelection(affinity("Exists"), amd), true);
    assert.equal(matchesNodeSelection(affinity("DoesNotExist"), amd), false);
    assert.equal(matchesNodeSelection(affinity("Gt", ["4"]), amd), true);
    assert.equal(matchesNodeSelection(affinity("Lt", ["4"]), amd), false);
    assert.equal(matchesNodeSelection(affinity("Gt", ["x"]), amd), false);
    assert.equal(matchesNodeSelection(affinity("Bogus", ["x"]), amd), false);
    const ored = pod(
      "p",
      "executor",
      { cpu: "1", memory: "1Gi" },
      {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: "type", operator: "In", values: ["virtual-kubelet"] }] },
                { matchExpressions: [{ key: "kubernetes.io/arch", operator: "In", values: ["amd64"] }] },
              ],
            },
          },
        },
      },
    );
    assert.equal(matchesNodeSelection(ored, amd), true);
  });
});

describe("diagnosePending", () => {
  const app = sparkPiApp({ executor: { cores: 4, memory: "4g", instances: 2 } });
  const nodes = [node("n1", "4", "16Gi"), node("n2", "4", "16Gi")];
  const busy = [bound("x", "n1", "1500m"), bound("y", "n2", "2")];

  it("an executor asking more CPU than any node has free: the numbers and the field to lower", () => {
    const findings = diagnosePending({
      app,
      pods: [pod("exec-1", "executor", { cpu: "4", memory: "4505Mi" }), bound("spark-pi-driver", "n1", "1")],
      nodes,
      boundPods: busy,
    });
    assert.equal(findings.length, 1, "only the Pending pod");
    assert.deepEqual(findings[0], {
      pod: "exec-1",
      role: "executor",
      reason: "cpu",
      message: "needs 4 CPU per executor; largest free on any of the 2 nodes it may use 2.5 CPU",
      fix: "lower `spec.executor.cores` or add nodes",
    });
  });

  it("coreRequest set: the fix names it rather than cores", () => {
    const withRequest = sparkPiApp({ executor: { cores: 4, coreRequest: "3500m", instances: 1 } });
    const [f] = diagnosePending({
      app: withRequest,
      pods: [pod("e", "executor", { cpu: "3500m", memory: "1Gi" })],
      nodes: [node("n1", "2", "8Gi")],
      boundPods: [],
    });
    assert.equal(f?.fix, "lower `spec.executor.coreRequest` or add nodes");
    assert.match(f?.message ?? "", /largest free on the node it may use 2 CPU/);
  });

  it("memory short: needs vs largest free in GiB, the memory fields to lower", () => {
    const [f] = diagnosePending({
      app,
      pods: [pod("e", "executor", { cpu: "1", memory: "6Gi" })],
      nodes: [node("n1", "8", "8Gi")],
      boundPods: [bound("x", "n1", "1", "3Gi")],
    });
    assert.equal(f?.reason, "memory");
    assert.match(
      f?.message ?? "",
      /needs 6 GiB of memory per executor .*largest free on the node it may use 5 GiB/,
    );
    assert.match(f?.fix ?? "", /spec\.executor\.memory/);
  });

  it("both CPU and memory short (32 cores, 100g on a 16-CPU/64Gi node): names both, each with its field", () => {
    const big = sparkPiApp({ executor: { cores: 32, memory: "100g", instances: 1 } });
    const [f] = diagnosePending({
      app: big,
      pods: [pod("e", "executor", { cpu: "32", memory: "110Gi" })],
      nodes: [node("n1", "16", "64Gi")],
      boundPods: [bound("x", "n1", "1", "4Gi")],
    });
    assert.deepEqual(f, {
      pod: "e",
      role: "executor",
      reason: "cpu-and-memory",
      message:
        "needs 32 CPU and 110 GiB of memory per executor (spec.executor.memory plus overhead); largest free on the node it may use 15 CPU, 60 GiB",
      fix: "lower `spec.executor.cores` and `spec.executor.memory` (or `spec.executor.memoryOverhead`), or add nodes",
    });
  });

  it("CPU on one node, memory on another: says no single node has both", () => {
    const [f] = diagnosePending({
      app,
      pods: [pod("e", "executor", { cpu: "2", memory: "4Gi" })],
      nodes: [node("cpu-rich", "8", "1Gi"), node("mem-rich", "1", "64Gi")],
      boundPods: [],
    });
    assert.match(f?.message ?? "", /no node it may use has both free/);
  });

  it("untolerated taints on every node: names the taints and spec.<role>.tolerations", () => {
    const [f] = diagnosePending({
      app,
      pods: [pod("spark-pi-driver", "driver", { cpu: "1", memory: "1Gi" })],
      nodes: [
        node("v1", "8", "8Gi", {
          spec: {
            taints: [{ key: "virtual-kubelet.io/provider", value: "alibabacloud", effect: "NoSchedule" }],
          },
        }),
      ],
      boundPods: [],
    });
    assert.deepEqual(f, {
      pod: "spark-pi-driver",
      role: "driver",
      reason: "taint",
      message:
        "every node has a taint its tolerations miss: virtual-kubelet.io/provider=alibabacloud:NoSchedule",
      fix: "add a toleration to `spec.driver.tolerations`",
    });
  });

  it("a selector no node matches, and a selector whose nodes are all tainted", () => {
    const amd = node("a", "8", "8Gi", { metadata: { labels: { "kubernetes.io/arch": "amd64" } } });
    const virtual = node("v", "8", "8Gi", {
      metadata: { labels: { type: "virtual-kubelet" } },
      spec: { taints: [{ key: "virtual-kubelet.io/provider", value: "alibabacloud", effect: "NoSchedule" }] },
    });
    const [none] = diagnosePending({
      app,
      pods: [
        pod(
          "e",
          "executor",
          { cpu: "1", memory: "1Gi" },
          { nodeSelector: { "kubernetes.io/arch": "arm64" } },
        ),
      ],
      nodes: [amd, virtual],
      boundPods: [],
    });
    assert.equal(none?.reason, "selector");
    assert.match(none?.message ?? "", /no node matches `spec.executor.nodeSelector`/);
    const [tainted] = diagnosePending({
      app,
      pods: [
        pod("e", "executor", { cpu: "1", memory: "1Gi" }, { nodeSelector: { type: "virtual-kubelet" } }),
      ],
      nodes: [amd, virtual],
      boundPods: [],
    });
    assert.equal(tainted?.reason, "taint");
    assert.match(
      tainted?.message ?? "",
      /1 node\(s\) matching .* virtual-kubelet.io\/provider=alibabacloud:NoSchedule/,
    );
  });

  it("gated pods: the queue (with the queue's name), the placement policy, any other gate", () => {
    const queued = sparkPiApp({ batchSchedulerOptions: { queue: "etl" } });
    const gated = (gate: string, conditions?: NonNullable<V1Pod["status"]>["conditions"]) =>
      pod(
        "d",
        "driver",
        { cpu: "1", memory: "1Gi" },
        { schedulingGates: [{ name: gate }] },
        { phase: "Pending", conditions },
      );
    const [q] = diagnosePending({
      app: queued,
      pods: [
        gated(SchedulingGate.Queue, [
          { type: "sparkplane.io/Queued", status: "True", message: "position 2: needs 2 CPU, 1 CPU free" },
        ]),
      ],
      nodes,
      boundPods: [],
    });
    assert.equal(q?.reason, "gated");
    assert.equal(q?.message, "waiting for admission to queue etl: position 2: needs 2 CPU, 1 CPU free");
    const [p] = diagnosePending({ app, pods: [gated(SchedulingGate.Placement)], nodes, boundPods: [] });
    assert.match(p?.message ?? "", /ResourcePolicy/);
    const [o] = diagnosePending({ app, pods: [gated("example.com/hold")], nodes, boundPods: [] });
    assert.equal(o?.message, "held by the scheduling gate example.com/hold");
  });

  it("no nodes at all; a pod that fits now is only waiting for the scheduler (its last message kept)", () => {
    const [n] = diagnosePending({
      app,
      pods: [pod("d", "driver", { cpu: "1", memory: "1Gi" })],
      nodes: [],
      boundPods: [],
    });
    assert.equal(n?.reason, "no-nodes");
    const [w] = diagnosePending({
      app,
      pods: [
        pod(
          "d",
          "driver",
          { cpu: "1", memory: "1Gi" },
          {},
          {
            phase: "Pending",
            conditions: [
              {
                type: "PodScheduled",
                status: "False",
                message: "0/2 nodes are available: 2 Insufficient cpu.",
              },
            ],
          },
        ),
      ],
      nodes,
      boundPods: [],
    });
    assert.equal(w?.reason, "waiting");
    assert.match(w?.message ?? "", /last: 0\/2 nodes are available/);
  });

  it("a full node by pod count", () => {
    const full = {
      ...node("n", "8", "8Gi"),
      status: { allocatable: { cpu: "8", memory: "8Gi", pods: "1" } },
    };
    const [f] = diagnosePending({
      app,
      pods: [pod("e", "executor", { cpu: "1", memory: "1Gi" })],
      nodes: [full],
      boundPods: [bound("x", "n", "1")],
    });
    assert.equal(f?.reason, "pods");
  });

  it("bound, running, terminating and finished pods are not diagnosed; the driver comes first", () => {
    const findings = diagnosePending({
      app,
      pods: [
        pod("spark-pi-exec-2", "executor", { cpu: "8", memory: "1Gi" }),
        {
          ...pod("gone", "executor", { cpu: "8", memory: "1Gi" }),
          metadata: { name: "gone", deletionTimestamp: new Date(), labels: { "spark-role": "executor" } },
        },
        pod("failed", "executor", { cpu: "8", memory: "1Gi" }, {}, { phase: "Failed" }),
        pod("spark-pi-driver", "driver", { cpu: "8", memory: "1Gi" }),
      ],
      nodes,
      boundPods: [],
    });
    assert.deepEqual(
      findings.map((f) => f.pod),
      ["spark-pi-driver", "spark-pi-exec-2"],
    );
  });
});

describe("summarizePending", () => {
  it("one line per distinct cause, counting the pods", () => {
    const app = sparkPiApp();
    const lines = summarizePending(
      diagnosePending({
        app,
        pods: [1, 2, 3].map((i) => pod(`exec-${i}`, "executor", { cpu: "4", memory: "1Gi" })),
        nodes: [node("n1", "2", "8Gi")],
        boundPods: [],
      }),
    );
    assert.deepEqual(lines, [
      "3 executors Pending: needs 4 CPU per executor; largest free on the node it may use 2 CPU; lower `spec.executor.cores` or add nodes",
    ]);
    assert.deepEqual(summarizePending([]), []);
  });

  it("formats quantities as people read them", () => {
    assert.equal(formatCpu(2.5), "2.5 CPU");
    assert.equal(formatCpu(-1), "0 CPU");
    assert.equal(formatCpu(1 / 3), "0.33 CPU");
    assert.equal(formatMemory(4.5 * 2 ** 30), "4.5 GiB");
    assert.equal(formatMemory(384 * 2 ** 20), "384 MiB");
  });
});
