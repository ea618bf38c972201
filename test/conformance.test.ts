/**
 * Conformance with the YAML users bring: every SparkApplication / ScheduledSparkApplication / SparkConnect file
 * of kubeflow v2.5.2's examples/ and every SparkApplication of seed 004 (test/data/, verbatim), each applied
 * unchanged (but for metadata.namespace: one namespace per file) to one embedded cluster with the node agent
 * (an ECS-like pool and a tainted virtual-kubelet pool, as seed 004 needs) and the operator, a few at a time.
 * Each must reach COMPLETED with SparkPi's result in the driver log, or fail at once with a message naming the
 * field, the reason and the fix. Prints the table docs/conformance.md shows.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CoreV1Api, CustomObjectsApi, KubernetesObjectApi } from "@kubernetes/client-node";
import { type Agent, startAgent } from "../src/agent/index.js";
import { ensureSparkServiceAccount } from "../src/local/spark-rbac.js";
import type { RunningOperator } from "../src/operator/operator.js";
import { down, privateCluster, type TestCluster } from "./cluster.js";
import {
  type Case,
  type Doc,
  inNamespace,
  loadCases,
  type Row,
  sharedObjects,
  table,
} from "./conformance-cases.js";
import { startTestOperator } from "./operator-fixture.js";
import { eventually } from "./poll.js";

/** Apps at once: each runs a driver and executor JVMs, and CI has 2 cores. */
const CONCURRENCY = 4;
const RUN_TIMEOUT_MS = 420_000;
const CAPACITY = { cpu: "32", memory: "128Gi", pods: "110", "ephemeral-storage": "100Gi" };
const VIRTUAL_TAINT = {
  key: "virtual-kubelet.io/provider",
  value: "alibabacloud",
  effect: "NoSchedule" as const,
};

const PLURALS: Record<string, string> = {
  SparkApplication: "sparkapplications",
  ScheduledSparkApplication: "scheduledsparkapplications",
  SparkConnect: "sparkconnects",
};

/** The API server's message of a refused request. */
function apiMessage(err: { body?: string; message: string }): string {
  try {
    return (JSON.parse(err.body ?? "") as { message?: string }).message ?? err.message;
  } catch {
    return err.message;
  }
}

async function pool<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await run(item);
    }),
  );
}

