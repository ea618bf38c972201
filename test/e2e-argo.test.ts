import assert from "node:assert/strict";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { type Agent, startAgent } from "../src/agent/index.js";
import type { SparkApplication } from "../src/api/v1beta2/sparkapplication.js";
import { ArgoApi, ArgoLabel } from "../src/local/argo/constants.js";
import { readClusterState } from "../src/local/cluster-state.js";
import { statePaths } from "../src/local/paths.js";
import { ensureSparkServiceAccount } from "../src/local/spark-rbac.js";
import type { RunningOperator } from "../src/operator/operator.js";
import {
  argoClient,
  nodesNamed,
  runHeraExample,
  summary,
  taskNode,
  time,
  type Workflow,
  workflowExample,
} from "./argo-fixture.js";
import { down, privateCluster, type TestCluster } from "./cluster.js";
import { startTestConsole } from "./console-fixture.js";
import { startTestOperator } from "./operator-fixture.js";
import { eventually } from "./poll.js";

const NS = "default";
const state = (a: SparkApplication) => a.status?.applicationState?.state ?? "";
const upstreamOf = (a: SparkApplication) => a.spec.sparkConf?.["spark.sparkplane.upstream"];
const byPrefix = (apps: SparkApplication[], prefix: string) =>
  apps.filter((a) => a.metadata.name?.startsWith(`${prefix}-`));

/** One task running the spark-app template, as a test workflow's DAG. */
function sparkTask(name: string, parameters: Record<string, string>, extra: object = {}) {
  return {
    name,
    templateRef: { name: "spark-app", template: "spark-app" },
    arguments: {
      parameters: Object.entries({ name, ...parameters }).map(([n, value]) => ({ name: n, value })),
    },
    ...extra,
  };
}

/** A Workflow of ours: the test's ServiceAccount, entrypoint `main`, these templates. */
function workflow(generateName: string, templates: object[]) {
  return {
    apiVersion: `${ArgoApi.group}/${ArgoApi.version}`,
    kind: "Workflow",
    metadata: { generateName },
    spec: { serviceAccountName: "argo-workflow", entrypoint: "main", templates },
  };
}

