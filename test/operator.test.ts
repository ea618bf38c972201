import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { parseAllDocuments, stringify } from "yaml";
import { API_VERSION, OperatorLabel } from "../src/api/v1beta2/constants.js";
import type { SparkApplication } from "../src/api/v1beta2/sparkapplication.js";
import { LAST_APPLIED_ANNOTATION } from "../src/kube/informer.js";
import { requireToolset } from "../src/local/provision/index.js";
import { ensureSparkServiceAccount } from "../src/local/spark-rbac.js";
import { CLEANUP_FINALIZER } from "../src/operator/controllers/sparkapplication/actions.js";
import { basicApp, type OperatorHarness, operatorHarness, state } from "./operator-fixture.js";

const examples = join(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "..", "..", "examples");

describe("SparkApplication operator against a real API server", () => {
  let h: OperatorHarness;
  before(async () => {
    h = await operatorHarness("op");
  });
  after(async () => {
    await h?.stop();
  });

  const pods = async (name: string) =>
    (await h.core.listNamespacedPod({ namespace: h.ns, labelSelector: `${OperatorLabel.AppName}=${name}` }))
      .items;
  const driverOf = async (name: string) =>
    (await pods(name)).find(
      (p) => p.metadata?.labels?.["spark-role"] === "driver" && !p.metadata?.deletionTimestamp,
    );
  const waitState = (name: string, wanted: string, timeoutMs?: number) =>
    h.until(
      `${name} to be ${wanted}`,
      async () => {
        const app = await h.get(name);
        return state(app) === wanted ? app : false;
      },
      timeoutMs,
    );

  test("a new app gets its driver Pod, spark.properties ConfigMap, headless Service and UI Service within a second", async () => {
    const t0 = Date.now();
    await h.create(basicApp("quick"));
    const pod = await h.until("driver pod", () => driverOf("quick"), 5000);
    const elapsed = Date.now() - t0;
    assert.ok(elapsed < 1000, `driver pod after ${elapsed} ms`);
    const app = await waitState("quick", "SUBMITTED");
    assert.equal(app.status?.executionAttempts, 1);
    assert.equal(app.status?.submissionAttempts, 1);
    assert.equal(pod.metadata?.labels?.[OperatorLabel.SubmissionId], app.status?.submissionID);
    assert.ok(app.metadata.finalizers?.includes(CLEANUP_FINALIZER));
    assert.equal(pod.metadata?.ownerReferences?.[0]?.uid, app.metadata.uid, "the app owns its driver pod");
    const cms = (await h.core.listNamespacedConfigMap({ namespace: h.ns })).items.filter(
      (c) => c.data?.["spark.properties"],
    );
    assert.equal(cms.length, 1);
    assert.equal(
      cms[0]!.metadata?.ownerReferences?.[0]?.uid,
      pod.metadata?.uid,
      "the driver pod owns its ConfigMap",
    );
    assert.match(cms[0]!.data!["spark.properties"]!, /spark\.kubernetes\.driver\.pod\.name=quick-driver/);
    const svcs = (await h.core.listNamespacedService({ namespace: h.ns })).items;
    const headless = svcs.find((s) => s.spec?.clusterIP === "None");
    assert.ok(headless, "headless driver service");
    assert.equal(headless.metadata?.ownerReferences?.[0]?.uid, pod.metadata?.uid);
    await h.until(
      "UI service",
      async () =>
        svcs.some((s) => s.metadata?.name === "quick-ui-svc") ||
        (await h.core.listNamespacedService({ namespace: h.ns })).items.some(
          (s) => s.metadata?.name === "quick-ui-svc",
        ),
    );
    const events = await h.until("events", async () => {
      const e = await h.events("quick");
      return e.includes("Normal/SparkApplicationSubmitted") ? e : false;
    });
    assert.ok(events.includes("Normal/SparkApplicationAdded"));
    console.log(`create -> driver pod: ${elapsed} ms`);
  });

  test("the app follows its driver: Running -> RUNNING, exit 0 -> COMPLETED with terminationTime and events", async () => {
    await h.create(basicApp("happy"));
    const pod = await h.until("driver pod", () => driverOf("happy"));
    await h.setPodPhase(pod.metadata!.name!, "Running");
    await waitState("happy", "RUNNING");
    await h.setPodPhase(pod.metadata!.name!, "Succeeded", 0);
    const done = await waitState("happy", "COMPLETED");
    assert.ok(done.status?.terminationTime);
    const events = await h.until("terminal event", async () => {
      const e = await h.events("happy");
      return e.includes("Normal/SparkApplicationCompleted") ? e : false;
    });
    assert.ok(events.includes("Normal/SparkDriverRunning"), events.join());
  });

  test("restartPolicy Never: a failed driver -> FAILED with the exit code in errorMessage", async () => {
    await h.create(basicApp("never"));
    const pod = await h.until("driver pod", () => driverOf("never"));
    await h.setPodPhase(pod.metadata!.name!, "Failed", 3);
    const failed = await waitState("never", "FAILED");
    assert.match(failed.status?.applicationState?.errorMessage ?? "", /3/);
    assert.equal(failed.status?.executionAttempts, 1);
  });

  test("restartPolicy OnFailure with 1 retry: the driver is recreated once, then FAILED after 2 attempts", async () => {
    await h.create(
      basicApp("retry", {
        restartPolicy: { type: "OnFailure", onFailureRetries: 1, onFailureRetryInterval: 1 },
      }),
    );
    const first = await h.until("driver pod", () => driverOf("retry"));
    await h.setPodPhase(first.metadata!.name!, "Failed", 1);
    const second = await h.until("a new driver pod", async () => {
      const p = await driverOf("retry");
      return p && p.metadata?.uid !== first.metadata?.uid ? p : false;
    });
    // The new run's status (the first run was SUBMITTED too, and its status may still be the stored one).
    const rerun = await h.until("the second run SUBMITTED", async () => {
      const app = await h.get("retry");
      const current = app.status?.submissionID === second.metadata?.labels?.[OperatorLabel.SubmissionId];
      return state(app) === "SUBMITTED" && current && app.status?.executionAttempts === 2 ? app : false;
    });
    assert.equal(rerun.status?.executionAttempts, 2);
    await h.setPodPhase(second.metadata!.name!, "Failed", 1);
    const failed = await waitState("retry", "FAILED");
    assert.equal(failed.status?.executionAttempts, 2);
  });

  test("restartPolicy Always: a completed run is submitted again", async () => {
    await h.create(
      basicApp("always", {
        restartPolicy: { type: "Always", onFailureRetryInterval: 1, onSubmissionFailureRetryInterval: 1 },
      }),
    );
    const first = await h.until("driver pod", () => driverOf("always"));
    await h.setPodPhase(first.metadata!.name!, "Succeeded", 0);
    await h.until("a new driver pod", async () => {
      const p = await driverOf("always");
      return p && p.metadata?.uid !== first.metadata?.uid ? p : false;
    });
    // The rerun's steps (COMPLETED -> PENDING_RERUN -> SUBMITTED) are written at the end of one reconcile,
    // after the new driver pod exists: until then the stored status is still the first run's SUBMITTED.
    const second = await h.until("a new driver pod", () => driverOf("always"));
    const rerun = await h.until("the rerun's status", async () => {
      const app = await h.get("always");
      return state(app) === "SUBMITTED" && app.status?.executionAttempts === 2 ? app : false;
    });
    assert.equal(rerun.status?.driverInfo?.podName, second?.metadata?.name);
    assert.equal(rerun.status?.submissionID, second?.metadata?.labels?.[OperatorLabel.SubmissionId]);
  });

  test("a spec change on a running app invalidates it and resubmits with a new submission", async () => {
    await h.create(basicApp("edit"));
    const pod = await h.until("driver pod", () => driverOf("edit"));
    await h.setPodPhase(pod.metadata!.name!, "Running");
    const running = await waitState("edit", "RUNNING");
    await h.patchSpec("edit", { arguments: ["8"] });
    const resubmitted = await h.until("resubmission", async () => {
      const app = await h.get("edit");
      return state(app) === "SUBMITTED" && app.status?.submissionID !== running.status?.submissionID
        ? app
        : false;
    });
    const newPod = await h.until("new driver pod", async () => {
      const p = await driverOf("edit");
      return p && p.metadata?.uid !== pod.metadata?.uid ? p : false;
    });
    assert.equal(newPod.metadata?.labels?.[OperatorLabel.SubmissionId], resubmitted.status?.submissionID);
  });

  test("suspend deletes the run (SUSPENDED); resume submits again", async () => {
    await h.create(basicApp("pause"));
    await h.until("driver pod", () => driverOf("pause"));
    await h.patchSpec("pause", { suspend: true });
    await waitState("pause", "SUSPENDED");
    assert.equal(await driverOf("pause"), undefined);
    await h.patchSpec("pause", { suspend: false });
    await waitState("pause", "SUBMITTED");
    await h.until("driver pod again", () => driverOf("pause"));
  });

  test("timeToLiveSeconds deletes a finished app and everything it made", async () => {
    await h.create(basicApp("ttl", { timeToLiveSeconds: 1 }));
    const pod = await h.until("driver pod", () => driverOf("ttl"));
    await h.setPodPhase(pod.metadata!.name!, "Succeeded", 0);
    await h.until(
      "app deleted",
      async () =>
        h.get("ttl").then(
          () => false,
          (e: { code?: number }) => e.code === 404,
        ),
      15_000,
    );
    await h.until("pods gone", async () => (await pods("ttl")).length === 0);
  });

  test("deleting an app removes its driver pod, ConfigMap and Services before the app disappears", async () => {
    await h.create(basicApp("bye"));
    await h.until("driver pod", () => driverOf("bye"));
    await h.custom.deleteNamespacedCustomObject({
      group: "sparkoperator.k8s.io",
      version: "v1beta2",
      plural: "sparkapplications",
      namespace: h.ns,
      name: "bye",
    });
    await h.until("app gone", async () =>
      h.get("bye").then(
        () => false,
        (e: { code?: number }) => e.code === 404,
      ),
    );
    assert.deepEqual(await pods("bye"), [], "no pod of the app is left once it is gone");
    const left = (
      await h.core.listNamespacedService({ namespace: h.ns, labelSelector: `${OperatorLabel.AppName}=bye` })
    ).items;
    assert.deepEqual(
      left.map((s) => s.metadata?.name),
      [],
    );
  });

  test("a driver pod deleted behind the operator's back: FAILING -> FAILED 'driver pod not found' after the grace period", async () => {
    await h.create(basicApp("lost"));
    const pod = await h.until("driver pod", () => driverOf("lost"));
    await waitState("lost", "SUBMITTED");
    await h.core.deleteNamespacedPod({ name: pod.metadata!.name!, namespace: h.ns, gracePeriodSeconds: 0 });
    const failed = await waitState("lost", "FAILED", 20_000);
    assert.match(failed.status?.applicationState?.errorMessage ?? "", /not found/i);
  });

  test("invalid specs: the schema refuses them with the field path; semantic errors fail the app naming the field", async () => {
    await assert.rejects(
      h.create(basicApp("bad-cores", { driver: { cores: 0, memory: "512m" } })),
      (e: { code?: number; body?: string }) => e.code === 422 && /spec\.driver\.cores/.test(String(e.body)),
    );
    await assert.rejects(
      h.create(basicApp("bad-type", { type: "Rust" })),
      (e: { code?: number; body?: string }) => e.code === 422 && /spec\.type/.test(String(e.body)),
    );
    await h.create(basicApp("bad-host", { sparkConf: { "spark.driver.host": "example" } }));
    const failed = await h.until("validation failure", async () => {
      const app = await h.get("bad-host");
      return ["FAILED", "SUBMISSION_FAILED"].includes(state(app)) ? app : false;
    });
    assert.match(failed.status?.applicationState?.errorMessage ?? "", /sparkConf/);
    const events = await h.until("warning", async () => {
      const e = await h.events("bad-host");
      return e.some((x) => x.startsWith("Warning/")) ? e : false;
    });
    assert.ok(events.includes("Warning/SparkApplicationSubmissionFailed"), events.join());
    assert.equal(await driverOf("bad-host"), undefined, "no driver for an invalid app");
  });

  test("an app applied with kubectl keeps its last-applied-configuration through the operator's writes (its cache drops it)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sparkplane-apply-"));
    const file = join(dir, "app.yaml");
    const apply = async (args: string[]) => {
      const app = {
        apiVersion: API_VERSION,
        kind: "SparkApplication",
        ...basicApp("applied", { arguments: args }),
      };
      writeFileSync(file, stringify({ ...app, metadata: { ...app.metadata, namespace: h.ns } }));
      // Asynchronously: the operator runs in this process.
      await promisify(execFile)(requireToolset().kube.kubectl, [
        "--kubeconfig",
        h.cluster.kubeconfig,
        "apply",
        "-f",
        file,
      ]);
    };
    try {
      await apply(["10"]);
      const first = await waitState("applied", "SUBMITTED");
      const lastApplied = first.metadata.annotations?.[LAST_APPLIED_ANNOTATION];
      assert.match(
        lastApplied ?? "",
        /"arguments":\["10"\]/,
        "kubectl's annotation survives the status write",
      );
      assert.ok(first.metadata.finalizers?.includes(CLEANUP_FINALIZER));
      // kubectl's three-way merge still works: a changed spec is applied and resubmitted.
      await apply(["20"]);
      const second = await h.until("resubmission", async () => {
        const app = await h.get("applied");
        return app.status?.submissionID !== first.status?.submissionID && state(app) === "SUBMITTED"
          ? app
          : false;
      });
      assert.deepEqual(second.spec.arguments, ["20"]);
      assert.match(second.metadata.annotations?.[LAST_APPLIED_ANNOTATION] ?? "", /"arguments":\["20"\]/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the YAML users already have (seeds and examples) is accepted unchanged and yields driver pods", async () => {
    const files = [
      ...readdirSync(join(examples, "seeds")).map((f) => join(examples, "seeds", f)),
      ...["spark-pi.yaml", "spark-pi-python.yaml", "spark-fail.yaml"].map((f) => join(examples, f)),
    ].filter((f) => f.endsWith(".yaml"));
    const apps = files.flatMap((f) =>
      parseAllDocuments(readFileSync(f, "utf8"))
        .map((d) => d.toJS() as SparkApplication)
        .filter((d) => d?.kind === "SparkApplication"),
    );
    assert.ok(apps.length >= 5, `found ${apps.length} SparkApplications`);
    // Several files reuse a name (spark-pi): number them so all can exist side by side.
    const named = apps.map((app, i) => ({
      ...app,
      metadata: { ...app.metadata, name: `${app.metadata.name}-${i}` },
    }));
    // The seeds run as kubeflow's chart account (spark-operator-spark): give the namespace each account named.
    const accounts = new Set(
      named.map((a) => a.spec.driver.serviceAccount).filter((s): s is string => Boolean(s)),
    );
    for (const account of accounts) await ensureSparkServiceAccount(h.cluster.kc, h.ns, account);
    for (const app of named) {
      const { namespace: _ns, ...metadata } = app.metadata;
      await h.create({ metadata, spec: app.spec } as never);
    }
    for (const app of named) {
      const name = app.metadata.name!;
      const pod = await h.until(`driver pod of ${name}`, () => driverOf(name));
      assert.equal(pod.spec?.containers[0]?.name, "spark-kubernetes-driver");
      assert.equal(pod.spec?.restartPolicy, "Never");
      assert.ok(pod.spec?.containers[0]?.args?.[0] === "driver", `${name}: args start with driver`);
    }
  });
});
