import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { V1Node, V1Pod } from "@kubernetes/client-node";
import type { ResourcePolicy } from "../../../../api/resourcepolicy/resourcepolicy.js";
import { SchedulingGate } from "../../../../api/sparkplane/constants.js";
import { applyPlacement } from "./apply.js";
import { PlacementAnnotation } from "./constants.js";
import { decidePlacement, type PlacementInput, parseDuration, policyFor, unitCounts } from "./decide.js";

const SUB = "sparkoperator.k8s.io/submission-id";
const LAUNCHED = "sparkoperator.k8s.io/launched-by-spark-operator";
const VK_TAINT = { key: "virtual-kubelet.io/provider", value: "alibabacloud", effect: "NoSchedule" };
const T0 = "2026-01-01T00:00:00Z";
const T1 = "2026-01-01T00:01:00Z";

/** The seed-004 policy. */
function seedPolicy(over: Partial<ResourcePolicy["spec"]> = {}): ResourcePolicy {
  return {
    apiVersion: "scheduling.alibabacloud.com/v1alpha1",
    kind: "ResourcePolicy",
    metadata: { name: "sparkapplication-resource-policy", namespace: "default", creationTimestamp: T0 },
    spec: {
      ignorePreviousPod: true,
      ignoreTerminatingPod: false,
      matchLabelKeys: [SUB],
      preemptPolicy: "AfterAllUnits",
      selector: { [LAUNCHED]: "true" },
      strategy: "prefer",
      units: [
        { resource: "ecs", max: 2, nodeSelector: { "kubernetes.io/arch": "amd64" } },
        { resource: "eci", max: 3 },
      ],
      ...over,
    },
  };
}

function node(
  name: string,
  labels: Record<string, string>,
  opts: { cpu?: string; taint?: boolean } = {},
): V1Node {
  return {
    metadata: { name, labels },
    spec: opts.taint ? { taints: [VK_TAINT] } : {},
    status: { allocatable: { cpu: opts.cpu ?? "8", memory: "32Gi", pods: "110" } },
  };
}

const NODES = [
  node("ecs-0", { "kubernetes.io/arch": "amd64" }),
  node("vk-0", { type: "virtual-kubelet", "kubernetes.io/arch": "amd64" }, { taint: true }),
];

let uid = 0;
function pod(
  opts: {
    sub?: string;
    unit?: number;
    node?: string;
    created?: string;
    cpu?: string;
    tolerate?: boolean;
    phase?: string;
    terminating?: boolean;
    nodeSelector?: Record<string, string>;
  } = {},
): V1Pod {
  uid += 1;
  return {
    metadata: {
      name: `p${uid}`,
      namespace: "default",
      uid: `u${uid}`,
      creationTimestamp: (opts.created ?? T1) as unknown as Date,
      labels: { [LAUNCHED]: "true", [SUB]: opts.sub ?? "s1" },
      annotations:
        opts.unit === undefined
          ? {}
          : {
              [PlacementAnnotation.Unit]: String(opts.unit),
              [PlacementAnnotation.Policy]: "sparkapplication-resource-policy",
            },
      ...(opts.terminating ? { deletionTimestamp: T1 as unknown as Date } : {}),
    },
    spec: {
      containers: [{ name: "c", resources: { requests: { cpu: opts.cpu ?? "1", memory: "512Mi" } } }],
      tolerations: opts.tolerate === false ? [] : [{ ...VK_TAINT, operator: "Equal" }],
      ...(opts.node ? { nodeName: opts.node } : {}),
      ...(opts.nodeSelector ? { nodeSelector: opts.nodeSelector } : {}),
      ...(opts.unit === undefined && !opts.node
        ? { schedulingGates: [{ name: SchedulingGate.Placement }] }
        : {}),
    },
    status: { phase: opts.phase ?? "Pending" },
  };
}

function input(p: V1Pod, others: V1Pod[], over: Partial<PlacementInput> = {}): PlacementInput {
  return {
    pod: p,
    policy: seedPolicy(),
    pods: [p, ...others],
    nodes: NODES,
    boundPods: others.filter((o) => o.spec?.nodeName),
    now: Date.parse(T1),
    ...over,
  };
}

const unitOf = (d: ReturnType<typeof decidePlacement>) => (d.kind === "place" ? d.unit : "wait");

describe("decidePlacement: the seed-004 run", () => {
  it("places driver + 1 executor on ecs, 3 on eci, and keeps the 6th pod gated", () => {
    const placed: V1Pod[] = [];
    const units: (number | string)[] = [];
    for (let i = 0; i < 6; i++) {
      const p = pod();
      const d = decidePlacement(input(p, placed));
      units.push(unitOf(d));
      if (d.kind === "place") placed.push(applyPlacement(p, d.patch));
      else assert.match(d.message, /unit 0 \(ecs\) 2\/2, unit 1 \(eci\) 3\/3/);
    }
    assert.deepEqual(units, [0, 0, 1, 1, 1, "wait"]);
  });

  it("writes the unit's nodeSelector (eci: type=virtual-kubelet) and records the unit", () => {
    const d = decidePlacement(input(pod(), [pod({ unit: 0 }), pod({ unit: 0 })]));
    assert.equal(d.kind, "place");
    if (d.kind !== "place") return;
    assert.deepEqual(d.patch.nodeSelector, { type: "virtual-kubelet" });
    assert.equal(d.patch.annotations[PlacementAnnotation.Unit], "1");
  });
});

