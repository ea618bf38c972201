/**
 * `sparkplane notebook` on the embedded cluster with real JupyterLab and Spark: the command creates its
 * default SparkConnect session, waits for it and serves JupyterLab on loopback; nbclient runs
 * examples/notebooks/spark-connect.ipynb through the kernel the command installed (a sum of a range, a
 * groupBy with a shuffle) and the outputs carry the values; SIGINT stops JupyterLab. Then the session, given
 * a short idle timeout, is stopped by the operator with the reason in its status. Figures are printed.
 */
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { CoreV1Api, CustomObjectsApi } from "@kubernetes/client-node";
import { type Agent, startAgent } from "../src/agent/index.js";
import { SparkConnectNames, VERSION_V1ALPHA1 } from "../src/api/v1alpha1/constants.js";
import type { SparkConnect } from "../src/api/v1alpha1/sparkconnect.js";
import { GROUP } from "../src/api/v1beta2/constants.js";
import { kernelName } from "../src/cli/apps/notebook-plan.js";
import { mergePatchOptions } from "../src/kube/patch.js";
import { SPARKPLANE_BIN } from "../src/local/components.js";
import { freePort } from "../src/local/ports.js";
import { examplesSourceDir } from "../src/local/provision/examples.js";
import { requireToolset } from "../src/local/provision/index.js";
import { ensureNotebook, type NotebookInstall } from "../src/local/provision/notebook.js";
import type { RunningOperator } from "../src/operator/operator.js";
import { onePool } from "./agent-helpers.js";
import { down, privateCluster, type TestCluster } from "./cluster.js";
import { startTestOperator } from "./operator-fixture.js";
import { eventually } from "./poll.js";

const run = promisify(execFile);
const NS = "default";
const SESSION = "notebook";

/** Executes a notebook with nbclient on a named kernel; prints the code cells' text outputs as JSON. */
const EXECUTE = `
import json, sys, time, nbformat, nbclient
nb = nbformat.read(sys.argv[1], as_version=4)
t = time.time()
nbclient.NotebookClient(nb, kernel_name=sys.argv[2], timeout=600).execute()
seconds = time.time() - t
outs = []
for c in nb.cells:
    if c.cell_type == "code":
        outs.append("".join(o.get("text", "") if o.output_type == "stream" else o.get("data", {}).get("text/plain", "") for o in c.outputs))
print(json.dumps({"seconds": seconds, "outputs": outs}))
`;