describe("conformance: kubeflow v2.5.2's examples and seed 004's YAML, unchanged", {
  timeout: 1_500_000,
}, () => {
  const cases = loadCases();
  const rows: Row[] = [];
  const mismatches: string[] = [];
  let cluster: TestCluster;
  let agent: Agent;
  let operator: RunningOperator;
  let core: CoreV1Api;
  let custom: CustomObjectsApi;
  let objects: KubernetesObjectApi;

  before(async () => {
    cluster = await privateCluster();
    core = cluster.kc.makeApiClient(CoreV1Api);
    custom = cluster.kc.makeApiClient(CustomObjectsApi);
    objects = KubernetesObjectApi.makeApiClient(cluster.kc);
    const shared = sharedObjects(cases);
    for (const c of cases) {
      await core.createNamespace({ body: { metadata: { name: c.namespace } } });
      await ensureSparkServiceAccount(cluster.kc, c.namespace);
      for (const d of shared) await objects.create(inNamespace(d, c.namespace));
    }
    agent = await startAgent({
      stateDir: cluster.stateDir,
      nodePools: [
        { name: "ecs", count: 1, capacity: CAPACITY, labels: {}, taints: [] },
        {
          name: "vk",
          count: 1,
          capacity: CAPACITY,
          labels: { type: "virtual-kubelet" },
          taints: [VIRTUAL_TAINT],
        },
      ],
    });
    operator = await startTestOperator(
      cluster.kc,
      cases[0]!.namespace,
      {},
      {
        namespaces: cases.map((c) => c.namespace),
      },
    );
  });
  after(async () => {
    console.log(`\n${table(rows)}\n`);
    await operator?.stop();
    await agent?.stop();
    if (cluster) await down(cluster.stateDir);
  });

  const read = async (c: Case): Promise<Doc> =>
    (await custom.getNamespacedCustomObject({
      group: c.app.apiVersion.split("/")[0]!,
      version: c.app.apiVersion.split("/")[1]!,
      namespace: c.namespace,
      plural: PLURALS[c.app.kind]!,
      name: c.app.metadata.name,
    })) as Doc;
  const driverLog = (c: Case, pod: string) =>
    core.readNamespacedPodLog({ name: pod, namespace: c.namespace, container: "spark-kubernetes-driver" });
  const statusOf = (d: Doc) => (d.status ?? {}) as Record<string, unknown>;

  /** Waits for the case's outcome; returns the row (outcome as seen, detail). */
  async function outcome(c: Case): Promise<Omit<Row, "file" | "seconds">> {
    const until = <T>(what: string, check: () => Promise<T | undefined>) =>
      eventually(`${c.file}: ${what}`, check, { timeoutMs: RUN_TIMEOUT_MS, intervalMs: 1000 });
    if (c.app.kind === "ScheduledSparkApplication") {
      const s = await until("scheduled", async () => {
        const st = statusOf(await read(c));
        return st.scheduleState ? st : undefined;
      });
      return { outcome: String(s.scheduleState).toUpperCase(), detail: `next run ${s.nextRun}` };
    }
    if (c.app.kind === "SparkConnect") {
      const s = await until("ready or failed", async () => {
        const st = statusOf(await read(c));
        return st.state === "Ready" || st.state === "Failed" ? st : undefined;
      });
      return {
        outcome: String(s.state).toUpperCase(),
        detail: `server pod ${JSON.stringify(s.server ?? {})}`,
      };
    }
    const app = await until("to finish", async () => {
      const a = await read(c);
      const state = (statusOf(a).applicationState as { state?: string } | undefined)?.state;
      return state === "COMPLETED" || state === "FAILED" ? a : undefined;
    });
    const st = statusOf(app);
    const state = (st.applicationState as { state: string; errorMessage?: string }).state;
    if (state === "FAILED")
      return {
        outcome: state,
        detail: (st.applicationState as { errorMessage?: string }).errorMessage ?? "",
      };
    const pod = (st.driverInfo as { podName?: string } | undefined)?.podName ?? "";
    const pi = /Pi is roughly [\d.]+/.exec(await driverLog(c, pod).catch(() => ""))?.[0];
    return { outcome: state, detail: pi ?? "no result in the driver log" };
  }

  async function apply(c: Case): Promise<void> {
    for (const d of c.docs)
      if (!sharedObjects([c]).includes(d)) await objects.create(inNamespace(d, c.namespace));
  }

  function judge(c: Case, row: Row): void {
    const e = c.expect;
    const fail = (why: string) => mismatches.push(`${c.file}: ${why} (got ${row.outcome}: ${row.detail})`);
    if (row.outcome !== e.outcome) {
      fail(`expected ${e.outcome}`);
      return;
    }
    if (e.outcome === "COMPLETED" && !/Pi is roughly 3\.1/.test(row.detail)) fail("no SparkPi result");
    if (e.outcome === "REFUSED" && !e.message.test(row.detail)) fail(`message should match ${e.message}`);
    if (e.outcome === "FAILED") {
      if (!e.message.test(row.detail)) fail(`message should match ${e.message}`);
      if (row.seconds > e.withinSeconds) fail(`should fail within ${e.withinSeconds} s`);
    }
  }

  test("every file reaches its outcome", async () => {
    // The quick refusals first, so they are judged on their own time, not behind the Spark runs.
    const ordered = [...cases].sort(
      (a, b) => Number(a.expect.outcome === "COMPLETED") - Number(b.expect.outcome === "COMPLETED"),
    );
    const wall = Date.now();
    await pool(ordered, CONCURRENCY, async (c) => {
      const started = Date.now();
      const seen = await apply(c)
        .then(() => outcome(c).catch((err: Error) => ({ outcome: "TIMEOUT", detail: err.message })))
        .catch((err: { body?: string; message: string }) => ({
          outcome: "REFUSED",
          detail: apiMessage(err),
        }));
      const row = { file: c.file, seconds: (Date.now() - started) / 1000, ...seen };
      rows.push(row);
      judge(c, row);
      console.log(`${row.file}: ${row.outcome} in ${row.seconds.toFixed(1)} s: ${row.detail.slice(0, 300)}`);
      if (c.app.kind === "SparkConnect")
        await objects.delete(inNamespace(c.app, c.namespace)).catch(() => {});
    });
    console.log(`conformance: ${cases.length} files in ${((Date.now() - wall) / 1000).toFixed(0)} s`);
    rows.sort((a, b) => a.file.localeCompare(b.file));
    assert.deepEqual(mismatches, []);
  });
});
