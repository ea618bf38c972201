import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ApiException, CoordinationV1Api, type V1Node } from "@kubernetes/client-node";
import { parseNodePool } from "../src/agent/config.js";
import { type AgentTest, agentTest, podPhase, waitFor } from "./agent-helpers.js";

const VIRTUAL_TAINT = { key: "virtual-kubelet.io/provider", value: "mock", effect: "NoSchedule" };

describe("agent: nodes, leases and node pools", { timeout: 300_000 }, () => {
  let t: AgentTest;
  let plain: string;
  let virtual: string;
  before(async () => {
    // Two pools: plain nodes, and a virtual-kubelet-like pool tainted as such (both carry the test's
    // isolation taint). Fast heartbeats so the test sees a lease renewal.
    const name = `tnodes-${Date.now().toString(36)}`;
    t = await agentTest("nodes", {
      name,
      nodePools: [
        parseNodePool(
          `name=${name}-plain,count=1,cpu=4,memory=8Gi,pods=20,labels=tier=plain,taints=sparkplane.io/test=${name}:NoSchedule`,
        ),
        parseNodePool(
          `name=${name}-virtual,count=1,labels=type=virtual-kubelet,taints=sparkplane.io/test=${name}:NoSchedule,virtual-kubelet.io/provider=mock:NoSchedule`,
        ),
      ],
      timings: { renewSeconds: 1, statusSeconds: 2 },
    });
    plain = `${name}-plain-0`;
    virtual = `${name}-virtual-0`;
  });
  after(async () => {
    await t?.agent.stop();
  });

  test("nodes register Ready with capacity, labels, taints, InternalIP and the kubelet port", async () => {
    assert.deepEqual(
      t.agent.nodes.map((n) => n.name),
      [plain, virtual],
    );
    const node = await waitFor(`node ${plain} Ready and untainted by the lifecycle controller`, async () => {
      const n = await t.core.readNode({ name: plain });
      const ready = n.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
      const notReadyTaint = n.spec?.taints?.some((x) => x.key.startsWith("node.kubernetes.io/"));
      return ready && !notReadyTaint ? n : undefined;
    });
    assert.equal(node.status?.capacity?.cpu, "4");
    assert.equal(node.status?.allocatable?.memory, "8Gi");
    assert.equal(node.status?.allocatable?.pods, "20");
    assert.equal(node.metadata?.labels?.tier, "plain");
    assert.equal(node.metadata?.labels?.["kubernetes.io/hostname"], plain);
    const ip = node.status?.addresses?.find((a) => a.type === "InternalIP")?.address;
    assert.equal(ip, t.agent.nodes[0]!.internalIP);
    assert.equal(node.status?.daemonEndpoints?.kubeletEndpoint?.Port, t.agent.kubeletPorts[plain]);
    const v: V1Node = await t.core.readNode({ name: virtual });
    assert.equal(v.metadata?.labels?.type, "virtual-kubelet");
    assert.ok(
      v.spec?.taints?.some(
        (x) => x.key === VIRTUAL_TAINT.key && x.value === "mock" && x.effect === "NoSchedule",
      ),
    );
  });

  test("each node holds a lease in kube-node-lease that the agent renews", async () => {
    const coord = t.cluster.kc.makeApiClient(CoordinationV1Api);
    const first = await coord.readNamespacedLease({ name: plain, namespace: "kube-node-lease" });
    assert.equal(first.spec?.holderIdentity, plain);
    assert.equal(first.metadata?.ownerReferences?.[0]?.kind, "Node");
    const t0 = new Date(first.spec!.renewTime!).getTime();
    await waitFor("a lease renewal", async () => {
      const l = await coord.readNamespacedLease({ name: plain, namespace: "kube-node-lease" });
      return new Date(l.spec!.renewTime!).getTime() > t0;
    });
  });

  test("a pod without the virtual-kubelet toleration never lands on the tainted node", async () => {
    const names = ["a", "b", "c", "d"];
    for (const n of names)
      await t.createPod(n, { containers: [{ name: "main", image: "busybox", command: ["true"] }] });
    for (const n of names) {
      const pod = await podPhase(t.core, t.ns, n, ["Succeeded", "Failed"]);
      assert.equal(pod.spec?.nodeName, plain, `${n} ran on ${pod.spec?.nodeName}`);
      assert.equal(pod.status?.phase, "Succeeded");
    }
    // Asked for the virtual pool without tolerating its taint: unschedulable, and stays so.
    await t.createPod("intolerant", {
      nodeSelector: { type: "virtual-kubelet" },
      containers: [{ name: "main", image: "busybox", command: ["true"] }],
    });
    await waitFor("the scheduler to report it unschedulable", async () => {
      const p = await t.core.readNamespacedPod({ name: "intolerant", namespace: t.ns });
      return p.status?.conditions?.some(
        (c) => c.type === "PodScheduled" && c.status === "False" && c.reason === "Unschedulable",
      );
    });
    await new Promise((r) => setTimeout(r, 2000));
    const still = await t.core.readNamespacedPod({ name: "intolerant", namespace: t.ns });
    assert.equal(still.spec?.nodeName, undefined);
    assert.equal(still.status?.phase, "Pending");
  });

  test("a pod that tolerates the taint runs on the virtual node", async () => {
    await t.createPod("tolerant", {
      nodeSelector: { type: "virtual-kubelet" },
      tolerations: [{ key: VIRTUAL_TAINT.key, operator: "Equal", value: "mock", effect: "NoSchedule" }],
      containers: [
        {
          name: "main",
          image: "busybox",
          command: ["sh", "-c", "echo on $(NODE)"],
          env: [{ name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
        },
      ],
    });
    const pod = await podPhase(t.core, t.ns, "tolerant", ["Succeeded", "Failed"]);
    assert.equal(pod.spec?.nodeName, virtual);
    assert.equal(pod.status?.phase, "Succeeded");
    assert.match(
      pod.status?.podIP ?? "",
      new RegExp(`^${t.agent.nodes[1]!.podPrefix.replaceAll(".", "\\.")}`),
    );
  });

  test("stopping an agent with deleteNodesOnStop removes its nodes", async () => {
    await t.agent.stop();
    for (const name of [plain, virtual]) {
      await assert.rejects(
        t.core.readNode({ name }),
        (err: unknown) => err instanceof ApiException && err.code === 404,
      );
    }
  });
});