describe("Argo Workflows driving SparkApplications (up --with argo, agent, operator, real Spark)", {
  timeout: 3_600_000,
}, () => {
  let cluster: TestCluster;
  let agent: Agent;
  let operator: RunningOperator;
  let argo: ReturnType<typeof argoClient>;
  let consoleServer: Server;
  let consoleBase: string;

  before(async () => {
    const started = Date.now();
    cluster = await privateCluster({ argo: true });
    console.log(`cluster with Argo's controller ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await ensureSparkServiceAccount(cluster.kc, NS);
    agent = await startAgent({ stateDir: cluster.stateDir });
    operator = await startTestOperator(cluster.kc, NS);
    argo = argoClient(cluster.kc, NS);
    await argo.create(ArgoApi.workflowTemplates, workflowExample("spark-app-template.yaml"));
    consoleServer = await (await startTestConsole(cluster.kc, NS)).server;
    consoleBase = `http://127.0.0.1:${(consoleServer.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((r) => (consoleServer ? consoleServer.close(() => r()) : r()));
    await operator?.stop();
    await agent?.stop();
    if (cluster) await down(cluster.stateDir);
  });

  test("the ETL DAG: extract, then both transforms in parallel, then load; parameters passed; deleting the workflow deletes its apps", async () => {
    const started = Date.now();
    const created = await argo.create(ArgoApi.workflows, workflowExample("spark-etl-dag.yaml"));
    const wf = await argo.finished(created.metadata.name);
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    assert.equal(wf.status?.phase, "Succeeded", summary(wf));
    console.log(`ETL DAG (4 SparkApplications, 3 levels): ${secs} s from create to Succeeded`);

    const [extract, a, b, load] = ["extract", "transform-a", "transform-b", "load"].map((t) =>
      taskNode(wf, t),
    );
    assert.ok(time(extract!.finishedAt) <= time(a!.startedAt), "transform-a starts after extract");
    assert.ok(time(extract!.finishedAt) <= time(b!.startedAt), "transform-b starts after extract");
    assert.ok(time(a!.finishedAt) <= time(load!.startedAt), "load starts after transform-a");
    assert.ok(time(b!.finishedAt) <= time(load!.startedAt), "load starts after transform-b");

    const apps = await argo.sparkApps(wf.metadata.name);
    assert.equal(apps.length, 4, apps.map((x) => x.metadata.name).join(", "));
    assert.ok(
      apps.every((x) => state(x) === "COMPLETED"),
      apps.map((x) => `${x.metadata.name}=${state(x)}`).join(),
    );
    const [ex] = byPrefix(apps, "extract");
    const [ta] = byPrefix(apps, "transform-a");
    const [tb] = byPrefix(apps, "transform-b");
    const [ld] = byPrefix(apps, "load");
    assert.equal(upstreamOf(ta!), ex!.metadata.name, "transform-a got extract's app name");
    assert.equal(upstreamOf(tb!), ex!.metadata.name, "transform-b got extract's app name");
    assert.equal(upstreamOf(ld!), `${ta!.metadata.name},${tb!.metadata.name}`, "load got both transforms'");
    // In parallel: each transform's app was running before the other's finished.
    const created_ = (x: SparkApplication) => time(x.metadata.creationTimestamp as unknown as string);
    const ended = (x: SparkApplication) => time(x.status?.terminationTime as unknown as string);
    assert.ok(created_(ta!) < ended(tb!) && created_(tb!) < ended(ta!), "the transforms overlapped");
    assert.ok(
      apps.every((x) =>
        x.metadata.ownerReferences?.some((o) => o.kind === "Workflow" && o.uid === wf.metadata.uid),
      ),
      "every app is owned by the workflow",
    );

    // The console shows the DAG with each node's SparkApplication, its state and driver log link.
    const page = await (await fetch(`${consoleBase}/ui/workflows/${NS}/${wf.metadata.name}`)).text();
    for (const app of apps) {
      const name = app.metadata.name ?? "";
      assert.ok(page.includes(`href="/ui/apps/${NS}/${name}"`), `the workflow page links ${name}`);
      assert.ok(
        page.includes(`/sparkapplications/${name}/log`),
        `the workflow page links ${name}'s driver log`,
      );
    }
    assert.match(page, /<span class="state COMPLETED">COMPLETED<\/span>/);
    const list = await (await fetch(`${consoleBase}/ui/workflows`)).text();
    assert.ok(list.includes(wf.metadata.name), "the workflows list has it");

    await argo.delete(ArgoApi.workflows, wf.metadata.name);
    await eventually(
      "the garbage collector to delete the workflow's apps",
      async () => (await argo.sparkApps(wf.metadata.name)).length === 0,
      { timeoutMs: 120_000, intervalMs: 1000 },
    );
  });

  test("a script step (Python) runs as a local process; its result feeds the next step", async () => {
    const wf = await argo.create(
      ArgoApi.workflows,
      workflow("script-", [
        {
          name: "main",
          steps: [
            [{ name: "calc", template: "calc" }],
            [
              {
                name: "check",
                template: "check",
                arguments: { parameters: [{ name: "v", value: "{{steps.calc.outputs.result}}" }] },
              },
            ],
          ],
        },
        {
          name: "calc",
          script: {
            image: "python:3.12-alpine",
            command: ["python3"],
            source: "import math\nprint(math.prod([6, 7]))\n",
          },
        },
        {
          name: "check",
          inputs: { parameters: [{ name: "v" }] },
          container: { image: "busybox", command: ["sh", "-c", 'test "{{inputs.parameters.v}}" = 42'] },
        },
      ]),
    );
    const done = await argo.finished(wf.metadata.name);
    assert.equal(done.status?.phase, "Succeeded", summary(done));
    assert.equal(taskNode(done, "calc").outputs?.result, "42");
  });

  test("a failing Spark step fails the workflow, and the Spark exception is the failed node's message", async () => {
    const wf = await argo.create(
      ArgoApi.workflows,
      workflow("spark-fails-", [
        {
          name: "main",
          dag: {
            tasks: [
              sparkTask("ok", {}),
              sparkTask("boom", { "main-class": "io.sparkplane.examples.FailOnPurpose" }, { depends: "ok" }),
              sparkTask("never", {}, { depends: "boom" }),
            ],
          },
        },
      ]),
    );
    const done = await argo.finished(wf.metadata.name);
    assert.equal(done.status?.phase, "Failed", summary(done));
    const failedPods = Object.values(done.status?.nodes ?? {}).filter(
      (n) => n.type === "Pod" && n.phase === "Failed",
    );
    assert.ok(
      failedPods.some((n) => /IllegalStateException: sparkplane FailOnPurpose/.test(n.message ?? "")),
      `the Spark error in a failed node's message: ${summary(done)}`,
    );
    assert.ok(
      nodesNamed(done, "never").every((n) => n.phase === "Omitted"),
      `the step after the failure never ran: ${summary(done)}`,
    );
    const apps = await argo.sparkApps(wf.metadata.name);
    assert.deepEqual(apps.map((x) => `${x.metadata.name?.split("-")[0]}=${state(x)}`).sort(), [
      "boom=FAILED",
      "ok=COMPLETED",
    ]);
  });

  test("a retry policy re-runs only the failed step: a new SparkApplication for it, none for the step before", async () => {
    const failFirst =
      "{{=asInt(retries) == 0 ? 'io.sparkplane.examples.FailOnPurpose' : 'io.sparkplane.examples.JavaSparkPi'}}";
    const wf = await argo.create(
      ArgoApi.workflows,
      workflow("spark-retry-", [
        {
          name: "main",
          dag: {
            tasks: [sparkTask("before", {}), { name: "flaky", template: "flaky", depends: "before" }],
          },
        },
        {
          name: "flaky",
          retryStrategy: { limit: 1, retryPolicy: "Always" },
          steps: [[sparkTask("flaky", { "main-class": failFirst })]],
        },
      ]),
    );
    const done = await argo.finished(wf.metadata.name);
    assert.equal(done.status?.phase, "Succeeded", summary(done));
    const apps = await argo.sparkApps(wf.metadata.name);
    assert.deepEqual(byPrefix(apps, "before").map(state), ["COMPLETED"], "the step before ran once");
    assert.deepEqual(
      byPrefix(apps, "flaky").map(state).sort(),
      ["COMPLETED", "FAILED"],
      "the flaky step ran twice",
    );
  });

  test("hera (Python) builds the ETL DAG and submits it through argo server; it completes like the YAML one", async () => {
    const server = readClusterState(statePaths(cluster.stateDir).clusterJson)?.argoServer;
    assert.ok(server, "up --with argo publishes argo server's address");
    const started = Date.now();
    const lines = await runHeraExample("hera_spark_etl.py", server, ["--namespace", NS]);
    console.log(`hera ETL DAG: ${((Date.now() - started) / 1000).toFixed(1)} s from submit to Succeeded`);
    const name = lines.find((l) => l.workflow)?.workflow;
    assert.ok(name, JSON.stringify(lines));
    assert.equal(lines.at(-1)?.phase, "Succeeded", JSON.stringify(lines));
    const wf = await argo.get(name);
    const [extract, a, load] = ["extract", "transform-a", "load"].map((t) => taskNode(wf, t));
    assert.ok(
      time(extract!.finishedAt) <= time(a!.startedAt) && time(a!.finishedAt) <= time(load!.startedAt),
    );
    const apps = await argo.sparkApps(name);
    assert.equal(apps.length, 4);
    assert.ok(apps.every((x) => state(x) === "COMPLETED"));
    const [ex] = byPrefix(apps, "extract");
    assert.equal(upstreamOf(byPrefix(apps, "transform-b")[0]!), ex!.metadata.name);
  });

  test("the nightly CronWorkflow (its time zone kept) fires on an @every schedule and its run completes", async () => {
    const cron = workflowExample<{ metadata: { name: string }; spec: Record<string, unknown> }>(
      "spark-nightly-cron.yaml",
    );
    cron.spec.schedules = ["@every 20s"];
    await argo.create(ArgoApi.cronWorkflows, cron);
    const started = Date.now();
    const run = await eventually(
      "a workflow from the CronWorkflow",
      async () => (await argo.list(ArgoApi.workflows, `${ArgoLabel.cronWorkflow}=${cron.metadata.name}`))[0],
      { timeoutMs: 90_000, intervalMs: 1000 },
    );
    console.log(`CronWorkflow fired after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    // Suspended, not deleted: its runs are owned by it.
    await argo.patch(ArgoApi.cronWorkflows, cron.metadata.name, { spec: { suspend: true } });
    const done: Workflow = await argo.finished(run.metadata.name);
    assert.equal(done.status?.phase, "Succeeded", summary(done));
    const apps = await argo.sparkApps(run.metadata.name);
    assert.deepEqual(apps.map(state), ["COMPLETED"]);
  });
});
