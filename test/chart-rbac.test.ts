/**
 * The operator with exactly the chart's identity: the chart's ServiceAccount, Roles and bindings (rendered by
 * the provisioned helm for one job namespace) are applied, and an operator in this process authenticates with
 * a token of that ServiceAccount. A SparkApplication then goes through submission, RUNNING, COMPLETED and
 * deletion by its TTL, and a ScheduledSparkApplication creates a run, with the Lease held, so every rule of
 * src/operator/rbac.ts the flow needs is exercised by the API server's RBAC authorizer. (The in-cluster test
 * runs the same identity inside a pod.)
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CoreV1Api, CustomObjectsApi } from "@kubernetes/client-node";
import { API_VERSION, GROUP, ScheduledSparkApplicationNames, VERSION } from "../src/api/v1beta2/constants.js";
import type { SparkApplication } from "../src/api/v1beta2/sparkapplication.js";
import { mergePatchOptions } from "../src/kube/patch.js";
import { type RunningOperator, startOperator } from "../src/operator/operator.js";
import { applyChartIdentity, chartNames, serviceAccountKubeConfig } from "./chart-identity.js";
import { freshNamespace, type TestCluster } from "./cluster.js";
import { basicApp, state } from "./operator-fixture.js";
import { eventually } from "./poll.js";

const RELEASE = "rbac";
const names = chartNames(RELEASE);

describe("the operator with the chart's RBAC (one job namespace)", { timeout: 240_000 }, () => {
  let ns = "";
  let cluster: TestCluster;
  let operator: RunningOperator | undefined;
  let custom: CustomObjectsApi;
  let core: CoreV1Api;
  const appsRef = () => ({ group: GROUP, version: VERSION, plural: "sparkapplications", namespace: ns });

  before(async () => {
    ({ name: ns, cluster } = await freshNamespace("rbac"));
    custom = cluster.kc.makeApiClient(CustomObjectsApi);
    core = cluster.kc.makeApiClient(CoreV1Api);
    applyChartIdentity(cluster, ns, RELEASE);
    const kc = await serviceAccountKubeConfig(cluster.kc, ns, names.operatorAccount);
    operator = await startOperator({
      kc,
      namespaces: [ns],
      workers: 2,
      submitter: "native",
      metricsPort: 0,
      installCrds: false,
      resyncMs: 0,
      logLevel: "warn",
      leaderElection: { namespace: ns, name: names.lease },
      decide: { driverPodCreationGraceMs: 3000, resourceDeletionPollMs: 200 },
    });
  });

  after(async () => {
    await operator?.stop();
  });

  it("holds the Lease, submits, follows the driver to COMPLETED and deletes the app after its TTL", async () => {
    await eventually("the Lease", () => operator!.isLeader(), { timeoutMs: 30_000 });
    const app = basicApp("pi", { timeToLiveSeconds: 2 }) as { spec: { driver: { serviceAccount: string } } };
    app.spec.driver.serviceAccount = names.sparkAccount;
    await custom.createNamespacedCustomObject({
      ...appsRef(),
      body: { apiVersion: API_VERSION, kind: "SparkApplication", ...app },
    });
    const get = async () =>
      (await custom.getNamespacedCustomObject({ ...appsRef(), name: "pi" })) as SparkApplication;
    const submitted = await eventually(
      "SUBMITTED",
      async () => (state(await get()) === "SUBMITTED" ? get() : undefined),
      {
        timeoutMs: 30_000,
      },
    );
    assert.ok(submitted.metadata.finalizers?.includes("sparkoperator.k8s.io/cleanup"));
    const driver = submitted.status!.driverInfo!.podName!;
    const byApp = { namespace: ns, labelSelector: "sparkoperator.k8s.io/app-name=pi" };
    const ownedByDriver = (o: { metadata?: { ownerReferences?: { name: string }[] } }) =>
      o.metadata?.ownerReferences?.some((r) => r.name === driver);
    const configMaps = (await core.listNamespacedConfigMap({ namespace: ns })).items;
    assert.ok(configMaps.some(ownedByDriver), "the spark.properties ConfigMap");
    const services = (await core.listNamespacedService({ namespace: ns })).items;
    assert.ok(services.some(ownedByDriver), "the driver's headless Service");
    const kubelet = async (phase: "Running" | "Succeeded") => {
      const terminated = phase === "Succeeded";
      await core.patchNamespacedPodStatus(
        {
          name: driver,
          namespace: ns,
          body: {
            status: {
              phase,
              containerStatuses: [
                {
                  name: "spark-kubernetes-driver",
                  image: "spark",
                  imageID: "",
                  ready: !terminated,
                  restartCount: 0,
                  state: terminated
                    ? { terminated: { exitCode: 0, reason: "Completed", finishedAt: new Date() } }
                    : { running: { startedAt: new Date() } },
                },
              ],
            },
          },
        },
        mergePatchOptions,
      );
    };
    await kubelet("Running");
    await eventually("RUNNING", async () => state(await get()) === "RUNNING", { timeoutMs: 30_000 });
    await kubelet("Succeeded");
    await eventually("COMPLETED", async () => state(await get()) === "COMPLETED", { timeoutMs: 30_000 });
    // Events are written asynchronously, after the status that they report.
    await eventually(
      "events are recorded",
      async () =>
        (
          await core.listNamespacedEvent({ namespace: ns, fieldSelector: "involvedObject.name=pi" })
        ).items.some((e) => e.reason === "SparkApplicationCompleted"),
      { timeoutMs: 15_000 },
    );
    await eventually(
      "the app deleted after its TTL, finalizer removed",
      async () =>
        (await custom.listNamespacedCustomObject(appsRef())).items.every(
          (o: { metadata: { name: string } }) => o.metadata.name !== "pi",
        ),
      { timeoutMs: 60_000 },
    );
    await eventually("its pods gone", async () => (await core.listNamespacedPod(byApp)).items.length === 0, {
      timeoutMs: 30_000,
    });
  });

  it("a ScheduledSparkApplication creates its run and records it in its status", async () => {
    const template = basicApp("unused").spec as unknown as { driver: { serviceAccount: string } };
    template.driver.serviceAccount = names.sparkAccount;
    const ref = {
      group: GROUP,
      version: VERSION,
      plural: ScheduledSparkApplicationNames.plural,
      namespace: ns,
    };
    await custom.createNamespacedCustomObject({
      ...ref,
      body: {
        apiVersion: API_VERSION,
        kind: ScheduledSparkApplicationNames.kind,
        metadata: { name: "nightly" },
        spec: { schedule: "@every 1s", concurrencyPolicy: "Forbid", template },
      },
    });
    const status = await eventually(
      "a run in the status",
      async () => {
        const s = (await custom.getNamespacedCustomObject({ ...ref, name: "nightly" })) as {
          status?: { lastRunName?: string };
        };
        return s.status?.lastRunName;
      },
      { timeoutMs: 30_000 },
    );
    const run = (await custom.getNamespacedCustomObject({ ...appsRef(), name: status })) as SparkApplication;
    assert.equal(run.metadata.ownerReferences?.[0]?.name, "nightly");
    await custom.deleteNamespacedCustomObject({ ...ref, name: "nightly" });
  });
});
