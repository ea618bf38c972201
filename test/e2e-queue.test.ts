/**
 * Real Spark through a SparkQueue: examples/queue/ — a 3-CPU queue and three copies of a 2-CPU SparkPi. The
 * queue admits one app at a time (no two drivers hold the quota at once, so no driver waits for executors it
 * can never get), and every app COMPLETES. Prints the timeline.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CoreV1Api, CustomObjectsApi, type V1Pod } from "@kubernetes/client-node";
import { parse } from "yaml";
import { type Agent, startAgent } from "../src/agent/index.js";
import { SPARKPLANE_GROUP, SPARKPLANE_VERSION, SparkQueueNames } from "../src/api/sparkplane/constants.js";
import type { SparkQueue } from "../src/api/sparkplane/sparkqueue.js";
import { GROUP, SparkApplicationNames, VERSION } from "../src/api/v1beta2/constants.js";
import type { SparkApplication } from "../src/api/v1beta2/sparkapplication.js";
import { examplesSourceDir } from "../src/local/provision/examples.js";
import { ensureSparkServiceAccount } from "../src/local/spark-rbac.js";
import type { RunningOperator } from "../src/operator/operator.js";
import { down, privateCluster, type TestCluster } from "./cluster.js";
import { startTestOperator } from "./operator-fixture.js";
import { eventually } from "./poll.js";

const NS = "default";
const example = <T>(file: string) =>
  parse(readFileSync(join(examplesSourceDir(), "queue", file), "utf8")) as T;

describe("real Spark through a SparkQueue (operator + node agent)", { timeout: 900_000 }, () => {
  let cluster: TestCluster;
  let agent: Agent;
  let operator: RunningOperator;
  let core: CoreV1Api;
  let custom: CustomObjectsApi;
  const ref = { group: GROUP, version: VERSION, plural: SparkApplicationNames.plural, namespace: NS };

  before(async () => {
    cluster = await privateCluster();
    await ensureSparkServiceAccount(cluster.kc, NS);
    agent = await startAgent({ stateDir: cluster.stateDir });
    operator = await startTestOperator(cluster.kc, NS);
    core = cluster.kc.makeApiClient(CoreV1Api);
    custom = cluster.kc.makeApiClient(CustomObjectsApi);
  });
  after(async () => {
    await operator?.stop();
    await agent?.stop();
    if (cluster) await down(cluster.stateDir);
  });

  test("three 2-CPU SparkPi apps in a 3-CPU queue run one at a time and all COMPLETE", async () => {
    const queue = example<SparkQueue>("sparkqueue.yaml");
    await custom.createClusterCustomObject({
      group: SPARKPLANE_GROUP,
      version: SPARKPLANE_VERSION,
      plural: SparkQueueNames.plural,
      body: queue,
    });
    const app = example<SparkApplication>("spark-pi-queued.yaml");
    const names = ["pi-a", "pi-b", "pi-c"];
    const t0 = Date.now();
    for (const name of names) {
      await custom.createNamespacedCustomObject({
        ...ref,
        body: { ...app, metadata: { name, namespace: NS } },
      });
      await new Promise((r) => setTimeout(r, 100));
    }
    const finished = await eventually(
      "all three apps finished",
      async () => {
        const apps = await Promise.all(
          names.map(
            async (name) => (await custom.getNamespacedCustomObject({ ...ref, name })) as SparkApplication,
          ),
        );
        const states = apps.map((a) => a.status?.applicationState?.state ?? "");
        return states.every((s) => s === "COMPLETED" || s === "FAILED") ? apps : undefined;
      },
      { timeoutMs: 600_000, intervalMs: 1000 },
    );
    const wall = (Date.now() - t0) / 1000;
    for (const a of finished)
      assert.equal(
        a.status?.applicationState?.state,
        "COMPLETED",
        `${a.metadata.name}: ${JSON.stringify(a.status)}`,
      );
    const driverOf = async (a: SparkApplication) =>
      (await core.readNamespacedPod({ name: a.status!.driverInfo!.podName!, namespace: NS })) as V1Pod;
    const spans = await Promise.all(
      finished.map(async (a) => {
        const pod = await driverOf(a);
        const ran = pod.status?.containerStatuses?.find((c) => c.name === "spark-kubernetes-driver")?.state
          ?.terminated;
        return {
          name: a.metadata.name!,
          start: new Date(ran!.startedAt!).getTime(),
          end: new Date(ran!.finishedAt!).getTime(),
        };
      }),
    );
    spans.sort((x, y) => x.start - y.start);
    console.log(`queue timeline (3 CPU quota, 2 CPU per app), wall ${wall.toFixed(1)} s:`);
    for (const s of spans)
      console.log(
        `  ${s.name}: driver ran ${((s.start - t0) / 1000).toFixed(1)} s -> ${((s.end - t0) / 1000).toFixed(1)} s`,
      );
    assert.deepEqual(
      spans.map((s) => s.name),
      names,
      "admitted in arrival order",
    );
    for (let i = 1; i < spans.length; i++)
      assert.ok(
        spans[i]!.start >= spans[i - 1]!.end,
        `${spans[i]!.name} started before ${spans[i - 1]!.name} ended`,
      );
    const status = (
      (await custom.getClusterCustomObject({
        group: SPARKPLANE_GROUP,
        version: SPARKPLANE_VERSION,
        plural: SparkQueueNames.plural,
        name: "batch",
      })) as SparkQueue
    ).status;
    assert.equal(status?.running, 0);
    assert.equal(status?.waiting, 0);
  });
});
