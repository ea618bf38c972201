// Parity with kubeflow's spark-operator v2.5.2 on the real API server (issue 14): the executors' owner
// reference to their SparkApplication (through the executor pod template), the mutated-by-spark-operator
// label, and status.driverInfo.webUIAddress as <ClusterIP>:<port>. Also what the garbage collector of the
// real kube-controller-manager does with an executor that has two owners, which the operator makes up for.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CoreV1Api,
  CustomObjectsApi,
  type V1ConfigMap,
  type V1OwnerReference,
  type V1Pod,
} from "@kubernetes/client-node";
import { parse } from "yaml";
import {
  API_VERSION,
  GROUP,
  OperatorLabel,
  SparkApplicationNames,
  VERSION,
} from "../src/api/v1beta2/constants.js";
import type { SparkApplication } from "../src/api/v1beta2/sparkapplication.js";
import { ensureSparkServiceAccount } from "../src/local/spark-rbac.js";
import { ensureCrds } from "../src/operator/crds.js";
import { freshNamespace } from "./cluster.js";
import { basicApp, type OperatorHarness, operatorHarness, state } from "./operator-fixture.js";
import { eventually } from "./poll.js";

const TEMPLATE_KEY = "podspec-configmap-key";

/** The executor pod Spark's driver creates from the template (BasicExecutorFeatureStep, Spark 3.5). */
function executorFromTemplate(template: V1Pod, driver: V1Pod, name: string): V1Pod {
  const driverReference: V1OwnerReference = {
    apiVersion: "v1",
    kind: "Pod",
    name: driver.metadata!.name!,
    uid: driver.metadata!.uid!,
    controller: true,
  };
  const labels = driver.metadata?.labels ?? {};
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      ...template.metadata,
      name,
      labels: {
        ...template.metadata?.labels,
        "spark-role": "executor",
        "spark-exec-id": "1",
        "spark-app-selector": labels["spark-app-selector"] ?? "",
        [OperatorLabel.AppName]: labels[OperatorLabel.AppName] ?? "",
      },
      // addToOwnerReferences: the template's references, then the driver pod as controller.
      ownerReferences: [...(template.metadata?.ownerReferences ?? []), driverReference],
    },
    spec: {
      serviceAccountName: "spark",
      restartPolicy: "Never",
      containers: [{ name: "spark-kubernetes-executor", image: "spark:3.5.9" }],
    },
  };
}

const ownersOf = (pod: V1Pod) =>
  (pod.metadata?.ownerReferences ?? []).map(
    (r) => `${r.kind}/${r.name}${r.controller ? " (controller)" : ""}`,
  );

