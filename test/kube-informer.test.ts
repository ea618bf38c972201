import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type V1ConfigMap,
  type V1Pod,
} from "@kubernetes/client-node";
import { enqueueHandlers, waitForCacheSync } from "../src/kube/controller.js";
import { createInformer, Informer, type InformerHandlers } from "../src/kube/informer.js";
import { silentLog, stderrLog } from "../src/kube/log.js";
import { mergePatchStatus } from "../src/kube/patch.js";
import { Resources, splitKey } from "../src/kube/resource.js";
import { labelIndex } from "../src/kube/store.js";
import { runWorkers, WorkQueue } from "../src/kube/workqueue.js";
import { freshNamespace } from "./cluster.js";
import {
  BreakableProxy,
  eventually,
  installWidgetCrd,
  WIDGET_GROUP,
  WIDGET_PLURAL,
  WIDGET_RESOURCE,
  WIDGET_VERSION,
  type Widget,
} from "./kube-helpers.js";

const log = process.env.KUBE_TEST_LOG ? stderrLog : silentLog;
const APP_LABEL = "sparkoperator.k8s.io/app-name";

/**
 * Records what the handlers saw, as "add:name", "update:name", "delete:name" (leaving out the CA bundle the
 * controller-manager publishes into every namespace).
 */
function recorder<T extends { metadata?: { name?: string } }>(): {
  seen: string[];
  handlers: InformerHandlers<T>;
} {
  const seen: string[] = [];
  const note = (what: string, o: T) =>
    o.metadata?.name !== "kube-root-ca.crt" && seen.push(`${what}:${o.metadata?.name}`);
  return {
    seen,
    handlers: {
      onAdd: (o) => note("add", o),
      onUpdate: (_old, o) => note("update", o),
      onDelete: (o) => note("delete", o),
    },
  };
}

function pod(name: string, labels: Record<string, string>): V1Pod {
  return { metadata: { name, labels }, spec: { containers: [{ name: "main", image: "busybox" }] } };
}

async function createConfigMap(
  kc: KubeConfig,
  namespace: string,
  name: string,
  data: Record<string, string> = {},
) {
  await kc
    .makeApiClient(CoreV1Api)
    .createNamespacedConfigMap({ namespace, body: { metadata: { name }, data } });
}

const stoppers: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const stop of stoppers) await stop();
});

