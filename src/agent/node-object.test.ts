import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEFAULT_CAPACITY, parseNodePool } from "./config.js";
import {
  AGENT_LABEL,
  agentNodes,
  goArch,
  leaseObject,
  mergeTaints,
  microTime,
  type NodeFacts,
  nodeObject,
  nodeStatus,
  POOL_LABEL,
} from "./node-object.js";

const facts: NodeFacts = {
  agentName: "sparkplane",
  kubeletPort: 10250,
  kubeletVersion: "v1.36.3",
  kernelVersion: "6.1.0",
  osImage: "Debian GNU/Linux 12",
  architecture: "amd64",
  machineID: "m",
  bootID: "b",
};
const NOW = "2024-01-01T00:00:00.000Z";

describe("agentNodes", () => {
  test("names per pool and addresses in order", () => {
    const nodes = agentNodes(
      [parseNodePool("name=local,count=2"), parseNodePool("name=virtual,labels=type=virtual-kubelet")],
      9,
    );
    assert.deepEqual(
      nodes.map((n) => [n.name, n.pool, n.index, n.internalIP, n.podPrefix]),
      [
        ["local-0", "local", 0, "127.9.1.1", "127.9.1."],
        ["local-1", "local", 1, "127.9.2.1", "127.9.2."],
        ["virtual-0", "virtual", 2, "127.9.3.1", "127.9.3."],
      ],
    );
  });
});

describe("Node object", () => {
  const [node] = agentNodes(
    [
      parseNodePool(
        "name=virtual,labels=type=virtual-kubelet,taints=virtual-kubelet.io/provider=mock:NoSchedule",
      ),
    ],
    9,
  );
  test("labels, taints, capacity = allocatable, Ready, addresses, kubelet port", () => {
    const n = nodeObject(node!, facts, NOW);
    assert.equal(n.metadata.name, "virtual-0");
    assert.equal(n.metadata.labels["kubernetes.io/hostname"], "virtual-0");
    assert.equal(n.metadata.labels["kubernetes.io/os"], "linux");
    assert.equal(n.metadata.labels.type, "virtual-kubelet");
    assert.equal(n.metadata.labels[POOL_LABEL], "virtual");
    assert.equal(n.metadata.labels[AGENT_LABEL], "sparkplane");
    assert.deepEqual(n.spec, {
      taints: [{ key: "virtual-kubelet.io/provider", value: "mock", effect: "NoSchedule" }],
    });
    assert.deepEqual(n.status.capacity, DEFAULT_CAPACITY);
    assert.deepEqual(n.status.allocatable, DEFAULT_CAPACITY);
    assert.deepEqual(n.status.addresses, [
      { type: "InternalIP", address: "127.9.1.1" },
      { type: "Hostname", address: "virtual-0" },
    ]);
    assert.deepEqual(n.status.daemonEndpoints, { kubeletEndpoint: { Port: 10250 } });
    const ready = n.status.conditions.find((c) => c.type === "Ready") as Record<string, string>;
    assert.deepEqual([ready.status, ready.reason, ready.lastHeartbeatTime], ["True", "KubeletReady", NOW]);
    assert.equal(n.status.nodeInfo.kubeletVersion, "v1.36.3");
  });
  test("not ready when stopping; transition times kept", () => {
    const s = nodeStatus(node!, facts, false, NOW, { ready: "2023-01-01T00:00:00.000Z" });
    const ready = s.conditions.find((c) => c.type === "Ready") as Record<string, string>;
    assert.deepEqual(
      [ready.status, ready.reason, ready.lastTransitionTime],
      ["False", "KubeletNotReady", "2023-01-01T00:00:00.000Z"],
    );
    assert.ok(s.conditions.filter((c) => c.type !== "Ready").every((c) => c.status === "False"));
  });
  test("mergeTaints keeps the lifecycle controller's taints, drops our stale ones", () => {
    const merged = mergeTaints(
      [{ key: "a", effect: "NoSchedule" }],
      [
        { key: "old", effect: "NoSchedule" },
        { key: "node.kubernetes.io/unreachable", effect: "NoExecute" },
        { key: "a", effect: "NoSchedule" },
      ],
    );
    assert.deepEqual(
      merged.map((t) => t.key),
      ["a", "node.kubernetes.io/unreachable"],
    );
  });
});

describe("Lease", () => {
  test("kube-node-lease, held by the node, owned by it, MicroTime renewTime", () => {
    const l = leaseObject("n0", "uid", 40, NOW);
    assert.equal(l.metadata.namespace, "kube-node-lease");
    assert.equal(l.spec.holderIdentity, "n0");
    assert.equal(l.spec.leaseDurationSeconds, 40);
    assert.equal(l.spec.renewTime, "2024-01-01T00:00:00.000000Z");
    assert.deepEqual(l.metadata.ownerReferences, [
      { apiVersion: "v1", kind: "Node", name: "n0", uid: "uid" },
    ]);
    assert.equal(leaseObject("n0", undefined, 40, NOW).metadata.ownerReferences, undefined);
    assert.equal(microTime("2024-01-01T00:00:00.5Z"), "2024-01-01T00:00:00.5Z");
  });
  test("node arch names", () => {
    assert.equal(goArch("x64"), "amd64");
    assert.equal(goArch("riscv64"), "riscv64");
  });
});
