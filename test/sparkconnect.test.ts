/**
 * SparkConnect sessions on the embedded cluster with real clients: the operator creates the Spark Connect
 * server (a Spark 3.5.9 driver with the connect jar) and its executors through the node agent; pyspark's
 * Spark Connect client on this host runs a DataFrame query with a shuffle; a PySpark SparkContext on this
 * host in client mode (seed 003) runs its executors as pods. Figures are printed, never asserted.
 */
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { CoreV1Api, CustomObjectsApi, RbacAuthorizationV1Api } from "@kubernetes/client-node";
import { type Agent, startAgent } from "../src/agent/index.js";
import { SparkConnectNames, VERSION_V1ALPHA1 } from "../src/api/v1alpha1/constants.js";
import type { SparkConnect } from "../src/api/v1alpha1/sparkconnect.js";
import { GROUP } from "../src/api/v1beta2/constants.js";
import { clientModeEnv } from "../src/cli/apps/client-mode.js";
import { hostConnectURL } from "../src/cli/apps/connect.js";
import { SPARKPLANE_BIN } from "../src/local/components.js";
import { ensureConnectClient } from "../src/local/provision/connect-client.js";
import { findToolset, requireToolset } from "../src/local/provision/index.js";
import { ensureSparkServiceAccount } from "../src/local/spark-rbac.js";
import type { RunningOperator } from "../src/operator/operator.js";
import { onePool } from "./agent-helpers.js";
import { down, privateCluster, type TestCluster } from "./cluster.js";
import { startTestConsole } from "./console-fixture.js";
import { KUBEFLOW_CREATE, kubeflowPython, sdkPod } from "./kubeflow-sdk.js";
import { startTestOperator } from "./operator-fixture.js";
import { eventually } from "./poll.js";

const run = promisify(execFile);
const NS = "default";

const QUERY = `
import sys, time
from pyspark.sql import SparkSession
t = time.time()
spark = SparkSession.builder.remote(sys.argv[1]).getOrCreate()
rows = spark.range(0, 1000000).selectExpr("id % 7 AS k", "id").groupBy("k").sum("id").orderBy("k").collect()
print("rows", len(rows), "total", sum(r[1] for r in rows), "k0", rows[0][1], "seconds", round(time.time() - t, 1), flush=True)
print("connected", flush=True)
sys.stdin.readline()
# pyspark retries an unavailable server for about 10 minutes by default (15 tries, up to 60 s apart).
spark.client._retry_policy.update(max_retries=3, max_backoff=2000)
try:
    spark.range(10).count()
    print("still answering", flush=True)
except Exception as e:
    print("ended", type(e).__name__, flush=True)
`;

/** The shuffle of QUERY, once, and the server's Spark version. */
const QUERY_ONCE = `
import sys
from pyspark.sql import SparkSession
spark = SparkSession.builder.remote(sys.argv[1]).getOrCreate()
rows = spark.range(0, 1000000).selectExpr("id % 7 AS k", "id").groupBy("k").sum("id").orderBy("k").collect()
print("rows", len(rows), "total", sum(r[1] for r in rows), "k0", rows[0][1], "server", spark.version, flush=True)
spark.stop()
`;

/** kubeflow's SparkClient against our CRD: get and list a session, connect by URL, query, delete it. */
const KUBEFLOW_CLIENT = `
import sys
from kubeflow.common.types import KubernetesBackendConfig
from kubeflow.spark import SparkClient
client = SparkClient(KubernetesBackendConfig(namespace="default", config_file=sys.argv[1]))
info = client.get_session("s2")
print("state", info.state.value, "pod", info.driver_pod_name, "service", info.service_name, flush=True)
print("listed", [s.name for s in client.list_sessions()], flush=True)
spark = client.connect(base_url="sc://%s:15002" % info.pod_ip)
print("count", spark.range(0, 1000, 1, 4).selectExpr("id % 10 AS k").distinct().count(), flush=True)
client.delete_session("s2")
print("deleted", flush=True)
`;

const SEED_003 = `
import json, os, sys, time
cfg = json.loads(sys.argv[1])
os.environ.update(cfg["env"])
from pyspark import SparkConf, SparkContext
t = time.time()
sc = SparkContext(conf=SparkConf().setAppName("seed003").setAll(list(cfg["sparkConf"].items())))
t1 = time.time()
total = sc.parallelize(range(100000000)).sum()
print("sum", total, "context", round(t1 - t, 1), "job", round(time.time() - t1, 1), flush=True)
sc.stop()
`;