describe("Informer against the API server", { timeout: 60_000 }, () => {
  it("caches pods, indexes them by app label, and sees add, update and delete", async () => {
    const { name: ns, cluster } = await freshNamespace("inf");
    const core = cluster.kc.makeApiClient(CoreV1Api);
    await core.createNamespacedPod({ namespace: ns, body: pod("before", { [APP_LABEL]: "a" }) });

    const informer = new Informer<V1Pod>(cluster.kc, {
      resource: Resources.pods,
      namespace: ns,
      indexers: { app: labelIndex(APP_LABEL) },
      log,
    });
    const { seen, handlers } = recorder<V1Pod>();
    informer.addHandlers(handlers);
    informer.start();
    stoppers.push(() => informer.stop());
    assert.equal(await informer.waitForSync(10_000), true);
    assert.deepEqual(seen, ["add:before"]);
    const cached = informer.get(ns, "before");
    assert.equal(cached?.kind, "Pod", "list items get their kind");
    assert.ok(cached?.metadata?.creationTimestamp instanceof Date, "converted like the typed client");

    await core.createNamespacedPod({
      namespace: ns,
      body: pod("d1", { [APP_LABEL]: "a", "spark-role": "driver" }),
    });
    await core.createNamespacedPod({ namespace: ns, body: pod("e1", { [APP_LABEL]: "b" }) });
    await eventually("two new pods", () => informer.list(ns).length === 3);
    assert.ok(
      informer.get(ns, "d1")?.metadata?.creationTimestamp instanceof Date,
      "watch objects converted too",
    );
    assert.deepEqual(
      informer
        .byIndex("app", "a", ns)
        .map((p) => p.metadata?.name)
        .sort(),
      ["before", "d1"],
    );
    assert.deepEqual(
      informer.byIndex("app", "b").map((p) => p.metadata?.name),
      ["e1"],
    );

    await core.patchNamespacedPod({
      namespace: ns,
      name: "e1",
      body: [{ op: "replace", path: "/metadata/labels/sparkoperator.k8s.io~1app-name", value: "a" }],
    });
    await eventually("re-indexed pod", () => informer.byIndex("app", "a", ns).length === 3);
    assert.deepEqual(informer.byIndex("app", "b", ns), []);

    await core.deleteNamespacedPod({ namespace: ns, name: "d1", gracePeriodSeconds: 0 });
    await eventually("deleted pod", () => informer.get(ns, "d1") === undefined);
    // The scheduler's status updates (no nodes here) come as updates too.
    assert.deepEqual(
      seen.filter((s) => !s.startsWith("update:")),
      ["add:before", "add:d1", "add:e1", "delete:d1"],
    );
    assert.ok(seen.includes("update:e1"));
    assert.deepEqual(
      informer
        .byIndex("app", "a", ns)
        .map((p) => p.metadata?.name)
        .sort(),
      ["before", "e1"],
    );
  });

  it("only sees objects matching its label selector", async () => {
    const { name: ns, cluster } = await freshNamespace("inf-sel");
    const core = cluster.kc.makeApiClient(CoreV1Api);
    const informer = new Informer<V1Pod>(cluster.kc, {
      resource: Resources.pods,
      namespace: ns,
      labelSelector: "sparkoperator.k8s.io/launched-by-spark-operator=true",
      log,
    });
    informer.start();
    stoppers.push(() => informer.stop());
    await informer.waitForSync(10_000);
    await core.createNamespacedPod({ namespace: ns, body: pod("other", { app: "x" }) });
    await core.createNamespacedPod({
      namespace: ns,
      body: pod("ours", { "sparkoperator.k8s.io/launched-by-spark-operator": "true" }),
    });
    await eventually("our pod", () => informer.get(ns, "ours"));
    assert.equal(informer.get(ns, "other"), undefined);
    assert.equal(informer.list().length, 1);
  });

  it("keeps watching across watch requests the server ends (short timeoutSeconds)", async () => {
    const { name: ns, cluster } = await freshNamespace("inf-to");
    const informer = new Informer<V1ConfigMap>(cluster.kc, {
      resource: Resources.configMaps,
      namespace: ns,
      watchTimeoutSeconds: 1,
      log,
    });
    informer.start();
    stoppers.push(() => informer.stop());
    await informer.waitForSync(10_000);
    for (const name of ["one", "two", "three"]) {
      await createConfigMap(cluster.kc, ns, name);
      await eventually(name, () => informer.get(ns, name));
      await new Promise((r) => setTimeout(r, 1200));
    }
    assert.deepEqual(
      informer
        .list(ns)
        .map((c) => c.metadata?.name)
        .filter((n) => n !== "kube-root-ca.crt")
        .sort(),
      ["one", "three", "two"],
    );
  });

  it("restarts with backoff and relists after its connection is broken", async () => {
    const { name: ns, cluster } = await freshNamespace("inf-brk");
    const proxy = new BreakableProxy(new URL(cluster.kc.getCurrentCluster()!.server));
    await proxy.accept();
    stoppers.push(async () => proxy.close());
    await createConfigMap(cluster.kc, ns, "doomed");
    const informer = new Informer<V1ConfigMap>(proxy.kubeConfig(cluster.kc), {
      resource: Resources.configMaps,
      namespace: ns,
      backoff: { initialMs: 100, maxMs: 400 },
      log,
    });
    const { seen, handlers } = recorder<V1ConfigMap>();
    informer.addHandlers(handlers);
    informer.start();
    stoppers.push(() => informer.stop());
    await informer.waitForSync(10_000);

    // Cut the watch and keep the API server unreachable while things change behind the informer's back.
    proxy.refuse();
    proxy.breakConnections();
    const core = cluster.kc.makeApiClient(CoreV1Api);
    await core.deleteNamespacedConfigMap({ namespace: ns, name: "doomed" });
    await createConfigMap(cluster.kc, ns, "born-while-away");
    await new Promise((r) => setTimeout(r, 800)); // several failed restarts
    assert.equal(informer.get(ns, "born-while-away"), undefined);

    await proxy.accept();
    await eventually("relist after reconnect", () => informer.get(ns, "born-while-away"));
    assert.equal(informer.get(ns, "doomed"), undefined);
    assert.deepEqual(seen.sort(), ["add:born-while-away", "add:doomed", "delete:doomed"]);

    // And the watch works again.
    await createConfigMap(cluster.kc, ns, "after");
    await eventually("watch after reconnect", () => informer.get(ns, "after"));
  });

  it("re-delivers every cached object on resync", async () => {
    const { name: ns, cluster } = await freshNamespace("inf-rs");
    await createConfigMap(cluster.kc, ns, "a");
    await createConfigMap(cluster.kc, ns, "b");
    const informer = new Informer<V1ConfigMap>(cluster.kc, {
      resource: Resources.configMaps,
      namespace: ns,
      resyncPeriodMs: 150,
      log,
    });
    const resynced: string[] = [];
    informer.addHandlers({
      onUpdate: (o, n) =>
        o === n && n.metadata?.name !== "kube-root-ca.crt" && resynced.push(n.metadata!.name!),
    });
    informer.start();
    stoppers.push(() => informer.stop());
    await eventually("two resyncs", () => resynced.length >= 4);
    assert.deepEqual(new Set(resynced), new Set(["a", "b"]));
  });

  it("informs on custom resources as plain JSON, status updates included", async () => {
    const { name: ns, cluster } = await freshNamespace("inf-crd");
    await installWidgetCrd(cluster.kc);
    const informer = new Informer<Widget>(cluster.kc, { resource: WIDGET_RESOURCE, namespace: ns, log });
    const { seen, handlers } = recorder<Widget>();
    informer.addHandlers(handlers);
    informer.start();
    stoppers.push(() => informer.stop());
    await informer.waitForSync(10_000);
    const custom = cluster.kc.makeApiClient(CustomObjectsApi);
    const ref = {
      group: WIDGET_GROUP,
      version: WIDGET_VERSION,
      plural: WIDGET_PLURAL,
      namespace: ns,
      name: "w",
    };
    await custom.createNamespacedCustomObject({
      ...ref,
      body: {
        apiVersion: WIDGET_RESOURCE.apiVersion,
        kind: "Widget",
        metadata: { name: "w" },
        spec: { size: 1 },
      },
    });
    await mergePatchStatus(custom, ref, { state: "RUNNING" });
    await eventually("status seen", () => informer.get(ns, "w")?.status?.state === "RUNNING");
    assert.equal(typeof informer.get(ns, "w")?.metadata?.creationTimestamp, "string");
    assert.deepEqual(seen, ["add:w", "update:w"]);
  });

  it("covers several namespaces with one informer each", async () => {
    const a = await freshNamespace("inf-ma");
    const b = await freshNamespace("inf-mb");
    const kc = a.cluster.kc;
    await createConfigMap(kc, a.name, "cm", { app: "x" });
    await createConfigMap(kc, b.name, "cm", { app: "x" });
    const informer = createInformer<V1ConfigMap>(kc, {
      resource: Resources.configMaps,
      namespaces: [a.name, b.name],
      indexers: { byName: (o) => [o.metadata!.name!] },
      log,
    });
    const { seen, handlers } = recorder<V1ConfigMap>();
    informer.addHandlers(handlers);
    informer.start();
    stoppers.push(() => informer.stop());
    assert.equal(await informer.waitForSync(10_000), true);
    // kube-root-ca.crt may be published into each namespace too; count ours only.
    assert.equal(informer.byIndex("byName", "cm").length, 2);
    assert.equal(informer.byIndex("byName", "cm", b.name).length, 1);
    assert.equal(informer.get(a.name, "cm")?.metadata?.namespace, a.name);
    assert.equal(informer.get("elsewhere", "cm"), undefined);
    assert.equal(seen.filter((s) => s === "add:cm").length, 2);
  });

  it("drives a work queue: handlers enqueue keys, workers reconcile them from the cache", async () => {
    const { name: ns, cluster } = await freshNamespace("inf-ctl");
    const pods = new Informer<V1Pod>(cluster.kc, {
      resource: Resources.pods,
      namespace: ns,
      indexers: { app: labelIndex(APP_LABEL) },
      log,
    });
    const queue = new WorkQueue<string>();
    // Pods map to the key of the app they belong to.
    pods.addHandlers(
      enqueueHandlers(queue, (p) => {
        const app = p.metadata?.labels?.[APP_LABEL];
        return app ? [`${p.metadata?.namespace}/${app}`] : [];
      }),
    );
    pods.start();
    stoppers.push(() => pods.stop());
    assert.equal(await waitForCacheSync([pods], 10_000), true);
    const reconciled = new Map<string, number>();
    const workers = runWorkers(queue, 2, async (key) => {
      const { namespace, name } = splitKey(key);
      reconciled.set(key, pods.byIndex("app", name, namespace).length);
    });
    const core = cluster.kc.makeApiClient(CoreV1Api);
    await core.createNamespacedPod({ namespace: ns, body: pod("app1-driver", { [APP_LABEL]: "app1" }) });
    await core.createNamespacedPod({ namespace: ns, body: pod("app1-exec-1", { [APP_LABEL]: "app1" }) });
    await core.createNamespacedPod({ namespace: ns, body: pod("unrelated", {}) });
    await eventually("app1 reconciled with both pods", () => reconciled.get(`${ns}/app1`) === 2);
    assert.deepEqual([...reconciled.keys()], [`${ns}/app1`]);
    queue.shutDown();
    await workers;
  });
});
