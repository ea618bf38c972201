/**
 * What Argo CD and Argo Workflows say about the SparkApplications our operator writes, on a real API server.
 * Argo CD: its built-in health script (test/data/argocd/sparkapplication-health.lua), run as Argo CD runs it.
 * Argo Workflows: the resource template conditions `status.applicationState.state == COMPLETED` / `== FAILED`.
 * Our argocd-cm customization (config/argocd) must agree with the built-in check everywhere but suspension.
 * Every version of every app the API server publishes (a watch) is judged, plus explicit reads at each state.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Watch } from "@kubernetes/client-node";
import { GROUP, OperatorLabel, SparkApplicationNames, VERSION } from "../src/api/v1beta2/constants.js";
import type { SparkApplication } from "../src/api/v1beta2/sparkapplication.js";
import { mergePatchOptions } from "../src/kube/patch.js";
import {
  type ArgoHealth,
  evaluateConditions,
  runHealthLua,
  SPARKAPP_FAILURE_CONDITION,
  SPARKAPP_HEALTH_LUA,
  SPARKAPP_SUCCESS_CONDITION,
  SPARKPLANE_HEALTH_LUA,
} from "./argocheck.js";
import { basicApp, type OperatorHarness, operatorHarness, state, type V1Pod } from "./operator-fixture.js";

interface Observation {
  app: string;
  state: string;
  health: ArgoHealth;
  ours: ArgoHealth;
  workflow: string;
}

describe("Argo CD health and Argo Workflows conditions on our operator's SparkApplications", () => {
  let h: OperatorHarness;
  let abort: AbortController | undefined;
  /** Every version of every app, in the order the API server published them. */
  const versions: SparkApplication[] = [];
  const table: Observation[] = [];

  before(async () => {
    h = await operatorHarness("argo", { driverPodCreationGraceMs: 20_000 });
    abort = await new Watch(h.cluster.kc).watch(
      `/apis/${GROUP}/${VERSION}/namespaces/${h.ns}/${SparkApplicationNames.plural}`,
      {},
      (type, obj: SparkApplication) => {
        if (type === "ADDED" || type === "MODIFIED") versions.push(obj);
      },
      () => {},
    );
  });
  after(async () => {
    abort?.abort();
    await h?.stop();
    if (table.length > 0) {
      console.log(
        "\n| app | state | Argo CD built-in health | message | sparkplane's argocd-cm check | Argo Workflows |\n|---|---|---|---|---|---|",
      );
      for (const o of table) {
        const row = [
          o.app,
          o.state || "(new)",
          o.health.status,
          o.health.message ?? "",
          o.ours.status,
          o.workflow,
        ];
        console.log(`| ${row.join(" | ")} |`);
      }
    }
  });

  const judge = async (obj: SparkApplication) => ({
    health: await runHealthLua(SPARKAPP_HEALTH_LUA, obj),
    ours: await runHealthLua(SPARKPLANE_HEALTH_LUA, obj, { customization: true }),
    workflow: (await evaluateConditions(SPARKAPP_SUCCESS_CONDITION, SPARKAPP_FAILURE_CONDITION, obj)).outcome,
  });
  type Expected = { state: string; health: string; message?: RegExp; workflow: string };
  /** Reads the app from the API server, judges it, records the row, and checks the verdict. */
  const expectAt = async (name: string, expected: Expected) => expectFor(name, await h.get(name), expected);
  const expectFor = async (name: string, obj: SparkApplication, expected: Expected) => {
    assert.equal(state(obj), expected.state, `${name} is ${expected.state}`);
    const verdict = await judge(obj);
    table.push({ app: name, state: state(obj), ...verdict });
    assert.equal(
      verdict.health.scriptError,
      undefined,
      `the health script failed: ${verdict.health.message}`,
    );
    assert.equal(
      verdict.health.status,
      expected.health,
      `${name} at ${expected.state}: ${verdict.health.message}`,
    );
    if (expected.message) assert.match(verdict.health.message ?? "", expected.message);
    assert.equal(verdict.workflow, expected.workflow, `Argo Workflows at ${expected.state}`);
    const ours = expected.state === "SUSPENDED" ? "Suspended" : expected.health;
    assert.equal(
      verdict.ours.status,
      ours,
      `sparkplane's check at ${expected.state}: ${verdict.ours.message}`,
    );
    return obj;
  };
  const waitState = (name: string, wanted: string, timeoutMs = 30_000) =>
    h.until(
      `${name} to be ${wanted}`,
      async () => {
        const app = await h.get(name);
        return state(app) === wanted ? app : false;
      },
      timeoutMs,
    );
  const driverOf = async (name: string) =>
    (
      await h.core.listNamespacedPod({
        namespace: h.ns,
        labelSelector: `${OperatorLabel.AppName}=${name},spark-role=driver`,
      })
    ).items.find((p) => !p.metadata?.deletionTimestamp);
  const newDriver = (name: string, not?: V1Pod) =>
    h.until(`a driver pod of ${name}`, async () => {
      const pod = await driverOf(name);
      return pod && pod.metadata?.uid !== not?.metadata?.uid ? pod : false;
    });
  /** Plays Spark's driver: an executor pod of the driver's application, then the kubelet: Running. */
  const runExecutor = async (app: string, driver: V1Pod, id: number) => {
    const appId = driver.metadata?.labels?.["spark-app-selector"] ?? "";
    const name = `${app}-${appId.slice(-6)}-exec-${id}`;
    await h.core.createNamespacedPod({
      namespace: h.ns,
      body: {
        metadata: {
          name,
          labels: {
            "spark-role": "executor",
            "spark-app-selector": appId,
            "spark-exec-id": String(id),
            [OperatorLabel.AppName]: app,
          },
        },
        spec: { containers: [{ name: "spark-kubernetes-executor", image: "spark:3.5.9" }] },
      },
    });
    await h.core.patchNamespacedPodStatus(
      {
        name,
        namespace: h.ns,
        body: {
          status: {
            phase: "Running",
            containerStatuses: [
              {
                name: "spark-kubernetes-executor",
                image: "spark:3.5.9",
                imageID: "",
                ready: true,
                restartCount: 0,
                state: { running: { startedAt: new Date() } },
              },
            ],
          },
        },
      },
      mergePatchOptions,
    );
  };

  test("new -> SUBMITTED -> RUNNING (executors coming, then all running) -> COMPLETED", async () => {
    await h.create(basicApp("life", { executor: { instances: 2, cores: 1, memory: "512m" } }));
    const created = await h.until("the watch to see life created", async () =>
      versions.find((v) => v.metadata.name === "life"),
    );
    assert.equal(created.status, undefined, "created without a status");
    await expectFor("life", created, { state: "", health: "Progressing", workflow: "waiting" });
    const driver = await newDriver("life");
    await waitState("life", "SUBMITTED");
    await expectAt("life", {
      state: "SUBMITTED",
      health: "Progressing",
      message: /submitted/,
      workflow: "waiting",
    });
    await h.setPodPhase(driver.metadata!.name!, "Running");
    await waitState("life", "RUNNING");
    await expectAt("life", {
      state: "RUNNING",
      health: "Progressing",
      message: /Executor/,
      workflow: "waiting",
    });
    await runExecutor("life", driver, 1);
    await h.until("one executor RUNNING", async () =>
      Object.values((await h.get("life")).status?.executorState ?? {}).includes("RUNNING"),
    );
    await expectAt("life", {
      state: "RUNNING",
      health: "Progressing",
      message: /Executor/,
      workflow: "waiting",
    });
    await runExecutor("life", driver, 2);
    await h.until("two executors RUNNING", async () => {
      const states = Object.values((await h.get("life")).status?.executorState ?? {});
      return states.filter((s) => s === "RUNNING").length === 2;
    });
    await expectAt("life", { state: "RUNNING", health: "Healthy", message: /Running/, workflow: "waiting" });
    await h.setPodPhase(driver.metadata!.name!, "Succeeded", 0);
    await waitState("life", "COMPLETED");
    await expectAt("life", {
      state: "COMPLETED",
      health: "Healthy",
      message: /Completed/,
      workflow: "succeeded",
    });
  });

  test("a failed driver with a retry left: FAILING (Degraded, why) -> rerun -> FAILED (Degraded) once retries are spent", async () => {
    await h.create(
      basicApp("flaky", {
        restartPolicy: { type: "OnFailure", onFailureRetries: 1, onFailureRetryInterval: 12 },
      }),
    );
    const first = await newDriver("flaky");
    await waitState("flaky", "SUBMITTED");
    await h.setPodPhase(first.metadata!.name!, "Failed", 3);
    await waitState("flaky", "FAILING");
    await expectAt("flaky", {
      state: "FAILING",
      health: "Degraded",
      message: /ExitCode: 3/,
      workflow: "waiting",
    });
    const second = await newDriver("flaky", first);
    await h.until("the rerun", async () => {
      const app = await h.get("flaky");
      return state(app) === "SUBMITTED" && app.status?.executionAttempts === 2;
    });
    await expectAt("flaky", { state: "SUBMITTED", health: "Progressing", workflow: "waiting" });
    await h.setPodPhase(second.metadata!.name!, "Failed", 4);
    await waitState("flaky", "FAILED");
    await expectAt("flaky", {
      state: "FAILED",
      health: "Degraded",
      message: /ExitCode: 4/,
      workflow: "failed",
    });
  });

  test("a driver pod the API server refuses, with a submission retry pending: SUBMISSION_FAILED (Degraded, the API server's reason)", async () => {
    await h.create(
      basicApp("refused", {
        driver: { cores: 1, memory: "512m", serviceAccount: "spark", priorityClassName: "no-such-priority" },
        restartPolicy: {
          type: "OnFailure",
          onSubmissionFailureRetries: 1,
          onSubmissionFailureRetryInterval: 600,
        },
      }),
    );
    await waitState("refused", "SUBMISSION_FAILED");
    await expectAt("refused", {
      state: "SUBMISSION_FAILED",
      health: "Degraded",
      message: /no-such-priority/,
      workflow: "waiting",
    });
  });

  test("a spec our semantic validation refuses: FAILED at once (Degraded, naming the field)", async () => {
    await h.create(basicApp("invalid", { sparkConf: { "spark.driver.host": "example" } }));
    await waitState("invalid", "FAILED");
    await expectAt("invalid", {
      state: "FAILED",
      health: "Degraded",
      message: /sparkConf/,
      workflow: "failed",
    });
  });

  test("suspended: Argo CD's built-in script has no case for SUSPENDED and says Progressing; ours says Suspended", async () => {
    await h.create(basicApp("paused", { suspend: true }));
    await waitState("paused", "SUSPENDED");
    await expectAt("paused", { state: "SUSPENDED", health: "Progressing", workflow: "waiting" });
    await h.create(basicApp("stopped"));
    const driver = await newDriver("stopped");
    await h.setPodPhase(driver.metadata!.name!, "Running");
    await waitState("stopped", "RUNNING");
    await h.patchSpec("stopped", { suspend: true });
    await waitState("stopped", "SUSPENDED");
    await expectAt("stopped", { state: "SUSPENDED", health: "Progressing", workflow: "waiting" });
  });

  test("every version the API server published: the script never fails, success exactly at COMPLETED, failure exactly at FAILED", async () => {
    const seen = new Map<string, string[]>();
    for (const obj of versions) {
      const name = obj.metadata.name ?? "";
      const s = state(obj);
      const states = seen.get(name) ?? [];
      if (states.at(-1) !== (s || "(new)")) states.push(s || "(new)");
      seen.set(name, states);
      const verdict = await judge(obj);
      const at = `${name} at "${s}" (resourceVersion ${obj.metadata.resourceVersion})`;
      assert.equal(verdict.health.scriptError, undefined, `${at}: ${verdict.health.message}`);
      assert.equal(verdict.workflow === "succeeded", s === "COMPLETED", `${at}: ${verdict.workflow}`);
      assert.equal(verdict.workflow === "failed", s === "FAILED", `${at}: ${verdict.workflow}`);
      const degraded = ["FAILING", "FAILED", "SUBMISSION_FAILED"].includes(s);
      assert.equal(verdict.health.status === "Degraded", degraded, `${at}: ${verdict.health.status}`);
      if (degraded) assert.ok(verdict.health.message, `${at}: Degraded says why`);
      if (s === "") assert.equal(verdict.health.status, "Progressing", `${at}: a new app is Progressing`);
      assert.equal(verdict.ours.scriptError, undefined, `${at}: ${verdict.ours.message}`);
      const ours = s === "SUSPENDED" ? "Suspended" : verdict.health.status;
      assert.equal(verdict.ours.status, ours, `${at}: sparkplane's check agrees with the built-in one`);
    }
    const summary = [...seen].map(([name, states]) => `${name}: ${states.join(" -> ")}`);
    console.log(`states published:\n  ${summary.join("\n  ")}`);
    for (const name of ["life", "flaky", "refused", "invalid", "paused", "stopped"]) {
      assert.equal(seen.get(name)?.[0], "(new)", `${name} was seen new, without a status`);
    }
  });
});
