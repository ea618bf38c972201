import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { test } from "node:test";
import { CoreV1Api, CustomObjectsApi } from "@kubernetes/client-node";
import { GROUP, OperatorLabel, SparkApplicationNames, VERSION } from "../src/api/v1beta2/constants.js";
import type { SparkApplication } from "../src/api/v1beta2/sparkapplication.js";
import { SPARKPLANE_BIN } from "../src/local/components.js";
import { ensureSparkServiceAccount } from "../src/local/spark-rbac.js";
import { freshNamespace } from "./cluster.js";
import { basicApp } from "./operator-fixture.js";

const APPS = 200;

function startOperatorProcess(kubeconfig: string, ns: string): ChildProcess {
  return spawn(
    process.execPath,
    [
      SPARKPLANE_BIN,
      "operator",
      `--kubeconfig=${kubeconfig}`,
      `--namespaces=${ns}`,
      "--metrics-port=0",
      "--workers=10",
      "--no-install-crds",
      "--log-level=warn",
    ],
    {
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
}

test(`operator SIGKILLed in the middle of a ${APPS}-app burst, then restarted: exactly one driver per attempt, every app accounted for`, {
  timeout: 240_000,
}, async () => {
  const { name: ns, cluster } = await freshNamespace("crash");
  await ensureSparkServiceAccount(cluster.kc, ns);
  const custom = cluster.kc.makeApiClient(CustomObjectsApi);
  const core = cluster.kc.makeApiClient(CoreV1Api);
  const ref = { group: GROUP, version: VERSION, plural: SparkApplicationNames.plural, namespace: ns };
  const driverPods = async () =>
    (await core.listNamespacedPod({ namespace: ns, labelSelector: "spark-role=driver" })).items;

  let operator = startOperatorProcess(cluster.kubeconfig, ns);
  const creating = (async () => {
    for (let i = 0; i < APPS; i += 20) {
      await Promise.all(
        Array.from({ length: 20 }, (_, j) =>
          custom.createNamespacedCustomObject({
            ...ref,
            body: {
              apiVersion: `${GROUP}/${VERSION}`,
              kind: SparkApplicationNames.kind,
              ...basicApp(`burst-${i + j}`),
            },
          }),
        ),
      );
    }
  })();
  // Kill it once it is mid-way through: some drivers exist, not all.
  const deadline = Date.now() + 60_000;
  let seenBeforeKill = 0;
  for (;;) {
    seenBeforeKill = (await driverPods()).length;
    if (seenBeforeKill >= 20 || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  operator.kill("SIGKILL");
  await new Promise((r) => operator.once("exit", r));
  await creating;
  const afterKill = (await driverPods()).length;
  operator = startOperatorProcess(cluster.kubeconfig, ns);
  try {
    const settled = Date.now() + 150_000;
    let apps: SparkApplication[] = [];
    for (;;) {
      apps = ((await custom.listNamespacedCustomObject(ref)) as { items: SparkApplication[] }).items;
      const submitted = apps.filter((a) => a.status?.applicationState?.state === "SUBMITTED").length;
      if (submitted === APPS || Date.now() > settled) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const pods = await driverPods();
    console.log(
      `killed with ${seenBeforeKill} drivers seen (${afterKill} after the kill); after restart: ${pods.length} drivers for ${apps.length} apps`,
    );
    assert.equal(apps.length, APPS, "no app lost");
    const states = apps.map((a) => a.status?.applicationState?.state);
    assert.deepEqual(
      [...new Set(states)],
      ["SUBMITTED"],
      `every app submitted; states: ${JSON.stringify(states.filter((s) => s !== "SUBMITTED"))}`,
    );
    assert.equal(pods.length, APPS, "exactly one driver pod per app");
    const podsByApp = new Map<string, number>();
    for (const p of pods) {
      const app = p.metadata?.labels?.[OperatorLabel.AppName] ?? "";
      podsByApp.set(app, (podsByApp.get(app) ?? 0) + 1);
    }
    assert.ok(
      [...podsByApp.values()].every((n) => n === 1),
      "no app has two drivers",
    );
    for (const a of apps) {
      assert.equal(a.status?.submissionAttempts, 1, `${a.metadata.name}: one submission attempt`);
      const pod = pods.find((p) => p.metadata?.labels?.[OperatorLabel.AppName] === a.metadata.name);
      assert.equal(
        pod?.metadata?.labels?.[OperatorLabel.SubmissionId],
        a.status?.submissionID,
        `${a.metadata.name}: its driver is its attempt's`,
      );
    }
  } finally {
    operator.kill("SIGTERM");
  }
});
