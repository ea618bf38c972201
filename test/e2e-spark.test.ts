import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { CoreV1Api, CustomObjectsApi, type V1Pod } from "@kubernetes/client-node";
import { parse } from "yaml";
import { type Agent, startAgent } from "../src/agent/index.js";
import {
  API_VERSION,
  GROUP,
  OperatorLabel,
  SparkApplicationNames,
  VERSION,
} from "../src/api/v1beta2/constants.js";
import type { SparkApplication } from "../src/api/v1beta2/sparkapplication.js";
import { examplesSourceDir } from "../src/local/provision/examples.js";
import { findToolset, requireToolset } from "../src/local/provision/index.js";
import { ensureSparkServiceAccount } from "../src/local/spark-rbac.js";
import type { RunningOperator } from "../src/operator/operator.js";
import { down, privateCluster, processesMentioning, type TestCluster } from "./cluster.js";
import { startTestOperator } from "./operator-fixture.js";
import { eventually } from "./poll.js";

const NS = "default";
const VIRTUAL_TAINT = { key: "virtual-kubelet.io/provider", value: "alibabacloud", effect: "NoSchedule" };

function example(file: string): SparkApplication {
  return parse(readFileSync(join(examplesSourceDir(), file), "utf8")) as SparkApplication;
}

