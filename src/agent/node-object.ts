import type { V1Taint } from "@kubernetes/client-node";
import type { Capacity, NodePool } from "./config.js";
import { nodeAddress, podPrefix } from "./ipam.js";

/** One node an agent runs, with its place in the agent's address plan. */
export interface AgentNode {
  name: string;
  pool: string;
  /** Position among all of the agent's nodes (0-based): decides its addresses. */
  index: number;
  internalIP: string;
  /** `127.B.N.`: its pods' addresses. */
  podPrefix: string;
  capacity: Capacity;
  labels: Record<string, string>;
  taints: V1Taint[];
}

export const POOL_LABEL = "sparkplane.io/node-pool";
export const AGENT_LABEL = "sparkplane.io/agent";
export const NODE_LEASE_NAMESPACE = "kube-node-lease";
/** Taints the node lifecycle controller manages; the agent leaves them alone on re-registration. */
const CONTROLLER_TAINT_PREFIX = "node.kubernetes.io/";

/** The agent's nodes: `<pool>-<i>` for each pool, addresses in the agent's subnet in order. */
export function agentNodes(pools: readonly NodePool[], subnet: number): AgentNode[] {
  const nodes: AgentNode[] = [];
  for (const pool of pools) {
    for (let i = 0; i < pool.count; i++) {
      const index = nodes.length;
      nodes.push({
        name: `${pool.name}-${i}`,
        pool: pool.name,
        index,
        internalIP: nodeAddress(subnet, index),
        podPrefix: podPrefix(subnet, index),
        capacity: pool.capacity,
        labels: pool.labels,
        taints: pool.taints,
      });
    }
  }
  return nodes;
}

export interface NodeFacts {
  agentName: string;
  kubeletPort: number;
  kubeletVersion: string;
  kernelVersion: string;
  osImage: string;
  architecture: string;
  machineID: string;
  bootID: string;
}

const GOARCH: Record<string, string> = {
  x64: "amd64",
  arm64: "arm64",
  arm: "arm",
  ppc64: "ppc64le",
  s390x: "s390x",
};

export function goArch(nodeArch: string): string {
  return GOARCH[nodeArch] ?? nodeArch;
}

export function nodeLabels(node: AgentNode, facts: NodeFacts): Record<string, string> {
  return {
    "kubernetes.io/hostname": node.name,
    "kubernetes.io/os": "linux",
    "kubernetes.io/arch": facts.architecture,
    "beta.kubernetes.io/os": "linux",
    "beta.kubernetes.io/arch": facts.architecture,
    "node.kubernetes.io/instance-type": "sparkplane",
    [POOL_LABEL]: node.pool,
    [AGENT_LABEL]: facts.agentName,
    ...node.labels,
  };
}

/** Our taints, plus any the node lifecycle controller put on an existing node object. */
export function mergeTaints(ours: readonly V1Taint[], existing: readonly V1Taint[] | undefined): V1Taint[] {
  const kept = (existing ?? []).filter(
    (t) =>
      t.key.startsWith(CONTROLLER_TAINT_PREFIX) &&
      !ours.some((o) => o.key === t.key && o.effect === t.effect),
  );
  return [
    ...ours.map((t) => ({ ...t })),
    ...kept.map((t) => ({ key: t.key, value: t.value, effect: t.effect, timeAdded: t.timeAdded })),
  ];
}

/** The node conditions a healthy agent reports; Ready false (KubeletNotReady) when stopping. */
export function nodeConditions(
  ready: boolean,
  now: string,
  since: { ready?: string; others?: string } = {},
): Record<string, unknown>[] {
  const pressure = (type: string, reason: string, message: string) => ({
    type,
    status: "False",
    reason,
    message,
    lastHeartbeatTime: now,
    lastTransitionTime: since.others ?? now,
  });
  return [
    pressure("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
    pressure("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    pressure("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    {
      type: "Ready",
      status: ready ? "True" : "False",
      reason: ready ? "KubeletReady" : "KubeletNotReady",
      message: ready ? "sparkplane agent is posting ready status" : "sparkplane agent stopped",
      lastHeartbeatTime: now,
      lastTransitionTime: since.ready ?? now,
    },
  ];
}

export function nodeStatus(
  node: AgentNode,
  facts: NodeFacts,
  ready: boolean,
  now: string,
  since: { ready?: string; others?: string } = {},
) {
  const resources = { ...node.capacity };
  return {
    capacity: resources,
    allocatable: resources,
    conditions: nodeConditions(ready, now, since),
    addresses: [
      { type: "InternalIP", address: node.internalIP },
      { type: "Hostname", address: node.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: facts.kubeletPort } },
    nodeInfo: {
      machineID: facts.machineID,
      systemUUID: facts.machineID,
      bootID: facts.bootID,
      kernelVersion: facts.kernelVersion,
      osImage: facts.osImage,
      containerRuntimeVersion: "sparkplane://0.1.0",
      kubeletVersion: facts.kubeletVersion,
      kubeProxyVersion: "",
      operatingSystem: "linux",
      architecture: facts.architecture,
    },
  };
}

/** A whole Node for creation. */
export function nodeObject(node: AgentNode, facts: NodeFacts, now: string) {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: node.name,
      labels: nodeLabels(node, facts),
      annotations: { "node.alpha.kubernetes.io/ttl": "0" },
    },
    spec: node.taints.length ? { taints: node.taints.map((t) => ({ ...t })) } : {},
    status: nodeStatus(node, facts, true, now),
  };
}

/** The node's heartbeat Lease in kube-node-lease, as the kubelet keeps it. */
export function leaseObject(node: string, nodeUid: string | undefined, durationSeconds: number, now: string) {
  return {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: {
      name: node,
      namespace: NODE_LEASE_NAMESPACE,
      ...(nodeUid ? { ownerReferences: [{ apiVersion: "v1", kind: "Node", name: node, uid: nodeUid }] } : {}),
    },
    spec: { holderIdentity: node, leaseDurationSeconds: durationSeconds, renewTime: microTime(now) },
  };
}

/** Leases use MicroTime: RFC 3339 with microseconds. */
export function microTime(iso: string): string {
  return iso.replace(/\.(\d{3})Z$/, ".$1000Z");
}