describe("kubeflow v2.5.2 parity against a real API server", () => {
  let h: OperatorHarness;
  before(async () => {
    h = await operatorHarness("parity");
  });
  after(async () => {
    await h?.stop();
  });

  const readPod = (name: string) => h.core.readNamespacedPod({ name, namespace: h.ns });
  const gone = (name: string) =>
    readPod(name).then(
      () => false,
      (e: { code?: number }) => e.code === 404,
    );
  const templateMapOf = async (pod: V1Pod): Promise<V1ConfigMap> => {
    const volume = pod.spec?.volumes?.find((v) => v.name === "pod-template-volume");
    assert.ok(volume?.configMap?.name, "the driver mounts the executor pod template");
    return h.core.readNamespacedConfigMap({ name: volume.configMap.name, namespace: h.ns });
  };

  test("a plain app's executors get a template whose owner reference points to the app; pods are labelled mutated-by", async () => {
    const app = await h.create(basicApp("plain"));
    const driver = await h.until("driver pod", async () => readPod("plain-driver").catch(() => undefined));
    assert.equal(driver.metadata?.labels?.[OperatorLabel.MutatedBySparkOperator], "true");
    const map = await h.until("template ConfigMap", () => templateMapOf(driver).catch(() => undefined));
    assert.equal(map.metadata?.ownerReferences?.[0]?.uid, driver.metadata?.uid, "owned by the driver pod");
    const template = parse(map.data?.[TEMPLATE_KEY] ?? "") as V1Pod;
    assert.deepEqual(template.metadata?.ownerReferences, [
      { apiVersion: API_VERSION, kind: "SparkApplication", name: "plain", uid: app.metadata.uid },
    ]);
    const properties = (await h.core.listNamespacedConfigMap({ namespace: h.ns })).items.find(
      (c) => c.data?.["spark.properties"],
    )?.data?.["spark.properties"];
    assert.match(
      properties ?? "",
      /^spark\.kubernetes\.executor\.podTemplateFile=\/opt\/spark\/pod-template\/pod-spec-template\.yml$/m,
    );
    assert.match(
      properties ?? "",
      /^spark\.kubernetes\.executor\.label\.sparkoperator\.k8s\.io\/mutated-by-spark-operator=true$/m,
    );
  });

  test("status.driverInfo.webUIAddress is the UI Service's <ClusterIP>:<port>, as kubeflow writes it", async () => {
    await h.create(basicApp("webui"));
    const app = await h.until("webUIAddress", async () => {
      const a = await h.get("webui");
      return a.status?.driverInfo?.webUIAddress ? a : false;
    });
    const service = await h.core.readNamespacedService({ name: "webui-ui-svc", namespace: h.ns });
    const clusterIP = service.spec?.clusterIP ?? "";
    assert.match(clusterIP, /^\d+\.\d+\.\d+\.\d+$/);
    assert.equal(app.status?.driverInfo?.webUIAddress, `${clusterIP}:4040`);
    assert.equal(app.status?.driverInfo?.webUIServiceName, "webui-ui-svc");
    assert.equal(app.status?.driverInfo?.webUIPort, 4040);
    // A recreated Service gets a new cluster IP, and the status follows it.
    await h.core.deleteNamespacedService({ name: "webui-ui-svc", namespace: h.ns });
    const recreated = await h.until("a recreated UI Service", async () => {
      const s = await h.core
        .readNamespacedService({ name: "webui-ui-svc", namespace: h.ns })
        .catch(() => undefined);
      return s && s.metadata?.uid !== service.metadata?.uid ? s : false;
    });
    await h.until("the new address", async () => {
      const a = await h.get("webui");
      return a.status?.driverInfo?.webUIAddress === `${recreated.spec?.clusterIP}:4040` ? a : false;
    });
  });

  test("an executor made from the template as Spark makes it is accepted with both owners, and removed once its driver pod is gone", async () => {
    await h.create(basicApp("owned"));
    const driver = await h.until("driver pod", async () => readPod("owned-driver").catch(() => undefined));
    const map = await h.until("template ConfigMap", () => templateMapOf(driver).catch(() => undefined));
    const template = parse(map.data?.[TEMPLATE_KEY] ?? "") as V1Pod;
    const executor = await h.core.createNamespacedPod({
      namespace: h.ns,
      body: executorFromTemplate(template, driver, "owned-exec-1"),
    });
    assert.deepEqual(ownersOf(executor), ["SparkApplication/owned", "Pod/owned-driver (controller)"]);
    await h.setPodPhase("owned-driver", "Running");
    await h.until("RUNNING", async () => state(await h.get("owned")) === "RUNNING");
    await h.setPodPhase("owned-driver", "Failed", 1);
    await h.until("FAILED", async () => state(await h.get("owned")) === "FAILED");
    assert.equal(await gone("owned-exec-1"), false, "kept while its driver pod exists");
    await h.core.deleteNamespacedPod({ name: "owned-driver", namespace: h.ns });
    await h.until("the executor deleted by the operator", () => gone("owned-exec-1"), 60_000);
  });
});

describe("the garbage collector with an executor owned by its app and its driver (no operator)", () => {
  test("deleting the driver pod alone keeps the executor (its app is a live owner); deleting the app removes it", async () => {
    const { name: ns, cluster } = await freshNamespace("gc");
    await ensureSparkServiceAccount(cluster.kc, ns);
    await ensureCrds(cluster.kc);
    const core = cluster.kc.makeApiClient(CoreV1Api);
    const custom = cluster.kc.makeApiClient(CustomObjectsApi);
    const ref = { group: GROUP, version: VERSION, plural: SparkApplicationNames.plural, namespace: ns };
    const app = (await custom.createNamespacedCustomObject({
      ...ref,
      body: { apiVersion: API_VERSION, kind: "SparkApplication", ...basicApp("gc") },
    })) as SparkApplication;
    const appReference = {
      apiVersion: API_VERSION,
      kind: "SparkApplication",
      name: "gc",
      uid: app.metadata.uid!,
    };
    const pod = (name: string, ownerReferences: V1OwnerReference[]): V1Pod => ({
      metadata: { name, ownerReferences },
      spec: { serviceAccountName: "spark", containers: [{ name: "c", image: "spark:3.5.9" }] },
    });
    const driver = await core.createNamespacedPod({ namespace: ns, body: pod("gc-driver", []) });
    const driverReference = {
      apiVersion: "v1",
      kind: "Pod",
      name: "gc-driver",
      uid: driver.metadata!.uid!,
      controller: true,
    };
    await core.createNamespacedPod({
      namespace: ns,
      body: pod("two-owners", [appReference, driverReference]),
    });
    await core.createNamespacedPod({ namespace: ns, body: pod("driver-only", [driverReference]) });
    await core.deleteNamespacedPod({ name: "gc-driver", namespace: ns });
    const read = (name: string) => core.readNamespacedPod({ name, namespace: ns }).catch(() => undefined);
    const wait = <T>(what: string, check: () => Promise<T | undefined | false>) =>
      eventually(what, check, { timeoutMs: 180_000 });
    await wait("the driver-only pod collected", async () => (await read("driver-only")) === undefined);
    const kept = await wait("the collector to drop the dangling driver reference", async () => {
      const p = await read("two-owners");
      return p && ownersOf(p).length === 1 ? p : false;
    });
    assert.deepEqual(ownersOf(kept), ["SparkApplication/gc"], "kept: the app still owns it");
    await custom.deleteNamespacedCustomObject({ ...ref, name: "gc" });
    await wait("the executor collected with its app", async () => (await read("two-owners")) === undefined);
  });
});
