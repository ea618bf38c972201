// Smoke test of `sparkplane bench submit`: it runs end to end on a small burst and its JSON carries every
// figure. Never asserts on speed: the figures depend on the machine.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { test } from "node:test";
import { SPARKPLANE_BIN } from "../src/local/components.js";

test("bench submit --apps 20 --cpu-prof writes every figure to its JSON, and CPU profiles of operator and control plane", {
  timeout: 300_000,
}, () => {
  const dir = mkdtempSync(join(tmpdir(), "bench-smoke-"));
  try {
    const json = join(dir, "bench.json");
    const r = spawnSync(
      process.execPath,
      [
        SPARKPLANE_BIN,
        "bench",
        "submit",
        "--apps",
        "20",
        "--json",
        json,
        "--cpu-prof",
        join(dir, "prof"),
        "--cpu-prof-seconds",
        "2",
      ],
      {
        encoding: "utf8",
        timeout: 280_000,
      },
    );
    assert.equal(r.status, 0, `bench failed:\n${r.stderr}\n${r.stdout}`);
    const out = JSON.parse(readFileSync(json, "utf8"));
    for (const field of ["date", "commit", "machine", "kubernetesVersion", "apiRequestMethod", "runs"]) {
      assert.ok(out[field] !== undefined, `missing ${field}`);
    }
    for (const field of ["cpus", "cpuModel", "memoryGB", "kernel", "node", "loadAverageAtStart"]) {
      assert.ok(out.machine[field] !== undefined, `missing machine.${field}`);
    }
    assert.equal(out.runs.length, 1);
    for (const run of [out, out.runs[0]]) {
      assert.equal(run.submitter, "native");
      assert.equal(run.apps, 20);
      assert.equal(run.appsWithDriverPod, 20, "every app got its driver pod");
      for (const field of [
        "throughputAppsPerSec",
        "operatorCpuSeconds",
        "operatorPeakRssMB",
        "apiRequestsPerApp",
        "burstSeconds",
        "settleSeconds",
      ]) {
        assert.equal(typeof run[field], "number", `${field} is a number`);
        assert.ok(run[field] >= 0, `${field} >= 0`);
      }
      assert.ok(run.throughputAppsPerSec > 0);
      assert.ok(run.operatorCpuSeconds > 0);
      assert.ok(run.operatorPeakRssMB > 0);
      // The operator creates at least the driver pod, its ConfigMap and Service per app.
      assert.ok(run.apiRequestsPerApp >= 3, `apiRequestsPerApp ${run.apiRequestsPerApp}`);
      for (const q of ["p50", "p95", "p99", "max"]) {
        assert.equal(typeof run.latencyMs[q], "number", `latencyMs.${q}`);
        assert.ok(run.latencyMs[q] >= 0);
      }
      assert.equal(run.latencyMs.count, 20);
      assert.ok(run.apiRequestsAllClientsPerApp["POST pods"] >= 1);
      // The operator's own requests by verb and resource, from the API server's audit log.
      assert.equal(
        run.apiRequestsOperatorPerApp["create pods"],
        1,
        JSON.stringify(run.apiRequestsOperatorPerApp),
      );
      assert.ok(run.apiserverCpuMsPerAppByWindow.length > 0, "API server CPU per app by window");
      for (const w of run.apiserverCpuMsPerAppByWindow) assert.ok(w.pods > 0 && w.cpuMsPerApp >= 0);
      assert.ok(run.cpuSecondsByProcess["kube-apiserver"] > 0);
    }
    assert.match(r.stdout, /throughput/);
    // The operator's V8 profile, and Go pprof profiles (gzip'd protobuf) of the control plane.
    const run = out.runs[0];
    assert.ok(JSON.parse(readFileSync(run.cpuProfile, "utf8")).nodes.length > 0, "a V8 CPU profile");
    assert.deepEqual(run.controlPlaneProfiles.map((f: string) => basename(f)).sort(), [
      "native-kube-apiserver.pprof",
      "native-kube-controller-manager.pprof",
      "native-kube-scheduler.pprof",
    ]);
    for (const f of run.controlPlaneProfiles as string[])
      assert.deepEqual([...readFileSync(f).subarray(0, 2)], [0x1f, 0x8b], `${f} is gzip'd`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