describe("sparkplane notebook: JupyterLab on a SparkConnect session", { timeout: 1_500_000 }, () => {
  let cluster: TestCluster;
  let agent: Agent;
  let operator: RunningOperator;
  let core: CoreV1Api;
  let custom: CustomObjectsApi;
  let lab: Promise<NotebookInstall>;
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
    lab = ensureNotebook(requireToolset().spark);
    cluster = await privateCluster();
    agent = await startAgent({
      stateDir: cluster.stateDir,
      nodePools: onePool("8", "16Gi"),
    });
    operator = await startTestOperator(cluster.kc, NS);
    core = cluster.kc.makeApiClient(CoreV1Api);
    custom = cluster.kc.makeApiClient(CustomObjectsApi);
    await lab;
  });
  after(async () => {
    await operator?.stop();
    await agent?.stop();
    if (cluster) await down(cluster.stateDir);
  });

  test("the command creates its session and serves JupyterLab; nbclient runs the example through its kernel; SIGINT stops it", async () => {
    const port = await freePort();
    const dir = join(examplesSourceDir(), "notebooks");
    const t0 = Date.now();
    const cli = spawn(
      process.execPath,
      [
        SPARKPLANE_BIN,
        "notebook",
        "--no-browser",
        "--state-dir",
        cluster.stateDir,
        "--port",
        String(port),
        "--dir",
        dir,
        "--idle-timeout",
        "0",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    cli.stdout.on("data", (d: Buffer) => (out += d.toString()));
    cli.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => cli.on("exit", (code) => r(code)));
    try {
      const url = await eventually(
        "the JupyterLab URL on stdout",
        () => {
          if (cli.exitCode !== null) throw new Error(`sparkplane notebook exited with ${cli.exitCode}`);
          return out.match(new RegExp(`^http://127\\.0\\.0\\.1:${port}/lab\\?token=(\\w+)$`, "m")) ?? false;
        },
        { timeoutMs: 600_000, intervalMs: 500 },
      ).catch((e) => {
        throw new Error(`${(e as Error).message}\nstdout: ${out}\nstderr: ${err.slice(-4000)}`);
      });
      console.log(
        `# sparkplane notebook -> JupyterLab answering (session created and Ready): ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );
      assert.match(err, /created SparkConnect default\/notebook/);
      assert.match(err, /notebook: Provisioning[\s\S]*notebook: Ready/);
      const token = url?.[1] ?? "";
      const status = await fetch(`http://127.0.0.1:${port}/api/status?token=${token}`);
      assert.equal(status.status, 200);
      assert.ok("started" in ((await status.json()) as object));
      assert.equal((await fetch(`http://127.0.0.1:${port}/api/status`)).status, 403, "the token is required");
      const specs = (await (
        await fetch(`http://127.0.0.1:${port}/api/kernelspecs?token=${token}`)
      ).json()) as {
        kernelspecs: Record<string, { spec: { env: Record<string, string> } }>;
      };
      const kernel = kernelName(NS, SESSION);
      const ready = await get(SESSION);
      assert.equal(
        specs.kernelspecs[kernel]?.spec.env.SPARK_REMOTE,
        `sc://${ready.status?.server?.podIp}:15002`,
        "JupyterLab lists the kernel, wired to the session",
      );

      const { python } = await lab;
      const t1 = Date.now();
      const { stdout } = await run(python, ["-c", EXECUTE, join(dir, "spark-connect.ipynb"), kernel], {
        timeout: 600_000,
        maxBuffer: 16 << 20,
      });
      const result = JSON.parse(stdout) as { seconds: number; outputs: string[] };
      console.log(
        `# notebook run (nbclient, 3 code cells: connect, sum of range(1e8), groupBy over 1e6 rows): ${((Date.now() - t1) / 1000).toFixed(1)} s (cells ${result.seconds.toFixed(1)} s)`,
      );
      assert.match(result.outputs[0]!, /^pyspark\.sql\.connect\.session 3\.5\.\d+/);
      assert.equal(result.outputs[1]!.trim(), "4999999950000000");
      assert.equal(result.outputs[2]!.trim(), "groups 7 total 499999500000 k0 71428928571");
      const execs = (await podsOf(SESSION)).filter((p) => p.metadata?.labels?.["spark-role"] === "executor");
      assert.equal(execs.length, 2, "the session's two executors ran it");

      const t2 = Date.now();
      cli.kill("SIGINT");
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r("timeout"), 60_000))]);
      assert.equal(code, 0, `exit after SIGINT: ${code}\n${err.slice(-2000)}`);
      console.log(`# SIGINT -> JupyterLab stopped: ${((Date.now() - t2) / 1000).toFixed(1)} s`);
      await assert.rejects(fetch(`http://127.0.0.1:${port}/api/status`), "nothing listens any more");
      assert.equal((await get(SESSION)).status?.state, "Ready", "the session outlives JupyterLab");
    } finally {
      cli.kill("SIGKILL");
    }
  });

  test("idle timeout: the operator stops a session idle for longer, and its status says why", async () => {
    const t0 = Date.now();
    await custom.patchNamespacedCustomObject(
      { ...ref, name: SESSION, body: { metadata: { annotations: { "sparkplane.io/idle-timeout": "15s" } } } },
      mergePatchOptions,
    );
    const stopped = await eventually(
      "the session Stopped",
      async () => {
        const s = await get(SESSION);
        return s.status?.state === "Stopped" && s;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    console.log(`# idle-timeout 15s set -> Stopped: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    assert.match(
      stopped.status!.message!,
      /^stopped: idle for [\dhms]+, no Spark job or SQL query since \S+ \(sparkplane\.io\/idle-timeout: 15s\)/,
    );
    assert.equal(stopped.status?.conditions?.find((c) => c.type === "ServerPodReady")?.status, "False");
    await eventually("the server and executors gone", async () => (await podsOf(SESSION)).length === 0, {
      timeoutMs: 120_000,
      intervalMs: 1000,
    });
    const events = await core.listNamespacedEvent({
      namespace: NS,
      fieldSelector: `involvedObject.name=${SESSION}`,
    });
    assert.ok(events.items.some((e) => e.reason === "SparkConnectIdleStopped"));
    // It stays stopped: nothing re-creates the server.
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal((await podsOf(SESSION)).length, 0);
    assert.equal((await get(SESSION)).status?.state, "Stopped");
    // `sparkplane connect` says so instead of waiting.
    const connect = await run(process.execPath, [
      SPARKPLANE_BIN,
      "connect",
      SESSION,
      "--state-dir",
      cluster.stateDir,
    ]).catch((e: { stderr: string }) => e);
    assert.match(connect.stderr, /SparkConnect notebook is stopped: stopped: idle for/);
  });
});
