import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { promisify } from "node:util";
import { SPARKPLANE_BIN } from "../src/local/components.js";
import { examplesSourceDir } from "../src/local/provision/examples.js";
import { down, processesMentioning } from "./cluster.js";
import { eventually } from "./poll.js";

const run = promisify(execFile);
/** Runs the CLI as a user would; resolves with its exit code and output (never throws on a non-zero exit). */
async function sparkplane(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [SPARKPLANE_BIN, ...args], {
      maxBuffer: 64 << 20,
      timeout: 900_000,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === "number" ? e.code : 1,
      stdout: e.stdout ?? "",
      stderr: e.stderr ?? String(err),
    };
  }
}

describe("the README's main job and the CLI for people, as a user runs them", { timeout: 1_200_000 }, () => {
  const stateDir = mkdtempSync(join(tmpdir(), "sparkplane-demo-"));
  after(async () => {
    await down(stateDir);
    assert.deepEqual(processesMentioning(`${stateDir}/`), [], "down leaves nothing running");
    rmSync(stateDir, { recursive: true, force: true });
  });

  test("sparkplane demo brings the cluster up, runs SparkPi with 2 executors and prints the result", async () => {
    const started = Date.now();
    const r = await sparkplane(["demo", "--state-dir", stateDir]);
    assert.equal(r.code, 0, `demo failed: ${r.stderr}\n${r.stdout}`);
    assert.match(r.stdout, /Pi is roughly 3\.1\d*/);
    assert.match(r.stdout, /COMPLETED {2}attempts 1 {2}executors: 2 COMPLETED/);
    assert.match(r.stdout, /Try next:/);
    console.log(`demo wall time (cluster start + SparkPi): ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  test("run --follow streams states and the driver log and exits 0; get, describe and logs show the app", async () => {
    const r = await sparkplane([
      "run",
      join(examplesSourceDir(), "spark-pi-python.yaml"),
      "--follow",
      "--state-dir",
      stateDir,
    ]);
    assert.equal(r.code, 0, `run failed: ${r.stderr}\n${r.stdout}`);
    assert.match(r.stdout, /created default\/pyspark-pi/);
    assert.match(r.stdout, /RUNNING {2}attempts 1/);
    assert.match(r.stdout, /Pi is roughly/, "the driver log was streamed");
    assert.match(r.stdout, /COMPLETED {2}attempts 1/);
    const get = await sparkplane(["get", "--state-dir", stateDir]);
    assert.match(get.stdout, /pyspark-pi\s+COMPLETED\s+1/);
    assert.match(get.stdout, /spark-pi\s+COMPLETED\s+1\s+2 COMPLETED/);
    const describe = await sparkplane(["describe", "pyspark-pi", "--state-dir", stateDir]);
    assert.match(describe.stdout, /State:\s+COMPLETED/);
    assert.match(describe.stdout, /SparkApplicationCompleted/);
    const logs = await sparkplane(["logs", "pyspark-pi", "--state-dir", stateDir]);
    assert.match(logs.stdout, /Pi is roughly/);
    const failing = await sparkplane([
      "run",
      join(examplesSourceDir(), "spark-fail.yaml"),
      "--state-dir",
      stateDir,
    ]);
    assert.equal(failing.code, 1, "a FAILED app exits non-zero");
    assert.match(failing.stdout, /error: .*(FailOnPurpose|IllegalStateException)/s);
    const del = await sparkplane(["delete", "spark-fail", "--state-dir", stateDir]);
    assert.match(del.stdout, /deleted default\/spark-fail/);
  });

  test("describe explains a Pending driver in the app's terms: the field, what it asks, what is free", async () => {
    const file = join(stateDir, "too-big.yaml");
    writeFileSync(
      file,
      readFileSync(join(examplesSourceDir(), "spark-pi.yaml"), "utf8")
        .replace(/name: spark-pi\b/, "name: too-big")
        .replace(/(driver:\s*\n\s*cores:) *\d+/, "$1 64"),
    );
    assert.match(readFileSync(file, "utf8"), /cores: 64/, "the example's driver asks 64 cores");
    const created = await sparkplane(["run", file, "--detach", "--state-dir", stateDir]);
    assert.equal(created.code, 0, created.stderr);
    const line = await eventually(
      "the Pending diagnosis",
      async () =>
        (await sparkplane(["describe", "too-big", "--state-dir", stateDir])).stdout
          .split("\n")
          .find((l) => l.includes("Pending: needs 64 CPU per driver")),
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    console.log(`describe: ${line.trim()}`);
    assert.match(
      line,
      /largest free on (the node|any of the \d+ nodes) it may use \d+(\.\d+)? CPU; lower `spec.driver.cores` or add nodes/,
    );
    await sparkplane(["delete", "too-big", "--state-dir", stateDir]);
  });
});
