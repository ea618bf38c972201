/**
 * The argocheck tool itself (no cluster): on hand-made objects it must give the verdicts Argo CD's own test
 * cases record for its SparkApplication health script (resource_customizations/.../health_test.yaml), and
 * evaluate Argo Workflows' conditions as its executor does.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  evaluateConditions,
  runHealthLua,
  SPARKAPP_FAILURE_CONDITION,
  SPARKAPP_HEALTH_LUA,
  SPARKAPP_SUCCESS_CONDITION,
  SPARKPLANE_HEALTH_LUA,
} from "./argocheck.js";

const app = (spec: Record<string, unknown>, status?: Record<string, unknown>) => ({
  apiVersion: "sparkoperator.k8s.io/v1beta2",
  kind: "SparkApplication",
  metadata: { name: "spark-job-app", namespace: "spark-cluster" },
  spec,
  ...(status ? { status } : {}),
});
const running = (n: number, state = "RUNNING") =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`app-1591613851251-exec-${i + 1}`, state]));

describe("argocheck health: Argo CD's recorded expectations for its SparkApplication script", () => {
  test("RUNNING with as many RUNNING executors as spec.executor.instances: Healthy", async () => {
    const obj = app(
      { executor: { instances: 4 } },
      { applicationState: { state: "RUNNING" }, executorState: running(4) },
    );
    assert.deepEqual(await runHealthLua(SPARKAPP_HEALTH_LUA, obj), {
      status: "Healthy",
      message: "SparkApplication is Running",
    });
  });

  test("RUNNING within the dynamic-allocation range (spec or sparkConf), or any executor without sizing: Healthy", async () => {
    const cases = [
      app(
        {
          executor: { instances: 4 },
          dynamicAllocation: { enabled: true, minExecutors: 2, maxExecutors: 10 },
        },
        { applicationState: { state: "RUNNING" }, executorState: running(5) },
      ),
      app(
        {
          executor: { instances: 4 },
          sparkConf: {
            "spark.dynamicAllocation.enabled": "true",
            "spark.dynamicAllocation.minExecutors": "2",
            "spark.dynamicAllocation.maxExecutors": "10",
          },
        },
        { applicationState: { state: "RUNNING" }, executorState: running(5) },
      ),
      app({ executor: {} }, { applicationState: { state: "RUNNING" }, executorState: running(4) }),
    ];
    for (const obj of cases) assert.equal((await runHealthLua(SPARKAPP_HEALTH_LUA, obj)).status, "Healthy");
  });

  test("RUNNING short of executors: Progressing, waiting for them", async () => {
    const obj = app(
      { executor: { instances: 4 } },
      { applicationState: { state: "RUNNING" }, executorState: { ...running(3), x: "PENDING" } },
    );
    assert.deepEqual(await runHealthLua(SPARKAPP_HEALTH_LUA, obj), {
      status: "Progressing",
      message: "Waiting for Executor pods",
    });
  });

  test("FAILED: Degraded with the error message; PENDING_RERUN: Progressing", async () => {
    const failed = app(
      { executor: { instances: 4 } },
      { applicationState: { state: "FAILED", errorMessage: "Job Failed" } },
    );
    assert.deepEqual(await runHealthLua(SPARKAPP_HEALTH_LUA, failed), {
      status: "Degraded",
      message: "Job Failed",
    });
    const rerun = app({ executor: { instances: 4 } }, { applicationState: { state: "PENDING_RERUN" } });
    assert.deepEqual(await runHealthLua(SPARKAPP_HEALTH_LUA, rerun), {
      status: "Progressing",
      message: "SparkApplication is Pending Rerun",
    });
  });

  test("a status without applicationState makes the script fail: Argo CD says Unknown with the Lua error", async () => {
    const health = await runHealthLua(SPARKAPP_HEALTH_LUA, app({ executor: {} }, { executionAttempts: 1 }));
    assert.equal(health.status, "Unknown");
    assert.equal(health.scriptError, true);
    assert.match(health.message ?? "", /attempt to index/);
  });

  test("an invalid status, a nil return and the safe os library behave as in Argo CD", async () => {
    const dir = mkdtempSync(join(tmpdir(), "argocheck-"));
    const script = (name: string, body: string) => {
      const path = join(dir, name);
      writeFileSync(path, body);
      return path;
    };
    assert.deepEqual(await runHealthLua(script("bad.lua", 'return {status = "Great"}'), {}), {
      status: "Unknown",
      message: "Lua returned an invalid health status",
    });
    assert.deepEqual(await runHealthLua(script("nil.lua", "return nil"), {}), {});
    const osTime = script(
      "os.lua",
      'if os.time() > 0 and os.exit == nil then return {status = "Healthy"} end',
    );
    assert.deepEqual(await runHealthLua(osTime, {}), { status: "Healthy" });
    const numbers = script(
      "numbers.lua",
      'if obj.spec.n == 4 and #obj.spec.list == 2 and obj.spec.gone == nil then return {status = "Healthy"} end',
    );
    assert.deepEqual(await runHealthLua(numbers, { spec: { n: 4, list: ["a", "b"], gone: null } }), {
      status: "Healthy",
    });
  });
});

describe("sparkplane's argocd-cm health check (config/argocd), in Argo CD's customization sandbox", () => {
  const ours = (obj: unknown) => runHealthLua(SPARKPLANE_HEALTH_LUA, obj, { customization: true });
  const cases: [string, unknown, string][] = [
    ["no status", app({ executor: { instances: 2 } }), "Progressing"],
    ["a status without applicationState", app({}, { executionAttempts: 1 }), "Progressing"],
    ["SUBMITTED", app({}, { applicationState: { state: "SUBMITTED" } }), "Progressing"],
    [
      "RUNNING, 4 of 4",
      app(
        { executor: { instances: 4 } },
        { applicationState: { state: "RUNNING" }, executorState: running(4) },
      ),
      "Healthy",
    ],
    [
      "RUNNING, 3 of 4",
      app(
        { executor: { instances: 4 } },
        { applicationState: { state: "RUNNING" }, executorState: running(3) },
      ),
      "Progressing",
    ],
    [
      "RUNNING, 3 within spark.dynamicAllocation 2..10",
      app(
        {
          executor: { instances: 4 },
          sparkConf: {
            "spark.dynamicAllocation.enabled": "true",
            "spark.dynamicAllocation.minExecutors": "2",
            "spark.dynamicAllocation.maxExecutors": "10",
          },
        },
        { applicationState: { state: "RUNNING" }, executorState: running(3) },
      ),
      "Healthy",
    ],
    ["COMPLETED", app({}, { applicationState: { state: "COMPLETED" } }), "Healthy"],
    ["FAILING", app({}, { applicationState: { state: "FAILING", errorMessage: "exit 1" } }), "Degraded"],
    [
      "SUBMISSION_FAILED",
      app({}, { applicationState: { state: "SUBMISSION_FAILED", errorMessage: "x" } }),
      "Degraded",
    ],
    ["FAILED", app({}, { applicationState: { state: "FAILED", errorMessage: "Job Failed" } }), "Degraded"],
    ["SUSPENDING", app({ suspend: true }, { applicationState: { state: "SUSPENDING" } }), "Progressing"],
    ["SUSPENDED", app({ suspend: true }, { applicationState: { state: "SUSPENDED" } }), "Suspended"],
    ["RESUMING", app({}, { applicationState: { state: "RESUMING" } }), "Progressing"],
    ["INVALIDATING", app({}, { applicationState: { state: "INVALIDATING" } }), "Missing"],
  ];
  for (const [what, obj, expected] of cases) {
    test(`${what}: ${expected}`, async () => {
      const health = await ours(obj);
      assert.equal(health.scriptError, undefined, health.message);
      assert.equal(health.status, expected, health.message);
      if (expected === "Degraded") assert.ok(health.message, "Degraded says why");
    });
  }

  test("the sandbox is Argo CD's: a customization without useOpenLibs has no string library", async () => {
    const dir = mkdtempSync(join(tmpdir(), "argocheck-"));
    const script = join(dir, "string.lua");
    writeFileSync(script, 'return {status = string.upper("healthy"):sub(1, 1) .. "ealthy"}');
    assert.deepEqual(await runHealthLua(script, {}), { status: "Healthy" });
    const custom = await runHealthLua(script, {}, { customization: true });
    assert.equal(custom.status, "Unknown");
    assert.equal(custom.scriptError, true);
  });
});

describe("argocheck conditions: Argo Workflows' resource template evaluation", () => {
  const verdict = (state: string | undefined) =>
    evaluateConditions(
      SPARKAPP_SUCCESS_CONDITION,
      SPARKAPP_FAILURE_CONDITION,
      app({}, state === undefined ? undefined : { applicationState: { state } }),
    );

  test("COMPLETED succeeds, FAILED fails, anything else (or no status) waits", async () => {
    assert.equal((await verdict("COMPLETED")).outcome, "succeeded");
    assert.equal((await verdict("FAILED")).outcome, "failed");
    for (const state of [
      undefined,
      "",
      "SUBMITTED",
      "RUNNING",
      "FAILING",
      "SUBMISSION_FAILED",
      "SUSPENDED",
    ]) {
      assert.equal((await verdict(state)).outcome, "waiting", String(state));
    }
  });

  test("a failure condition is checked first; several success requirements must all match", async () => {
    const obj = app({ executor: { instances: 2 } }, { applicationState: { state: "COMPLETED" } });
    assert.equal(
      (
        await evaluateConditions(
          "status.applicationState.state == COMPLETED",
          "spec.executor.instances > 1",
          obj,
        )
      ).outcome,
      "failed",
    );
    assert.equal(
      (
        await evaluateConditions(
          "status.applicationState.state == COMPLETED,spec.executor.instances > 2",
          "",
          obj,
        )
      ).outcome,
      "waiting",
    );
    await assert.rejects(
      evaluateConditions("status.applicationState.state === x", "", obj),
      /failed to parse/,
    );
  });
});
