/**
 * Real Spark with only the chart's identities (e2e, private cluster with the node agent): the operator
 * authenticates as the chart's operator ServiceAccount and SparkPi's driver runs as the chart's Spark
 * ServiceAccount, whose Role grants pods, services, configmaps and PVCs without `update`. The driver must
 * create, watch and delete its executors with that, and the app reach COMPLETED.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CustomObjectsApi } from "@kubernetes/client-node";
import { parse } from "yaml";
import { type Agent, startAgent } from "../src/agent/index.js";
import { API_VERSION, GROUP, SparkApplicationNames, VERSION } from "../src/api/v1beta2/constants.js";
import type { SparkApplication } from "../src/api/v1beta2/sparkapplication.js";
import { examplesSourceDir } from "../src/local/provision/examples.js";
import { type RunningOperator, startOperator } from "../src/operator/operator.js";
import { applyChartIdentity, chartNames, serviceAccountKubeConfig } from "./chart-identity.js";
import { down, privateCluster, type TestCluster } from "./cluster.js";
import { eventually } from "./poll.js";

const NS = "default";
const names = chartNames("chart");

describe("SparkPi with the chart's operator and Spark driver identities", { timeout: 900_000 }, () => {
  let cluster: TestCluster;
  let agent: Agent | undefined;
  let operator: RunningOperator | undefined;

  before(async () => {
    cluster = await privateCluster();
    applyChartIdentity(cluster, NS, "chart");
    agent = await startAgent({
      stateDir: cluster.stateDir,
      nodePools: [
        {
          name: "pool",
          count: 1,
          capacity: { cpu: "16", memory: "64Gi", pods: "110", "ephemeral-storage": "100Gi" },
          labels: {},
          taints: [],
        },
      ],
    });
    operator = await startOperator({
      kc: await serviceAccountKubeConfig(cluster.kc, NS, names.operatorAccount),
      namespaces: [NS],
      workers: 2,
      submitter: "native",
      metricsPort: 0,
      installCrds: false,
      resyncMs: 0,
      logLevel: "warn",
      leaderElection: { namespace: NS, name: names.lease },
    });
  });

  after(async () => {
    await operator?.stop();
    await agent?.stop();
    if (cluster) await down(cluster.stateDir);
  });

  it("examples/spark-pi.yaml reaches COMPLETED with its two executors", async () => {
    const custom = cluster.kc.makeApiClient(CustomObjectsApi);
    const ref = { group: GROUP, version: VERSION, plural: SparkApplicationNames.plural, namespace: NS };
    const app = parse(readFileSync(join(examplesSourceDir(), "spark-pi.yaml"), "utf8")) as SparkApplication;
    app.spec.driver.serviceAccount = names.sparkAccount;
    const started = Date.now();
    await custom.createNamespacedCustomObject({
      ...ref,
      body: { ...app, apiVersion: API_VERSION, metadata: { name: "spark-pi", namespace: NS } },
    });
    const done = await eventually(
      "spark-pi terminal",
      async () => {
        const a = (await custom.getNamespacedCustomObject({ ...ref, name: "spark-pi" })) as SparkApplication;
        return ["COMPLETED", "FAILED"].includes(a.status?.applicationState?.state ?? "") ? a : undefined;
      },
      { timeoutMs: 600_000, intervalMs: 1000 },
    );
    assert.equal(
      done.status?.applicationState?.state,
      "COMPLETED",
      JSON.stringify(done.status?.applicationState),
    );
    assert.equal(Object.keys(done.status?.executorState ?? {}).length, 2, "two executors tracked");
    console.log(`SparkPi with the chart's identities: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
});
