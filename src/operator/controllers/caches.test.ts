import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubernetesObject } from "@kubernetes/client-node";
import { podRequests } from "../../diagnose/pod-fit.js";
import { slimSparkPod } from "./caches.js";

const pod = (spec: Record<string, unknown>) =>
  ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "ns", managedFields: [{}] },
    spec,
    status: { phase: "Pending" },
  }) as KubernetesObject;

const fullSpec = {
  containers: [
    {
      name: "spark-kubernetes-driver",
      image: "spark",
      env: [{ name: "A", value: "1" }],
      resources: { requests: { cpu: "1", memory: "1408Mi" }, limits: { memory: "1408Mi" } },
    },
    { name: "sidecar", resources: {} },
  ],
  initContainers: [{ name: "init", resources: { requests: { cpu: "2" } } }],
  tolerations: [{ key: "spot", operator: "Exists" }],
  nodeSelector: { pool: "a" },
  affinity: {
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } },
    podAffinity: {},
  },
  volumes: [{ name: "v", emptyDir: {} }],
  serviceAccountName: "spark",
};

test("an unbound Spark pod keeps what the scheduler weighs, and nothing else of its spec", () => {
  const slim = slimSparkPod(pod(fullSpec)) as KubernetesObject & { spec: Record<string, unknown> };
  assert.deepEqual(slim.spec, {
    containers: [{ resources: { requests: { cpu: "1", memory: "1408Mi" } } }],
    initContainers: [{ resources: { requests: { cpu: "2" } } }],
    tolerations: [{ key: "spot", operator: "Exists" }],
    nodeSelector: { pool: "a" },
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } },
  });
  assert.equal(slim.metadata?.managedFields, undefined);
  const requests = podRequests(slim as never);
  assert.deepEqual([requests.cpu, requests.memory], [2, 1408 * 2 ** 20], "same requests as the full pod");
  assert.deepEqual(podRequests(pod(fullSpec) as never), requests);
});

test("a bound Spark pod keeps its node only; a gated one its gates and priority", () => {
  const bound = slimSparkPod(pod({ ...fullSpec, nodeName: "n1" })) as { spec?: unknown };
  assert.deepEqual(bound.spec, { nodeName: "n1" });
  const gated = slimSparkPod(
    pod({ containers: [], schedulingGates: [{ name: "sparkplane.io/queue" }], priority: 5 }),
  ) as { spec?: unknown };
  assert.deepEqual(gated.spec, { schedulingGates: [{ name: "sparkplane.io/queue" }], priority: 5 });
  assert.equal((slimSparkPod(pod({ containers: [{ name: "c" }] })) as { spec?: unknown }).spec, undefined);
});