describe("decidePlacement: max and matchLabelKeys", () => {
  it("counts only pods with the same matchLabelKeys values", () => {
    const other = [pod({ sub: "s2", unit: 0 }), pod({ sub: "s2", unit: 0 })];
    assert.equal(unitOf(decidePlacement(input(pod(), other))), 0);
  });
  it("without matchLabelKeys, every selected pod counts together", () => {
    const other = [pod({ sub: "s2", unit: 0 }), pod({ sub: "s2", unit: 0 })];
    const d = decidePlacement(input(pod(), other, { policy: seedPolicy({ matchLabelKeys: [] }) }));
    assert.equal(unitOf(d), 1);
  });
  it("a unit without max takes any number", () => {
    const policy = seedPolicy({
      units: [{ resource: "ecs", nodeSelector: { "kubernetes.io/arch": "amd64" } }],
    });
    const others = Array.from({ length: 20 }, () => pod({ unit: 0 }));
    assert.equal(unitOf(decidePlacement(input(pod(), others, { policy }))), 0);
  });
  it("max 0 skips the unit", () => {
    const policy = seedPolicy({ units: [{ resource: "ecs", max: 0 }, { resource: "eci" }] });
    assert.equal(unitOf(decidePlacement(input(pod(), [], { policy }))), 1);
  });
  it("does not count the pod itself, gated pods or finished pods", () => {
    const self = pod();
    const others = [pod(), pod({ unit: 0, phase: "Succeeded" }), pod({ unit: 0, phase: "Failed" })];
    assert.deepEqual(
      unitCounts(input(self, others)).map((c) => c.count),
      [0, 0],
    );
  });
  it("an annotation naming another policy or an unknown unit does not count", () => {
    const foreign = pod({ unit: 0 });
    foreign.metadata!.annotations![PlacementAnnotation.Policy] = "other";
    const bad = pod({ unit: 7 });
    assert.deepEqual(
      unitCounts(input(pod(), [foreign, bad])).map((c) => c.count),
      [0, 0],
    );
  });
});

describe("decidePlacement: ignorePreviousPod and ignoreTerminatingPod", () => {
  const before = "2025-12-31T23:00:00Z";
  it("ignorePreviousPod: true does not count pods created before the policy", () => {
    const old = [pod({ unit: 0, created: before }), pod({ node: "ecs-0", created: before })];
    assert.deepEqual(
      unitCounts(input(pod(), old)).map((c) => c.count),
      [0, 0],
    );
  });
  it("ignorePreviousPod: false counts them, bound ones by their node", () => {
    const old = [pod({ unit: 0, created: before }), pod({ node: "vk-0", created: before, phase: "Running" })];
    const counts = unitCounts(input(pod(), old, { policy: seedPolicy({ ignorePreviousPod: false }) }));
    assert.deepEqual(
      counts.map((c) => c.count),
      [1, 1],
    );
  });
  it("unannotated pods bound to a unit's nodes after the policy count", () => {
    const bound = [pod({ node: "ecs-0", phase: "Running" }), pod({ node: "ecs-0", phase: "Running" })];
    assert.equal(unitOf(decidePlacement(input(pod(), bound))), 1);
  });
  it("ignoreTerminatingPod: false counts terminating pods; true does not", () => {
    const dying = [pod({ unit: 0, terminating: true }), pod({ unit: 0, terminating: true })];
    assert.equal(unitOf(decidePlacement(input(pod(), dying))), 1);
    const policy = seedPolicy({ ignoreTerminatingPod: true });
    assert.equal(unitOf(decidePlacement(input(pod(), dying, { policy }))), 0);
  });
});

