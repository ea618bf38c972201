import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import {
  ApiException,
  CoreV1Api,
  type V1Pod,
  type V1PodSpec,
  type V1Taint,
  type V1Toleration,
} from "@kubernetes/client-node";
import { pino } from "pino";
import { type Agent, type AgentOptions, type NodePool, startAgent } from "../src/agent/index.js";
import { requireToolset } from "../src/local/provision/index.js";
import { freshNamespace, processesMentioning, type TestCluster } from "./cluster.js";
import { eventually } from "./poll.js";

const execFileAsync = promisify(execFile);

/**
 * Agents of different test files share the test run's cluster: each gets its own name, and its nodes carry
 * an isolation taint that only that test's pods tolerate (so other tests' pods never land there).
 */
export function isolationTaint(agentName: string): V1Taint {
  return { key: "sparkplane.io/test", value: agentName, effect: "NoSchedule" };
}

export function tolerate(taint: V1Taint): V1Toleration {
  return { key: taint.key, operator: "Equal", value: taint.value, effect: taint.effect };
}

/** Nodes are tainted not-ready until the node lifecycle controller sees them Ready; tests need not wait for it. */
export const TOLERATE_NOT_READY: V1Toleration = {
  key: "node.kubernetes.io/not-ready",
  operator: "Exists",
  effect: "NoSchedule",
};

export interface AgentTest {
  ns: string;
  cluster: TestCluster;
  core: CoreV1Api;
  agent: Agent;
  name: string;
  taint: V1Taint;
  /** A pod spec for this agent's nodes (tolerations added). */
  spec(s: Partial<V1PodSpec> & Pick<V1PodSpec, "containers">): V1PodSpec;
  createPod(name: string, s: Partial<V1PodSpec> & Pick<V1PodSpec, "containers">): Promise<V1Pod>;
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString("hex")}`;
}

/** A fresh namespace of the shared cluster and an in-process agent for it. */
export async function agentTest(prefix: string, opts: Partial<AgentOptions> = {}): Promise<AgentTest> {
  const { name: ns, cluster } = await freshNamespace(prefix);
  const name = opts.name ?? uniqueName(`t${prefix}`);
  const taint = isolationTaint(name);
  const agent = await startAgent({
    deleteNodesOnStop: true,
    restartBackoffMs: 300,
    stopGraceSeconds: 3,
    logger: pino({ level: process.env.SPARKPLANE_TEST_AGENT_LOG ?? "warn" }),
    ...opts,
    stateDir: cluster.stateDir,
    kubeconfig: cluster.kubeconfig,
    name,
    taints: [taint, ...(opts.taints ?? [])],
  });
  const core = cluster.kc.makeApiClient(CoreV1Api);
  const spec = (s: Partial<V1PodSpec> & Pick<V1PodSpec, "containers">): V1PodSpec => ({
    restartPolicy: "Never",
    ...s,
    tolerations: [tolerate(taint), TOLERATE_NOT_READY, ...(s.tolerations ?? [])],
  });
  return {
    ns,
    cluster,
    core,
    agent,
    name,
    taint,
    spec,
    createPod: (podName, s) =>
      core.createNamespacedPod({ namespace: ns, body: { metadata: { name: podName }, spec: spec(s) } }),
  };
}

export function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  return eventually(what, fn, { timeoutMs, intervalMs: 250, retryErrors: true });
}

export async function podPhase(
  core: CoreV1Api,
  ns: string,
  name: string,
  phases: string[],
  timeoutMs = 60_000,
): Promise<V1Pod> {
  return waitFor(
    `pod ${ns}/${name} to be ${phases.join(" or ")}`,
    async () => {
      const p = await core.readNamespacedPod({ name, namespace: ns });
      return phases.includes(p.status?.phase ?? "") ? p : undefined;
    },
    timeoutMs,
  );
}

export async function podGone(core: CoreV1Api, ns: string, name: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    `pod ${ns}/${name} to be gone`,
    async () => {
      try {
        await core.readNamespacedPod({ name, namespace: ns });
        return false;
      } catch (err) {
        return err instanceof ApiException && err.code === 404;
      }
    },
    timeoutMs,
  );
}

/** The provisioned kubectl, run asynchronously (the agent serving `kubectl logs` may live in this process). */
export async function kubectl(
  cluster: TestCluster,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await execFileAsync(
      requireToolset().kube.kubectl,
      ["--kubeconfig", cluster.kubeconfig, ...args],
      { timeout: 60_000 },
    );
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === "number" ? e.code : 1,
      stdout: e.stdout ?? "",
      stderr: e.stderr ?? String(err),
    };
  }
}

/** Live (non-zombie) processes other than this one whose command line contains `marker`. */
export function processesWith(marker: string): number[] {
  return processesMentioning(marker).filter((pid) => pid !== process.pid);
}

/** One node of `cpu` and `memory` (and room for pods): the agent's pool for the tests that run real Spark. */
export function onePool(cpu: string, memory: string): NodePool[] {
  return [
    {
      name: "pool",
      count: 1,
      capacity: { cpu, memory, pods: "110", "ephemeral-storage": "100Gi" },
      labels: {},
      taints: [],
    },
  ];
}
