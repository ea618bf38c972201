import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { homedir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { type Agent, startAgent } from "../src/agent/index.js";
import { startConsole } from "../src/console/server.js";
import { ensureSparkServiceAccount } from "../src/local/spark-rbac.js";
import type { RunningOperator } from "../src/operator/operator.js";
import { down, privateCluster, type TestCluster } from "./cluster.js";
import { startTestOperator } from "./operator-fixture.js";

const run = promisify(execFile);
/** The Livy Python client (pylivy) from PyPI, pinned, in a venv of the cache; made once. */
const LIVY_VERSION = "0.8.0";
const VENV = join(homedir(), ".cache", "sparkplane", `livy-client-${LIVY_VERSION}`);

async function livyPython(): Promise<string> {
  const python = join(VENV, "bin", "python");
  const ready = join(VENV, ".installed");
  if (existsSync(ready)) return python;
  await run("python3", ["-m", "venv", VENV]);
  await run(join(VENV, "bin", "pip"), [
    "install",
    "-q",
    "--disable-pip-version-check",
    `livy==${LIVY_VERSION}`,
  ]);
  await run(python, ["-c", "import livy"]);
  await run("touch", [ready]);
  return python;
}

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

describe("the Livy Python client submits SparkPi through the console and sees success", {
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
    operator = await startTestOperator(cluster.kc, "default");
    server = await startConsole({
      kc: cluster.kc,
      address: "127.0.0.1",
      port: 0,
      batches: {
        namespace: "default",
        image: "spark:3.5.9",
        sparkVersion: "3.5.9",
        serviceAccount: "spark",
        memory: "512m",
      },
    });
  });
  after(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await operator?.stop();
    await agent?.stop();
    if (cluster) await down(cluster.stateDir);
  });

  test("LivyBatch.create + wait reaches success; the log holds Pi", async () => {
    const python = await livyPython();
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const started = Date.now();
    const r = await run(python, ["-c", CLIENT, url], { timeout: 600_000, maxBuffer: 64 << 20 });
    console.log(`livy client: SparkPi batch to success in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    assert.match(r.stdout, /^id 0$/m);
    assert.match(r.stdout, /^state success$/m, r.stdout.slice(-3000));
    assert.match(r.stdout, /Pi is roughly 3\.1/);
  });
});