describe("decidePlacement: nodes, taints and fit", () => {
  it("skips eci when the pod does not tolerate the virtual-kubelet taint", () => {
    const full = [pod({ unit: 0, tolerate: false }), pod({ unit: 0, tolerate: false })];
    const d = decidePlacement(input(pod({ tolerate: false }), full));
    assert.equal(d.kind, "wait");
  });
  it("LackResourceOrExceedMax (default): a unit without room is passed over", () => {
    const big = pod({ cpu: "7" });
    const hog = pod({ node: "ecs-0", cpu: "4", phase: "Running", sub: "other" });
    assert.equal(unitOf(decidePlacement(input(big, [hog]))), 1);
  });
  it("ExceedMax: stays in a unit short of room until its max", () => {
    const hog = pod({ node: "ecs-0", cpu: "4", phase: "Running", sub: "other" });
    const policy = seedPolicy({ whenTryNextUnits: { policy: "ExceedMax" } });
    const d = decidePlacement(input(pod({ cpu: "7" }), [hog], { policy }));
    assert.equal(unitOf(d), 0);
    assert.match(d.kind === "place" ? d.message : "", /no node has room yet/);
  });
  it("TimeoutOrExceedMax: waits for the timeout, then passes over", () => {
    const hog = pod({ node: "ecs-0", cpu: "4", phase: "Running", sub: "other" });
    const policy = seedPolicy({ whenTryNextUnits: { policy: "TimeoutOrExceedMax", timeout: "1m" } });
    const young = decidePlacement(input(pod({ cpu: "7" }), [hog], { policy }));
    assert.equal(unitOf(young), 0);
    const old = decidePlacement(input(pod({ cpu: "7", created: T0 }), [hog], { policy }));
    assert.equal(unitOf(old), 1);
  });
  it("LackResourceAndNoTerminating: waits only while a pod of the unit is terminating", () => {
    const hog = pod({ node: "ecs-0", cpu: "4", phase: "Running", sub: "other" });
    const policy = seedPolicy({ whenTryNextUnits: { policy: "LackResourceAndNoTerminating" } });
    assert.equal(unitOf(decidePlacement(input(pod({ cpu: "7" }), [hog], { policy }))), 1);
    const dying = pod({ unit: 0, terminating: true });
    assert.equal(unitOf(decidePlacement(input(pod({ cpu: "7" }), [hog, dying], { policy }))), 0);
  });
  it("the pod's own nodeSelector rules out a unit whose nodes do not match", () => {
    const d = decidePlacement(input(pod({ nodeSelector: { type: "virtual-kubelet" } }), []));
    assert.equal(unitOf(d), 1);
  });
  it("unschedulable nodes have no room", () => {
    const cordoned = [{ ...NODES[0]!, spec: { unschedulable: true } }, NODES[1]!];
    assert.equal(unitOf(decidePlacement(input(pod(), [], { nodes: cordoned }))), 1);
  });
  it("an ecs unit without nodeSelector means non-virtual nodes, written as a NotIn requirement", () => {
    const policy = seedPolicy({ units: [{ resource: "ecs" }] });
    const d = decidePlacement(input(pod(), [], { policy }));
    assert.equal(d.kind, "place");
    if (d.kind !== "place") return;
    assert.deepEqual(d.patch.requirements, [{ key: "type", operator: "NotIn", values: ["virtual-kubelet"] }]);
    const onlyVirtual = decidePlacement(input(pod(), [], { policy, nodes: [NODES[1]!] }));
    assert.equal(onlyVirtual.kind, "wait");
  });
  it("a unit's podLabels and podAnnotations are written", () => {
    const policy = seedPolicy({
      units: [{ resource: "eci", podLabels: { a: "1" }, podAnnotations: { b: "2" } }],
    });
    const d = decidePlacement(input(pod(), [], { policy }));
    assert.equal(d.kind === "place" && d.patch.labels.a, "1");
    assert.equal(d.kind === "place" && d.patch.annotations.b, "2");
  });
});

describe("policyFor", () => {
  it("an empty selector selects nothing; of several, the oldest wins", () => {
    const none = seedPolicy({ selector: {} });
    assert.equal(policyFor([none], pod()), undefined);
    const a = seedPolicy();
    const b = {
      ...seedPolicy(),
      metadata: { ...seedPolicy().metadata, name: "b", creationTimestamp: "2020-01-01T00:00:00Z" },
    };
    assert.equal(policyFor([a, b], pod())?.metadata.name, "b");
  });
});

describe("applyPlacement", () => {
  it("adds the node selection, keeps other gates and removes only ours", () => {
    const p = pod({ nodeSelector: { zone: "a" } });
    p.spec!.schedulingGates = [{ name: "sparkplane.io/queue" }, { name: SchedulingGate.Placement }];
    p.spec!.affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: "x", operator: "Exists" }] },
            { matchExpressions: [] },
          ],
        },
      },
    };
    const req = { key: "type", operator: "NotIn", values: ["virtual-kubelet"] };
    const out = applyPlacement(p, {
      nodeSelector: { arch: "amd64" },
      requirements: [req],
      labels: {},
      annotations: {},
    });
    assert.deepEqual(out.spec?.nodeSelector, { zone: "a", arch: "amd64" });
    assert.deepEqual(out.spec?.schedulingGates, [{ name: "sparkplane.io/queue" }]);
    const terms =
      out.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    assert.deepEqual(
      terms?.map((t) => t.matchExpressions?.length),
      [2, 1],
    );
    assert.deepEqual(p.spec?.nodeSelector, { zone: "a" }, "the input is not changed");
  });
});

describe("parseDuration", () => {
  it("reads Go-style durations", () => {
    assert.equal(parseDuration("1m30s"), 90_000);
    assert.equal(parseDuration("500ms"), 500);
    assert.equal(parseDuration("1x"), undefined);
    assert.equal(parseDuration(undefined), undefined);
  });
});
