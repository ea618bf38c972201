import assert from "node:assert/strict";
import { test } from "node:test";
import { CoordinationV1Api, CoreV1Api, CustomObjectsApi } from "@kubernetes/client-node";
import { GROUP, SparkApplicationNames, VERSION } from "../src/api/v1beta2/constants.js";
import type { SparkApplication } from "../src/api/v1beta2/sparkapplication.js";
import { ensureSparkServiceAccount } from "../src/local/spark-rbac.js";
import { type RunningOperator, startOperator } from "../src/operator/operator.js";
import { freshNamespace } from "./cluster.js";
import { basicApp } from "./operator-fixture.js";

test("two replicas with --leader-elect: only the Lease holder submits; the other takes over when it stops", {
  timeout: 120_000,
}, async () => {
  const { name: ns, cluster } = await freshNamespace("leader");
  await ensureSparkServiceAccount(cluster.kc, ns);
  const start = () =>
    startOperator({
      kc: cluster.kc,
      namespaces: [ns],
      workers: 2,
      submitter: "native",
      metricsPort: 0,
      installCrds: false,
      resyncMs: 0,
      logLevel: "error",
      leaderElection: { namespace: ns, name: "sparkplane-operator" },
    });
  const custom = cluster.kc.makeApiClient(CustomObjectsApi);
  const core = cluster.kc.makeApiClient(CoreV1Api);
  const leases = cluster.kc.makeApiClient(CoordinationV1Api);
  const ref = { group: GROUP, version: VERSION, plural: SparkApplicationNames.plural, namespace: ns };
  const create = (name: string) =>
    custom.createNamespacedCustomObject({
      ...ref,
      body: { apiVersion: `${GROUP}/${VERSION}`, kind: SparkApplicationNames.kind, ...basicApp(name) },
    });
  const waitSubmitted = async (name: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const app = (await custom.getNamespacedCustomObject({ ...ref, name })) as SparkApplication;
      if (app.status?.applicationState?.state === "SUBMITTED") return app;
      if (Date.now() > deadline)
        throw new Error(`${name} not submitted; state ${app.status?.applicationState?.state}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const a: RunningOperator = await start();
  const b: RunningOperator = await start();
  let stoppedA = false;
  try {
    await create("first");
    await waitSubmitted("first", 30_000);
    const holder = (await leases.readNamespacedLease({ name: "sparkplane-operator", namespace: ns })).spec
      ?.holderIdentity;
    assert.ok(holder, "someone holds the lease");
    // Exactly one driver for the app, whichever replica led.
    assert.equal(
      (await core.listNamespacedPod({ namespace: ns, labelSelector: "spark-role=driver" })).items.length,
      1,
    );
    assert.equal([a, b].filter((r) => r.isLeader()).length, 1, "exactly one replica leads");
    // Stop the leader: the standby must take over the released lease and keep submitting.
    const [leader, standby] = a.isLeader() ? [a, b] : [b, a];
    await leader.stop();
    stoppedA = true;
    await create("second");
    await waitSubmitted("second", 45_000);
    const after = (await leases.readNamespacedLease({ name: "sparkplane-operator", namespace: ns })).spec
      ?.holderIdentity;
    assert.ok(after && after !== holder, "the standby took the lease over");
    assert.ok(standby.isLeader());
    await standby.stop();
  } finally {
    if (!stoppedA) {
      await a.stop();
      await b.stop();
    }
  }
});