function session(name: string, over: Partial<SparkConnect["spec"]> = {}): SparkConnect {
  return {
    apiVersion: `${GROUP}/${VERSION_V1ALPHA1}`,
    kind: "SparkConnect",
    metadata: { name, namespace: NS },
    spec: {
      sparkVersion: "3.5.9",
      image: "spark:3.5.9",
      server: { cores: 1, memory: "1g", template: { spec: { containers: [], serviceAccountName: "spark" } } },
      executor: { instances: 2, cores: 1, memory: "512m" },
      ...over,
    },
  };
}

describe("SparkConnect sessions with real clients", { timeout: 1_500_000 }, () => {
  let cluster: TestCluster;
  let agent: Agent;
  let operator: RunningOperator;
  let core: CoreV1Api;
  let custom: CustomObjectsApi;
  let clientPython: Promise<string>;
  let sdkPython: Promise<string>;
  const ref = { group: GROUP, version: VERSION_V1ALPHA1, plural: SparkConnectNames.plural, namespace: NS };
  const get = async (name: string) =>
    (await custom.getNamespacedCustomObject({ ...ref, name })) as SparkConnect;
  const podsOf = async (name: string) =>
    (
      await core.listNamespacedPod({
        namespace: NS,
        labelSelector: `sparkoperator.k8s.io/connect-name=${name}`,
      })
    ).items;

  before(async () => {
    // The client's virtualenv (made once, cached) while the cluster starts.
    clientPython = ensureConnectClient(requireToolset().spark);
    sdkPython = clientPython.then(() => kubeflowPython(requireToolset().spark));
    cluster = await privateCluster();
    await ensureSparkServiceAccount(cluster.kc, NS);
    agent = await startAgent({
      stateDir: cluster.stateDir,
      nodePools: onePool("8", "16Gi"),
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

  test("a session gets Ready; pyspark's Connect client from the host runs a shuffle; deletion ends it cleanly", async () => {
    const t0 = Date.now();
    await custom.createNamespacedCustomObject({ ...ref, body: session("s1") });
    const ready = await eventually(
      "session s1 Ready",
      async () => {
        const s = await get("s1");
        if (s.status?.state === "Failed") throw new Error(`failed: ${s.status.message}`);
        return s.status?.state === "Ready" && s;
      },
      { timeoutMs: 300_000, intervalMs: 1000 },
    );
    console.log(`# session create -> Ready: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    assert.equal(ready.status?.connectionURL, "sc://s1-server.default.svc:15002");
    assert.equal(ready.status?.server?.podName, "s1-server");
    assert.equal(ready.status?.server?.serviceName, "s1-server");
    assert.equal(ready.status?.conditions?.find((c) => c.type === "ServerPodReady")?.status, "True");
    // The console's sessions page lists it, Ready, with its URL.
    const consoleUi = await startTestConsole(cluster.kc, NS);
    try {
      const row =
        (await (await fetch(`${consoleUi.base}/ui/sessions`)).text()).match(
          /<tr data-session="default\/s1">.*?<\/tr>/s,
        )?.[0] ?? "";
      assert.match(row, /Ready[\s\S]*sc:\/\/s1-server\.default\.svc:15002/, row);
    } finally {
      await consoleUi.stop();
    }
    const svc = await core.readNamespacedService({ name: "s1-server", namespace: NS });
    assert.ok(svc.spec?.ports?.some((p) => p.port === 15002 && p.name === "spark-connect-server"));

    const url = hostConnectURL(ready, true)!;
    assert.match(url, /^sc:\/\/127\.\d+\.\d+\.\d+:15002$/);
    const python = await clientPython;
    const t1 = Date.now();
    const client = spawn(python, ["-c", QUERY, url], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    client.stdout.on("data", (d: Buffer) => (out += d.toString()));
    client.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => client.on("exit", r));
    try {
      await eventually("the client's query", () => out.includes("connected"), {
        timeoutMs: 300_000,
        intervalMs: 500,
      }).catch((e) => {
        throw new Error(`${(e as Error).message}\nstdout: ${out}\nstderr: ${err.slice(-3000)}`);
      });
      console.log(
        `# Connect query round trip (connect + groupBy over 1e6 rows): ${((Date.now() - t1) / 1000).toFixed(1)} s`,
      );
      // sum(0..999999) = 499999500000; key 0 holds 0, 7, 14, ...: 7 * (0 + ... + 142857) = 71428928571.
      assert.match(out, /rows 7 total 499999500000 k0 71428928571/);
      const execs = (await podsOf("s1")).filter((p) => p.metadata?.labels?.["spark-role"] === "executor");
      assert.equal(execs.length, 2, "two executors, as spec.executor.instances says");
      assert.ok(execs.every((p) => p.metadata?.ownerReferences?.[0]?.name === "s1-server"));
      assert.equal((await get("s1")).status?.executors?.running, 2);

      // Deleting the session with the client attached: everything goes, the client gets an error, not a hang.
      await custom.deleteNamespacedCustomObject({ ...ref, name: "s1" });
      await eventually("the session's pods gone", async () => (await podsOf("s1")).length === 0, {
        timeoutMs: 180_000,
        intervalMs: 1000,
      });
      client.stdin.write("\n");
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r("timeout"), 240_000))]);
      assert.notEqual(code, "timeout", `the client did not end: ${out}`);
      assert.match(out, /ended \w+/);
    } finally {
      client.kill();
    }
  });

  test("kubeflow's SDK (SparkClient 0.5.0) gets, lists, connects to and deletes a session", async () => {
    await custom.createNamespacedCustomObject({ ...ref, body: session("s2") });
    // `sparkplane connect` waits, saying the states, and prints the URL for this host last.
    const cli = await run(
      process.execPath,
      [SPARKPLANE_BIN, "connect", "s2", "--state-dir", cluster.stateDir],
      {
        timeout: 400_000,
      },
    );
    const ready = await get("s2");
    assert.equal(ready.status?.state, "Ready");
    assert.equal(cli.stdout.trim().split("\n").at(-1), `sc://${ready.status?.server?.podIp}:15002`);
    assert.match(cli.stderr, /s2: Provisioning[\s\S]*s2: Ready/);
    const { stdout } = await run(await sdkPython, ["-c", KUBEFLOW_CLIENT, cluster.kubeconfig], {
      timeout: 400_000,
    });
    assert.match(stdout, /state Ready pod s2-server service s2-server/);
    assert.match(stdout, /listed \['s2'\]/);
    assert.match(stdout, /count 10/);
    assert.match(stdout, /deleted/);
    await eventually("s2's pods gone", async () => (await podsOf("s2")).length === 0, { timeoutMs: 180_000 });
  });

  test("a session asking for more than the cluster has: status and event say what does not fit", async () => {
    await custom.createNamespacedCustomObject({
      ...ref,
      body: session("big", { server: { cores: 64, memory: "1g" } }),
    });
    const s = await eventually(
      "big's message",
      async () => {
        const got = await get("big");
        return got.status?.message?.includes("does not fit") && got;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    assert.equal(s.status?.state, "Provisioning");
    assert.match(
      s.status!.message!,
      /asks for 64 CPU, 1g memory \(spec\.server\.cores, spec\.server\.memory\)/,
    );
    assert.match(s.status!.message!, /Insufficient cpu/);
    const events = await core.listNamespacedEvent({
      namespace: NS,
      fieldSelector: "involvedObject.name=big",
    });
    assert.ok(events.items.some((e) => e.reason === "SparkConnectUnschedulable"));
    await custom.deleteNamespacedCustomObject({ ...ref, name: "big" });
    await eventually("big's pod gone", async () => (await podsOf("big")).length === 0, { timeoutMs: 60_000 });
  });

  test("a Spark 4 session (spec.sparkVersion 4.3.0): the server in Spark 4's own jars, pyspark 4's client runs the shuffle", async (t) => {
    const { spark4 } = findToolset();
    if (!spark4) return t.skip("Spark 4 is not provisioned (`sparkplane provision`)");
    const python4 = ensureConnectClient(spark4);
    const t0 = Date.now();
    await custom.createNamespacedCustomObject({
      ...ref,
      body: session("s4", { sparkVersion: spark4.version, image: `spark:${spark4.version}` }),
    });
    // Spark 3.5's server binds port 15002 on every address: the session must be gone before a 3.5 one starts.
    try {
      const ready = await eventually(
        "session s4 Ready",
        async () => {
          const s = await get("s4");
          if (s.status?.state === "Failed") throw new Error(`failed: ${s.status.message}`);
          return s.status?.state === "Ready" && s;
        },
        { timeoutMs: 300_000, intervalMs: 1000 },
      );
      console.log(
        `# Spark ${spark4.version} session create -> Ready: ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );
      const url = hostConnectURL(ready, true)!;
      const { stdout } = await run(await python4, ["-c", QUERY_ONCE, url], { timeout: 300_000 }).catch(
        (e: { stdout?: string; stderr?: string; message: string }) => {
          throw new Error(`${e.message}\nstdout: ${e.stdout}\nstderr: ${e.stderr?.slice(-3000)}`);
        },
      );
      assert.match(stdout, new RegExp(`server ${spark4.version.replaceAll(".", "\\.")}`));
      assert.match(stdout, /rows 7 total 499999500000 k0 71428928571/);
      const server = await core.readNamespacedPod({ name: "s4-server", namespace: NS });
      assert.equal(server.metadata?.labels?.["spark-version"], spark4.version);
    } finally {
      await custom.deleteNamespacedCustomObject({ ...ref, name: "s4" });
      await eventually("s4's pods gone", async () => (await podsOf("s4")).length === 0, {
        timeoutMs: 180_000,
      });
    }
  });

  test("kubeflow's SDK create path (SparkClient().connect() without base_url) from a pod: a Spark 4 session, a query, deleted", async (t) => {
    const { spark4 } = findToolset();
    if (!spark4) return t.skip("Spark 4 is not provisioned (`sparkplane provision`)");
    const python = await kubeflowPython(spark4);
    // The notebook pod (ServiceAccount spark) may manage sessions.
    const rbac = cluster.kc.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({
      namespace: NS,
      body: {
        metadata: { name: "sdk-sessions" },
        rules: [
          { apiGroups: [GROUP], resources: ["sparkconnects"], verbs: ["get", "list", "create", "delete"] },
          // The admission policy: whoever names a ServiceAccount in a session must be allowed to use it.
          { apiGroups: [""], resources: ["serviceaccounts"], resourceNames: ["spark"], verbs: ["use"] },
        ],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: NS,
      body: {
        metadata: { name: "sdk-sessions" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "sdk-sessions" },
        subjects: [{ kind: "ServiceAccount", name: "spark", namespace: NS }],
      },
    });
    const t0 = Date.now();
    await core.createNamespacedPod({
      namespace: NS,
      body: sdkPod("notebook", python, KUBEFLOW_CREATE, "spark"),
    });
    const done = await eventually(
      "the notebook pod to finish",
      async () => {
        const p = await core.readNamespacedPod({ name: "notebook", namespace: NS });
        return ["Succeeded", "Failed"].includes(p.status?.phase ?? "") && p;
      },
      { timeoutMs: 600_000, intervalMs: 1000 },
    );
    const log = await core.readNamespacedPodLog({ name: "notebook", namespace: NS });
    assert.equal(done.status?.phase, "Succeeded", log.slice(-3000));
    console.log(
      `# kubeflow SDK create -> query -> delete (Spark 4 session): ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    assert.match(log, new RegExp(`server ${spark4.version.replaceAll(".", "\\.")}`));
    assert.match(log, /count 10/);
    assert.match(log, /sessions \['spark-connect-[0-9a-z-]+'\]/);
    assert.match(log, /deleted/);
    await core.deleteNamespacedPod({ name: "notebook", namespace: NS });
    await eventually(
      "the SDK's session gone",
      async () =>
        (await core.listNamespacedPod({ namespace: NS, labelSelector: "sparkoperator.k8s.io/connect-name" }))
          .items.length === 0,
      { timeoutMs: 180_000 },
    );
  });

  test("client mode (seed 003): a SparkContext on the host, executors as pods, sums range(1e8)", async () => {
    const { spark } = requireToolset();
    const conf = clientModeEnv({
      server: cluster.kc.getCurrentCluster()!.server,
      kubeconfig: cluster.kubeconfig,
      namespace: NS,
      sparkHome: spark.sparkHome,
      python: spark.python,
    });
    const t0 = Date.now();
    const { stdout } = await run(spark.python, ["-c", SEED_003, JSON.stringify(conf)], {
      timeout: 600_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    console.log(
      `# client mode sc.parallelize(range(100000000)).sum(): ${((Date.now() - t0) / 1000).toFixed(1)} s (${stdout.trim()})`,
    );
    assert.match(stdout, /sum 4999999950000000/);
    await eventually(
      "client-mode executors deleted with the SparkContext",
      async () =>
        (await core.listNamespacedPod({ namespace: NS, labelSelector: "spark-role=executor" })).items
          .length === 0,
      { timeoutMs: 120_000, intervalMs: 1000 },
    );
  });
});