describe("real Spark on the embedded cluster (operator + node agent)", { timeout: 1_200_000 }, () => {
  let cluster: TestCluster;
  let agent: Agent;
  let operator: RunningOperator;
  let core: CoreV1Api;
  let custom: CustomObjectsApi;
  const ref = { group: GROUP, version: VERSION, plural: SparkApplicationNames.plural, namespace: NS };

  before(async () => {
    cluster = await privateCluster();
    await ensureSparkServiceAccount(cluster.kc, NS);
    await ensureSparkServiceAccount(cluster.kc, NS, "spark-operator-spark");
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
        {
          name: "virtual",
          count: 1,
          capacity: { cpu: "16", memory: "64Gi", pods: "110", "ephemeral-storage": "100Gi" },
          labels: { type: "virtual-kubelet" },
          taints: [VIRTUAL_TAINT],
        },
      ],
    });
    operator = await startTestOperator(cluster.kc, NS);
    core = cluster.kc.makeApiClient(CoreV1Api);
    custom = cluster.kc.makeApiClient(CustomObjectsApi);
  });
  after(async () => {
    await operator?.stop();
    await agent?.stop();
    if (cluster) await down(cluster.stateDir);
  });

  const create = (app: SparkApplication) =>
    custom.createNamespacedCustomObject({
      ...ref,
      body: { ...app, metadata: { name: app.metadata.name, namespace: NS } },
    });
  const get = async (name: string) =>
    (await custom.getNamespacedCustomObject({ ...ref, name })) as SparkApplication;
  const waitFor = <T>(
    what: string,
    check: () => Promise<T | undefined | false>,
    timeoutMs = 300_000,
  ): Promise<T> => eventually(what, check, { timeoutMs, intervalMs: 500 });

  const terminal = (name: string) =>
    waitFor(`${name} to finish`, async () => {
      const app = await get(name);
      return ["COMPLETED", "FAILED"].includes(app.status?.applicationState?.state ?? "") ? app : undefined;
    });
  const driverLog = async (app: SparkApplication) =>
    core.readNamespacedPodLog({
      name: app.status!.driverInfo!.podName!,
      namespace: NS,
      container: "spark-kubernetes-driver",
    });
  /** Waits for the app to end, asserts it COMPLETED and its driver log has SparkPi's result; returns both. */
  const completedPi = async (name: string) => {
    const app = await terminal(name);
    assert.equal(
      app.status?.applicationState?.state,
      "COMPLETED",
      app.status?.applicationState?.errorMessage,
    );
    const log = await driverLog(app);
    assert.match(log, /Pi is roughly 3\.1\d*/);
    return { app, log };
  };
  const executorsOf = async (app: SparkApplication): Promise<V1Pod[]> =>
    (
      await core.listNamespacedPod({
        namespace: NS,
        labelSelector: `spark-role=executor,spark-app-selector=${app.status?.sparkApplicationId}`,
      })
    ).items;

  test("Java SparkPi with 2 executors: COMPLETED, the result in the driver log, executors gone at the end", async () => {
    const started = Date.now();
    await create(example("spark-pi.yaml"));
    const { app } = await completedPi("spark-pi");
    assert.equal(Object.keys(app.status?.executorState ?? {}).length, 2, "two executors tracked");
    await waitFor(
      "executors deleted by the driver",
      async () => (await executorsOf(app)).length === 0,
      60_000,
    );
    console.log(
      `SparkPi on the embedded cluster: ${((Date.now() - started) / 1000).toFixed(1)} s from create to COMPLETED`,
    );
  });

  test("PySpark Pi: COMPLETED with the result", async () => {
    await create(example("spark-pi-python.yaml"));
    await completedPi("pyspark-pi");
  });

  test("Java SparkPi on Spark 4 (spec.sparkVersion 4.3.0): COMPLETED, driver and executors ran Spark 4", async (t) => {
    const { spark4 } = findToolset();
    if (!spark4) return t.skip("Spark 4 is not provisioned (`sparkplane provision`)");
    const started = Date.now();
    await create(example("spark-pi-4.yaml"));
    const { app, log } = await completedPi("spark-pi-4");
    assert.match(log, new RegExp(`Running Spark version ${spark4.version.replaceAll(".", "\\.")}`));
    assert.equal(Object.keys(app.status?.executorState ?? {}).length, 2, "two executors tracked");
    console.log(
      `SparkPi on Spark ${spark4.version}: ${((Date.now() - started) / 1000).toFixed(1)} s from create to COMPLETED`,
    );
  });

  test("PySpark Pi on Spark 4: COMPLETED with the result", async (t) => {
    const { spark4 } = findToolset();
    if (!spark4) return t.skip("Spark 4 is not provisioned (`sparkplane provision`)");
    const base = example("spark-pi-python.yaml");
    await create({
      ...base,
      metadata: { name: "pyspark-pi-4" },
      spec: { ...base.spec, sparkVersion: spark4.version, image: `spark-py:${spark4.version}` },
    });
    const { log } = await completedPi("pyspark-pi-4");
    assert.match(log, /Running Spark version 4\./);
  });

  test("a patch-level difference (3.5.1 with Apache's SparkPi stand-in by its 3.5.1 jar name) runs on 3.5.9, with a SparkVersionSubstituted event on the app", async () => {
    const base = example("spark-pi.yaml");
    await create({
      ...base,
      metadata: { name: "spark-pi-351" },
      spec: {
        ...base.spec,
        sparkVersion: "3.5.1",
        mainClass: "org.apache.spark.examples.SparkPi",
        mainApplicationFile: "local:///opt/spark/examples/jars/spark-examples_2.12-3.5.1.jar",
      },
    });
    const { app, log } = await completedPi("spark-pi-351");
    assert.match(log, /Running Spark version 3\.5\.9/);
    const events = await core.listNamespacedEvent({
      namespace: NS,
      fieldSelector: `involvedObject.uid=${app.metadata.uid}`,
    });
    const note = events.items.find((e) => e.reason === "SparkVersionSubstituted");
    assert.match(
      note?.message ?? "",
      /Spark 3\.5\.1 \(the pod's spark-version label, from spec\.sparkVersion\) runs on the provisioned Spark 3\.5\.9, the newest of its minor line here/,
    );
  });

  test("a spec.sparkVersion no provisioned Spark serves: the app FAILS at once naming the field, what is provisioned and the fix", async () => {
    const base = example("spark-pi.yaml");
    const started = Date.now();
    await create({
      ...base,
      metadata: { name: "spark-pi-5" },
      spec: { ...base.spec, sparkVersion: "5.0.0" },
    });
    const app = await waitFor(
      "spark-pi-5 to fail",
      async () => {
        const a = await get("spark-pi-5");
        return a.status?.applicationState?.state === "FAILED" ? a : undefined;
      },
      60_000,
    );
    const message = app.status?.applicationState?.errorMessage ?? "";
    assert.match(message, /driver container cannot start, Reason: ErrImageNeverPull/);
    assert.match(message, /spec\.sparkVersion: Spark 5\.0\.0 \(the pod's spark-version label\)/);
    assert.match(message, /which has Spark 3\.5\.9/);
    console.log(
      `unprovisioned Spark 5.0.0: FAILED ${((Date.now() - started) / 1000).toFixed(1)} s after create`,
    );
    await custom.deleteNamespacedCustomObject({ ...ref, name: "spark-pi-5" });
  });

  test("the failing example with OnFailure and 1 retry: two execution attempts, FAILED with the exception", async () => {
    await create(example("spark-fail.yaml"));
    const app = await terminal("spark-fail");
    assert.equal(app.status?.applicationState?.state, "FAILED");
    assert.equal(app.status?.executionAttempts, 2, "one retry");
    assert.match(app.status?.applicationState?.errorMessage ?? "", /FailOnPurpose|IllegalStateException/);
  });

  test("the seed's nodeAffinity + toleration land driver and executors only on the tainted virtual-kubelet pool; kubectl logs reaches driver and executor", async () => {
    const seed = parse(
      readFileSync(join(examplesSourceDir(), "seeds", "spark-pi-affinity-tolerations.yaml"), "utf8"),
    ) as SparkApplication;
    const base = example("spark-pi.yaml");
    const app: SparkApplication = {
      ...base,
      metadata: { name: "spark-pi-virtual" },
      spec: {
        ...base.spec,
        sparkConf: { "spark.kubernetes.executor.deleteOnTermination": "false" },
        driver: {
          ...base.spec.driver,
          affinity: seed.spec.driver.affinity,
          tolerations: seed.spec.driver.tolerations,
        },
        executor: {
          ...base.spec.executor,
          affinity: seed.spec.executor.affinity,
          tolerations: seed.spec.executor.tolerations,
        },
      },
    };
    await create(app);
    const done = await terminal("spark-pi-virtual");
    assert.equal(
      done.status?.applicationState?.state,
      "COMPLETED",
      done.status?.applicationState?.errorMessage,
    );
    const virtualNodes = agent.nodes.filter((n) => n.name.startsWith("virtual")).map((n) => n.name);
    const driver = await core.readNamespacedPod({ name: done.status!.driverInfo!.podName!, namespace: NS });
    const executors = await executorsOf(done);
    assert.equal(executors.length, 2, "executors kept (deleteOnTermination=false)");
    // Spark kept the template's owner reference to the app and added the driver pod as controller.
    for (const p of executors) {
      assert.deepEqual(JSON.parse(JSON.stringify(p.metadata?.ownerReferences)), [
        {
          apiVersion: API_VERSION,
          kind: "SparkApplication",
          name: "spark-pi-virtual",
          uid: done.metadata.uid,
        },
        {
          apiVersion: "v1",
          kind: "Pod",
          name: driver.metadata?.name,
          uid: driver.metadata?.uid,
          controller: true,
        },
      ]);
    }
    for (const p of [driver, ...executors])
      assert.equal(p.metadata?.labels?.[OperatorLabel.MutatedBySparkOperator], "true", p.metadata?.name);
    assert.match(done.status?.driverInfo?.webUIAddress ?? "", /^\d+\.\d+\.\d+\.\d+:4040$/);
    for (const p of [driver, ...executors])
      assert.ok(
        virtualNodes.includes(p.spec?.nodeName ?? ""),
        `${p.metadata?.name} ran on ${p.spec?.nodeName}`,
      );
    const kubectl = requireToolset().kube.kubectl;
    // Asynchronously: the agent serving these logs runs in this very process (a sync spawn would block it).
    const logs = (pod: string, container: string) =>
      promisify(execFile)(
        kubectl,
        ["--kubeconfig", cluster.kubeconfig, "logs", "-n", NS, pod, "-c", container],
        {
          maxBuffer: 64 << 20,
        },
      );
    const d = await logs(driver.metadata!.name!, "spark-kubernetes-driver");
    assert.match(d.stdout, /Pi is roughly/);
    const e = await logs(executors[0]!.metadata!.name!, "spark-kubernetes-executor");
    assert.match(e.stdout, /CoarseGrainedExecutorBackend|Executor/);
  });

  test("deleting a running app stops its processes within the grace period", async () => {
    const base = example("spark-pi.yaml");
    await create({
      ...base,
      metadata: { name: "spark-long" },
      spec: {
        ...base.spec,
        arguments: ["100000"],
        driver: { ...base.spec.driver, terminationGracePeriodSeconds: 5 },
      },
    });
    const running = await waitFor("a running driver with executors", async () => {
      const app = await get("spark-long");
      return app.status?.applicationState?.state === "RUNNING" &&
        Object.values(app.status?.executorState ?? {}).includes("RUNNING")
        ? app
        : undefined;
    });
    // The app turns RUNNING with its first running executor; wait until every pod's process has started.
    const uids = await waitFor("live processes for the driver and both executors", async () => {
      const pods = [
        await core.readNamespacedPod({ name: running.status!.driverInfo!.podName!, namespace: NS }),
        ...(await executorsOf(await get("spark-long"))),
      ];
      const ids = pods.map((p) => p.metadata!.uid!);
      return pods.length === 3 && ids.every((u) => processesMentioning(u).length > 0) ? ids : undefined;
    });
    const t0 = Date.now();
    await custom.deleteNamespacedCustomObject({ ...ref, name: "spark-long" });
    await waitFor(
      "the pods' processes to exit",
      async () => uids.every((u) => processesMentioning(u).length === 0),
      60_000,
    );
    const secs = (Date.now() - t0) / 1000;
    assert.ok(secs < 5 + 10, `processes gone ${secs.toFixed(1)} s after the delete (grace 5 s + slack)`);
    await waitFor(
      "the app gone",
      async () =>
        get("spark-long").then(
          () => false,
          () => true,
        ),
      60_000,
    );
    assert.equal(
      (await core.listNamespacedPod({ namespace: NS, labelSelector: `${OperatorLabel.AppName}=spark-long` }))
        .items.length,
      0,
    );
  });
});
