/**
 * The operator's request budget (promise 2: the hot path stays minimal), counted by the API server: the
 * operator runs in this process with every controller on (placement, sparkapplication, scheduled,
 * queue, connect, pending, cost) as a ServiceAccount of the audited namespace with exactly the chart's RBAC,
 * and the API server's audit log names each of its requests. N plain apps whose drivers no node can take
 * (so the scheduler marks them Unschedulable and the pending diagnosis runs for each) must cost at most 9
 * requests each through SUBMITTED plus one event for the diagnosis — a count, not a time. No LIST or GET
 * per app: what the controllers read comes from the shared caches.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { CoreV1Api, CustomObjectsApi } from "@kubernetes/client-node";
import { PENDING_EVENT_REASON } from "../src/api/sparkplane/constants.js";
import { GROUP, VERSION } from "../src/api/v1beta2/constants.js";
import type { SparkApplication } from "../src/api/v1beta2/sparkapplication.js";
import {
  AUDITED_NAMESPACE,
  auditedRequestsSince,
  auditLogOffset,
  countByVerbAndResource,
  serviceAccountUser,
} from "../src/local/audit.js";
import { statePaths } from "../src/local/paths.js";
import { ensureCrds } from "../src/operator/crds.js";
import { type RunningOperator, startOperator } from "../src/operator/operator.js";
import { applyChartIdentity, chartNames, serviceAccountKubeConfig } from "./chart-identity.js";
import { freshNamespace, type TestCluster } from "./cluster.js";
import { basicApp, state } from "./operator-fixture.js";
import { eventually } from "./poll.js";

const APPS = 40;
/**
 * Through SUBMITTED: POST the driver pod, its spark.properties ConfigMap, the executor pod template ConfigMap
 * (kubeflow v2.4+ always writes one), the driver Service and kubeflow's UI Service, two events
 * (SparkApplicationAdded, SparkApplicationSubmitted); PATCH the app (finalizer, spec hash); PUT its status.
 */
const SUBMISSION_BUDGET = 9;
/** The pending diagnosis of an unschedulable app: its one event. */
const DIAGNOSIS_BUDGET = 1;

describe("the operator's API requests per app, every controller on", { timeout: 240_000 }, () => {
  let ns = "";
  let cluster: TestCluster;
  let operator: RunningOperator | undefined;
  const release = `budget-${Math.random().toString(16).slice(2, 8)}`;
  const names = chartNames(release);

  before(async () => {
    ({ name: ns, cluster } = await freshNamespace("budget"));
    const core = cluster.kc.makeApiClient(CoreV1Api);
    await core
      .createNamespace({ body: { metadata: { name: AUDITED_NAMESPACE } } })
      .catch((err: { code?: number }) => {
        if (err.code !== 409) throw err;
      });
    await ensureCrds(cluster.kc);
    applyChartIdentity(cluster, ns, release, AUDITED_NAMESPACE);
    const kc = await serviceAccountKubeConfig(cluster.kc, AUDITED_NAMESPACE, names.operatorAccount);
    operator = await startOperator({
      kc,
      namespaces: [ns],
      workers: 4,
      submitter: "native",
      metricsPort: 0,
      installCrds: false,
      resyncMs: 0,
      logLevel: "warn",
    });
    await eventually("the operator ready", () => operator!.ready(), { timeoutMs: 60_000 });
  });

  after(async () => {
    await operator?.stop();
  });

  it(`${APPS} unschedulable apps: at most ${SUBMISSION_BUDGET} + ${DIAGNOSIS_BUDGET} requests each, no read per app`, async () => {
    const auditLog = statePaths(cluster.stateDir).auditLog;
    const user = serviceAccountUser(AUDITED_NAMESPACE, names.operatorAccount);
    await sleep(1000); // the informers' first watches are logged when they start
    const offset = auditLogOffset(auditLog);
    const custom = cluster.kc.makeApiClient(CustomObjectsApi);
    const ref = { group: GROUP, version: VERSION, plural: "sparkapplications", namespace: ns };
    await Promise.all(
      Array.from({ length: APPS }, (_, i) => {
        const app = basicApp(`b-${i}`) as { spec: { driver: Record<string, unknown> } };
        app.spec.driver.serviceAccount = names.sparkAccount;
        app.spec.driver.nodeSelector = { "sparkplane.io/budget-test": "no-such-node" };
        return custom.createNamespacedCustomObject({
          ...ref,
          body: { apiVersion: `${GROUP}/${VERSION}`, kind: "SparkApplication", ...app },
        });
      }),
    );
    await eventually(
      `all ${APPS} apps SUBMITTED`,
      async () => {
        const list = (await custom.listNamespacedCustomObject(ref)) as { items: SparkApplication[] };
        const submitted = list.items.filter((a) => state(a) === "SUBMITTED").length;
        return submitted === APPS || false;
      },
      { timeoutMs: 60_000 },
    );
    const core = cluster.kc.makeApiClient(CoreV1Api);
    const diagnosed = async () => {
      const events = await core.listNamespacedEvent({ namespace: ns });
      return new Set(
        events.items.filter((e) => e.reason === PENDING_EVENT_REASON).map((e) => e.involvedObject.name),
      );
    };
    await eventually(
      `a ${PENDING_EVENT_REASON} event for each app`,
      async () => (await diagnosed()).size === APPS || false,
      {
        timeoutMs: 90_000,
      },
    );
    // Settled: no request of the operator's for 3 s.
    let count = -1;
    for (;;) {
      const now = auditedRequestsSince(auditLog, offset, user).length;
      if (now === count) break;
      count = now;
      await sleep(3000);
    }
    const requests = auditedRequestsSince(auditLog, offset, user);
    const byVerb = countByVerbAndResource(requests);
    const table = [...byVerb].map(
      ([k, v]) => `  ${k.padEnd(40)} ${String(v).padStart(5)}  ${(v / APPS).toFixed(2)}/app`,
    );
    console.log(
      `operator requests for ${APPS} apps (audit log of ${user}):\n${table.join("\n")}\n  total ${requests.length} = ${(requests.length / APPS).toFixed(2)}/app`,
    );

    const perAppReads = requests.filter((r) => r.verb === "list" || r.verb === "get");
    assert.ok(
      perAppReads.length <= 2,
      `reads after the caches synced (none per app): ${JSON.stringify(perAppReads)}`,
    );
    const failed = requests.filter((r) => (r.code ?? 0) >= 400 && r.code !== 409);
    assert.deepEqual(failed, [], "no request refused");
    const events = byVerb.get("create events") ?? 0;
    assert.ok(events <= APPS * (2 + DIAGNOSIS_BUDGET), `events: ${events} for ${APPS} apps`);
    assert.ok(
      requests.length <= APPS * (SUBMISSION_BUDGET + DIAGNOSIS_BUDGET) + 4,
      `${requests.length} requests for ${APPS} apps, over the budget of ${SUBMISSION_BUDGET + DIAGNOSIS_BUDGET}/app`,
    );
  });
});
