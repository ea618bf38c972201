import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { CoreV1Api, type V1PodSpec } from "@kubernetes/client-node";
import {
  isolationTaint,
  kubectl,
  podGone,
  podPhase,
  processesWith,
  TOLERATE_NOT_READY,
  tolerate,
  uniqueName,
  waitFor,
} from "./agent-helpers.js";
import { freshNamespace, type TestCluster } from "./cluster.js";

const agentMain = join(dirname(fileURLToPath(import.meta.url)), "..", "src", "agent", "main.js");

describe("agent: restarts adopt or clean up pod processes", { timeout: 300_000 }, () => {
  let cluster: TestCluster;
  let core: CoreV1Api;
  let ns: string;
  let agent: ChildProcess | undefined;
  let flagDir: string;
  const name = uniqueName("trestart");
  const taint = isolationTaint(name);
  const node = `${name}-0`;

  /** The agent as its own process, as `sparkplane agent` runs it. */
  async function startAgentProcess(): Promise<ChildProcess> {
    const since = Date.now() - 1000;
    const child = spawn(
      process.execPath,
      [
        agentMain,
        "--state-dir",
        cluster.stateDir,
        "--kubeconfig",
        cluster.kubeconfig,
        "--name",
        name,
        "--taints",
        `${taint.key}=${taint.value}:${taint.effect}`,
        "--delete-nodes-on-exit",
        "--exit-with",
        String(process.pid),
      ],
      { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, SPARKPLANE_LOG_LEVEL: "warn" } },
    );
    await waitFor("the agent's node", async () => {
      const n = await core.readNode({ name: node });
      const ready = n.status?.conditions?.find((c) => c.type === "Ready");
      return ready?.status === "True" && new Date(ready.lastHeartbeatTime ?? 0).getTime() >= since;
    });
    return child;
  }

  function exited(child: ChildProcess): Promise<void> {
    return child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise((r) => child.once("exit", () => r()));
  }

  const spec = (s: Partial<V1PodSpec> & Pick<V1PodSpec, "containers">): V1PodSpec => ({
    restartPolicy: "Never",
    nodeName: node,
    ...s,
    tolerations: [tolerate(taint), TOLERATE_NOT_READY],
  });

  before(async () => {
    const fresh = await freshNamespace("restart");
    cluster = fresh.cluster;
    ns = fresh.name;
    core = cluster.kc.makeApiClient(CoreV1Api);
    flagDir = mkdtempSync(join(tmpdir(), "sparkplane-flag-"));
    agent = await startAgentProcess();
  });
  after(async () => {
    if (agent && agent.exitCode === null) {
      agent.kill("SIGTERM");
      await exited(agent);
    }
    rmSync(flagDir, { recursive: true, force: true });
  });

  test("a restarted agent adopts a running pod and reports how it ends", async () => {
    const marker = uniqueName("adopt");
    await core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name: "adopt" },
        spec: spec({
          containers: [
            {
              name: "main",
              image: "busybox",
              command: [
                "sh",
                "-c",
                `echo started; while [ ! -f /var/flag/go ]; do sleep 0.2; done; echo finished; exit 7 # ${marker}`,
              ],
              volumeMounts: [{ name: "flag", mountPath: "/var/flag" }],
            },
          ],
          volumes: [{ name: "flag", hostPath: { path: flagDir, type: "Directory" } }],
        }),
      },
    });
    const running = await podPhase(core, ns, "adopt", ["Running"]);
    await waitFor("the container process", async () => processesWith(marker).length > 0);

    agent!.kill("SIGKILL");
    await exited(agent!);
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(processesWith(marker).length > 0, "the pod's process outlives a killed agent");

    agent = await startAgentProcess();
    await new Promise((r) => setTimeout(r, 2000));
    const still = await core.readNamespacedPod({ name: "adopt", namespace: ns });
    assert.equal(still.status?.phase, "Running");
    assert.equal(still.status?.containerStatuses?.[0]?.restartCount, 0);
    assert.ok(processesWith(marker).length > 0, "adopted, not restarted or killed");

    writeFileSync(join(flagDir, "go"), "");
    const done = await podPhase(core, ns, "adopt", ["Succeeded", "Failed"]);
    assert.equal(done.status?.phase, "Failed");
    assert.equal(done.status?.podIP, running.status?.podIP);
    const term = done.status?.containerStatuses?.[0]?.state?.terminated;
    assert.equal(term?.exitCode, 7, "the exit code written by the wrapper, read by the new agent");
    assert.equal(
      term?.startedAt?.getTime(),
      running.status?.containerStatuses?.[0]?.state?.running?.startedAt?.getTime(),
    );
    const logs = await kubectl(cluster, ["-n", ns, "logs", "adopt"]);
    assert.equal(logs.stdout, "started\nfinished\n");
  });

  test("a pod deleted while the agent was down has its process stopped by the next agent", async () => {
    const marker = uniqueName("orphan");
    await core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name: "orphan" },
        spec: spec({
          containers: [
            {
              name: "main",
              image: "busybox",
              command: ["sh", "-c", `while :; do sleep 0.2; done # ${marker}`],
            },
          ],
        }),
      },
    });
    await podPhase(core, ns, "orphan", ["Running"]);
    await waitFor("the container process", async () => processesWith(marker).length > 0);
    agent!.kill("SIGKILL");
    await exited(agent!);
    await core.deleteNamespacedPod({ name: "orphan", namespace: ns, gracePeriodSeconds: 0 });
    await podGone(core, ns, "orphan");
    assert.ok(processesWith(marker).length > 0);
    agent = await startAgentProcess();
    await waitFor(
      "the orphan's process to be stopped",
      async () => processesWith(marker).length === 0,
      30_000,
    );
  });

  test("stopping the agent stops its pods' processes and reports them terminated", async () => {
    const marker = uniqueName("last");
    await core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name: "last" },
        spec: spec({
          containers: [
            {
              name: "main",
              image: "busybox",
              command: ["sh", "-c", `while :; do sleep 0.2; done # ${marker}`],
            },
          ],
        }),
      },
    });
    await podPhase(core, ns, "last", ["Running"]);
    await waitFor("the container process", async () => processesWith(marker).length > 0);
    agent!.kill("SIGTERM");
    await exited(agent!);
    assert.deepEqual(processesWith(marker), []);
    const pod = await core.readNamespacedPod({ name: "last", namespace: ns });
    assert.equal(pod.status?.phase, "Failed");
    assert.equal(pod.status?.reason, "Terminated");
    assert.match(pod.status?.message ?? "", /node shutdown/);
  });
});
