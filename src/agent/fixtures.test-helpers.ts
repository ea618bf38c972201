import type { V1Container, V1Pod } from "@kubernetes/client-node";
import type { PodRuntime } from "./downward.js";
import type { DataLookup } from "./env.js";

/** A pod as the API server would hand it to the agent (bound, defaulted enough for the agent). */
export function pod(
  spec: { containers?: V1Container[]; initContainers?: V1Container[] } & Partial<
    NonNullable<V1Pod["spec"]>
  > = {},
  meta: Partial<NonNullable<V1Pod["metadata"]>> = {},
): V1Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "p",
      namespace: "ns",
      uid: "uid-1",
      labels: { app: "demo" },
      annotations: { note: 'a "quoted" one' },
      ...meta,
    },
    spec: {
      nodeName: "node-0",
      serviceAccountName: "default",
      restartPolicy: "Never",
      ...spec,
      containers: spec.containers ?? [{ name: "c", image: "busybox" }],
    },
    status: { phase: "Pending" },
  };
}

export const runtime: PodRuntime = {
  podIP: "127.9.1.2",
  hostIP: "127.9.1.1",
  allocatable: { cpu: 16, memory: 64 * 2 ** 30, "ephemeral-storage": 100 * 2 ** 30 },
};

/** Lookups over plain string maps: `{ "configMap/name": { key: "value" } }`. */
export function lookup(objects: Record<string, Record<string, string>>): DataLookup {
  return (kind, name) => {
    const o = objects[`${kind}/${name}`];
    return o ? Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Buffer.from(v)])) : undefined;
  };
}
