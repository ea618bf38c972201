/**
 * Seed 004 with real Spark: ACK's ResourcePolicy (unchanged) and its 5-executor spark-pi place the driver and
 * one executor on the amd64 pool, three executors on the virtual-kubelet pool, and keep one gated.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CoreV1Api, CustomObjectsApi, type V1Pod } from "@kubernetes/client-node";
import { parse } from "yaml";
import { type Agent, startAgent } from "../src/agent/index.js";
import {
  RESOURCE_POLICY_GROUP,
  RESOURCE_POLICY_VERSION,
  ResourcePolicyNames,
} from "../src/api/resourcepolicy/constants.js";
import { SchedulingGate } from "../src/api/sparkplane/constants.js";
import { GROUP, OperatorLabel, SparkApplicationNames, VERSION } from "../src/api/v1beta2/constants.js";
import { examplesSourceDir } from "../src/local/provision/examples.js";
import { ensureSparkServiceAccount } from "../src/local/spark-rbac.js";
import type { RunningOperator } from "../src/operator/operator.js";
import { down, privateCluster, type TestCluster } from "./cluster.js";
import { startTestOperator } from "./operator-fixture.js";
import { eventually } from "./poll.js";

const NS = "default";
const VIRTUAL_TAINT = { key: "virtual-kubelet.io/provider", value: "alibabacloud", effect: "NoSchedule" };
const seed = (file: string) =>
  parse(readFileSync(join(examplesSourceDir(), "seeds", file), "utf8")) as Record<string, unknown>;

function table(pods: V1Pod[]): string {
  const rows = pods
    .map((p) => [
      p.metadata?.name ?? "",
      p.status?.phase ?? "",
      (p.spec?.schedulingGates ?? []).map((g) => g.name).join(",") || "-",
      p.metadata?.annotations?.["sparkplane.io/placement-unit"] ?? "-",
      p.spec?.nodeName ?? "<none>",
    ])
    .sort((a, b) => a[0]!.localeCompare(b[0]!));
  const all = [["NAME", "STATUS", "GATES", "UNIT", "NODE"], ...rows];
  const widths = all[0]!.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all.map((r) => r.map((c, i) => c.padEnd(widths[i]! + 2)).join("")).join("\n");
}

describe("seed 004: ResourcePolicy capacity tiers with real Spark", { timeout: 600_000 }, () => {
  let cluster: TestCluster;
  let agent: Agent;
  let operator: RunningOperator;
  before(async () => {
    cluster = await privateCluster();
    await ensureSparkServiceAccount(cluster.kc, NS);
    // The seed's pool set; nodes advertise more CPU than the machine has (1-core pods, 2-core machine).
    agent = await startAgent({
      stateDir: cluster.stateDir,
      nodePools: [
        {
          name: "ecs",
          count: 1,
          capacity: { cpu: "4", memory: "16Gi", pods: "50", "ephemeral-storage": "50Gi" },
          labels: { "kubernetes.io/arch": "amd64" },
          taints: [],
        },
        {
          name: "vk",
          count: 1,
          capacity: { cpu: "8", memory: "32Gi", pods: "50", "ephemeral-storage": "50Gi" },
          labels: { type: "virtual-kubelet" },
          taints: [VIRTUAL_TAINT],
        },
      ],
    });
    operator = await startTestOperator(cluster.kc, NS);
  });
  after(async () => {
    await operator?.stop();
    await agent?.stop();
    if (cluster) await down(cluster.stateDir);
  });

  test("driver + 1 executor on ecs, 3 executors on vk, 1 executor gated", async () => {
    const core = cluster.kc.makeApiClient(CoreV1Api);
    const custom = cluster.kc.makeApiClient(CustomObjectsApi);
    await custom.createNamespacedCustomObject({
      group: RESOURCE_POLICY_GROUP,
      version: RESOURCE_POLICY_VERSION,
      plural: ResourcePolicyNames.plural,
      namespace: NS,
      body: seed("resourcepolicy.yaml"),
    });
    await custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      plural: SparkApplicationNames.plural,
      namespace: NS,
      body: seed("spark-pi-resourcepolicy.yaml"),
    });
    const pods = async () =>
      (await core.listNamespacedPod({ namespace: NS, labelSelector: `${OperatorLabel.AppName}=spark-pi` }))
        .items;
    const snapshot = await eventually(
      "the driver and 4 executors bound, 1 executor gated",
      async () => {
        const now = await pods();
        const executors = now.filter((p) => p.metadata?.labels?.["spark-role"] === "executor");
        const bound = now.filter((p) => p.spec?.nodeName);
        return executors.length === 5 && bound.length === 5 ? now : undefined;
      },
      { timeoutMs: 300_000 },
    );
    console.log(`\n${table(snapshot)}\n`);
    const on = (prefix: string) => snapshot.filter((p) => p.spec?.nodeName?.startsWith(prefix));
    const driver = snapshot.find((p) => p.metadata?.labels?.["spark-role"] === "driver")!;
    assert.ok(driver.spec?.nodeName?.startsWith("ecs-"), `driver on ${driver.spec?.nodeName}`);
    assert.equal(on("ecs-").length, 2, "driver + 1 executor on the amd64 pool");
    assert.equal(on("vk-").length, 3, "3 executors on the virtual-kubelet pool");
    const gated = snapshot.filter((p) => !p.spec?.nodeName);
    assert.equal(gated.length, 1);
    assert.deepEqual(
      gated[0]!.spec?.schedulingGates?.map((g) => g.name),
      [SchedulingGate.Placement],
    );
    // The event recorder writes asynchronously.
    const message = await eventually(
      "a PlacementUnitsFull event on the gated executor",
      async () =>
        (await core.listNamespacedEvent({ namespace: NS })).items.find(
          (e) => e.reason === "PlacementUnitsFull" && e.involvedObject.name === gated[0]!.metadata?.name,
        )?.message,
      { timeoutMs: 20_000 },
    );
    assert.match(message, /unit 0 \(ecs\) 2\/2, unit 1 \(eci\) 3\/3/);
    console.log(`event on ${gated[0]!.metadata?.name}: PlacementUnitsFull: ${message}`);
    await eventually(
      "spark-pi completes on 4 executors",
      async () => {
        const app = (await custom.getNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          plural: SparkApplicationNames.plural,
          namespace: NS,
          name: "spark-pi",
        })) as { status?: { applicationState?: { state?: string } } };
        const state = app.status?.applicationState?.state;
        assert.notEqual(state, "FAILED");
        return state === "COMPLETED";
      },
      { timeoutMs: 300_000 },
    );
  });
});
