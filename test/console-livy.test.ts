import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { type Agent, startAgent } from "../src/agent/index.js";
import { ensureSparkServiceAccount } from "../src/local/spark-rbac.js";
import type { RunningOperator } from "../src/operator/operator.js";
import { onePool } from "./agent-helpers.js";
import { down, privateCluster, type TestCluster } from "./cluster.js";
import { startTestConsole } from "./console-fixture.js";
import { startTestOperator } from "./operator-fixture.js";
import { pythonVenv } from "./python-venv.js";

const run = promisify(execFile);
/** The Livy Python client (pylivy) from PyPI, pinned. */
const LIVY_CLIENT = ["livy==0.8.0"];
/** Airflow's Livy hook, pinned with the Airflow it runs in. */
const AIRFLOW_LIVY = ["apache-airflow==3.3.2", "apache-airflow-providers-apache-livy==4.6.4"];

const CLIENT = `
import sys
from livy import LivyBatch
b = LivyBatch.create(sys.argv[1], file="local:///opt/spark/examples/jars/sparkplane-examples.jar",
    class_name="io.sparkplane.examples.JavaSparkPi", args=["4"], num_executors=1, name="pi from livy")
print("id", b.batch_id, flush=True)
state = b.wait()
print("state", state.value)
print("log", "\\n".join(b.log(from_=0, size=10000)))
`;

const AIRFLOW_CLIENT = `
import os, sys, time
os.environ["AIRFLOW_CONN_LIVY_SPARKPLANE"] = sys.argv[1]
from airflow.providers.apache.livy.hooks.livy import LivyHook
hook = LivyHook(livy_conn_id="livy_sparkplane")
batch = hook.post_batch(file="local:///opt/spark/examples/jars/sparkplane-examples.jar",
    class_name="io.sparkplane.examples.JavaSparkPi", args=["4"], num_executors=1, name="pi from airflow")
print("id", batch, flush=True)
while True:
    state = hook.get_batch_state(batch)
    if state in hook.TERMINAL_STATES:
        break
    time.sleep(1)
print("state", state.value)
print("log", "\\n".join(hook.get_batch_logs(batch, 0, 10000)["log"]))
`;

describe("Livy clients (pylivy, Airflow's LivyHook) submit SparkPi through the console and see success", {
  timeout: 900_000,
}, () => {
  let cluster: TestCluster;
  let agent: Agent;
  let operator: RunningOperator;
  let server: Server;

  before(async () => {
    cluster = await privateCluster();
    await ensureSparkServiceAccount(cluster.kc, "default");
    agent = await startAgent({
      stateDir: cluster.stateDir,
      nodePools: onePool("16", "64Gi"),
    });
    operator = await startTestOperator(cluster.kc, "default");
    server = await (await startTestConsole(cluster.kc, "default")).server;
  });
  after(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await operator?.stop();
    await agent?.stop();
    if (cluster) await down(cluster.stateDir);
  });

  test("LivyBatch.create + wait reaches success; the log holds Pi", async () => {
    const python = await pythonVenv("livy-client-0.8.0", LIVY_CLIENT, "livy");
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const started = Date.now();
    const r = await run(python, ["-c", CLIENT, url], { timeout: 600_000, maxBuffer: 64 << 20 });
    console.log(`livy client: SparkPi batch to success in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    assert.match(r.stdout, /^id 0$/m);
    assert.match(r.stdout, /^state success$/m, r.stdout.slice(-3000));
    assert.match(r.stdout, /Pi is roughly 3\.1/);
  });

  test("Airflow's LivyHook (apache-airflow-providers-apache-livy) posts a batch and polls it to success", async () => {
    const python = await pythonVenv(
      "airflow-livy-3.3.2-4.6.4",
      AIRFLOW_LIVY,
      "airflow.providers.apache.livy.hooks.livy",
    );
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const home = mkdtempSync(join(tmpdir(), "sparkplane-airflow-"));
    const started = Date.now();
    const r = await run(python, ["-c", AIRFLOW_CLIENT, url], {
      timeout: 600_000,
      maxBuffer: 64 << 20,
      env: { ...process.env, AIRFLOW_HOME: home },
    });
    console.log(
      `airflow LivyHook: SparkPi batch to success in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    assert.match(r.stdout, /^id 1$/m, r.stdout.slice(-2000));
    assert.match(r.stdout, /^state success$/m, r.stdout.slice(-3000));
    assert.match(r.stdout, /Pi is roughly 3\.1/);
  });
});
