import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { CoreV1Api, CustomObjectsApi, type KubeConfig, type V1ConfigMap } from "@kubernetes/client-node";
import { jsonPatchStatus, jsonPointer, mergePatchCustomObject, mergePatchStatus } from "../src/kube/patch.js";
import {
  apiStatusCode,
  createIfAbsent,
  ignoreNotFound,
  isAlreadyExists,
  isConflict,
  retryOnConflict,
} from "../src/kube/retry.js";
import { freshNamespace, testCluster } from "./cluster.js";
import {
  WIDGET_GROUP as GROUP,
  installWidgetCrd,
  WIDGET_PLURAL as PLURAL,
  WIDGET_VERSION as VERSION,
  type Widget,
} from "./kube-helpers.js";

describe("retry helpers against the API server", { timeout: 60_000 }, () => {
  it("retryOnConflict re-reads and retries after a real 409 Conflict", async () => {
    const { name: ns, cluster } = await freshNamespace("rt");
    const core = cluster.kc.makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: "cm" }, data: { n: "0" } },
    });

    let attempts = 0;
    const result = await retryOnConflict(async () => {
      attempts++;
      const cm = await core.readNamespacedConfigMap({ namespace: ns, name: "cm" });
      if (attempts === 1) {
        // Someone else writes between our read and our write.
        await core.replaceNamespacedConfigMap({
          namespace: ns,
          name: "cm",
          body: { ...cm, data: { ...cm.data, other: "x" } },
        });
      }
      return core.replaceNamespacedConfigMap({
        namespace: ns,
        name: "cm",
        body: { ...cm, data: { ...cm.data, n: "1" } },
      });
    });
    assert.equal(attempts, 2);
    assert.deepEqual(result.data, { n: "1", other: "x" });
  });

  it("retryOnConflict gives up after its attempts and throws the conflict; other errors at once", async () => {
    const { name: ns, cluster } = await freshNamespace("rt-stale");
    const core = cluster.kc.makeApiClient(CoreV1Api);
    const stale = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "cm" } } });
    await core.replaceNamespacedConfigMap({
      namespace: ns,
      name: "cm",
      body: { ...stale, data: { a: "1" } },
    });
    let attempts = 0;
    const staleWrite = () => {
      attempts++;
      return core.replaceNamespacedConfigMap({ namespace: ns, name: "cm", body: stale });
    };
    await assert.rejects(retryOnConflict(staleWrite, { attempts: 3, delayMs: 1 }), (err) => isConflict(err));
    assert.equal(attempts, 3);

    attempts = 0;
    const missing = () => {
      attempts++;
      return core.readNamespacedConfigMap({ namespace: ns, name: "missing" });
    };
    await assert.rejects(retryOnConflict(missing), (err) => apiStatusCode(err) === 404);
    assert.equal(attempts, 1);
  });

  it("createIfAbsent returns the existing object on AlreadyExists; ignoreNotFound turns 404 into undefined", async () => {
    const { name: ns, cluster } = await freshNamespace("rt-cia");
    const core = cluster.kc.makeApiClient(CoreV1Api);
    const body: V1ConfigMap = { metadata: { name: "svc-conf" }, data: { v: "first" } };
    const create = (data: Record<string, string>) => () =>
      core.createNamespacedConfigMap({ namespace: ns, body: { ...body, data } });
    const read = () => core.readNamespacedConfigMap({ namespace: ns, name: "svc-conf" });

    const first = await createIfAbsent(create({ v: "first" }), read);
    assert.equal(first.created, true);
    const again = await createIfAbsent(create({ v: "second" }), read);
    assert.equal(again.created, false);
    assert.equal(again.object.data?.v, "first");
    await assert.rejects(core.createNamespacedConfigMap({ namespace: ns, body }), (err) =>
      isAlreadyExists(err),
    );

    assert.equal(
      await ignoreNotFound(core.readNamespacedConfigMap({ namespace: ns, name: "nope" })),
      undefined,
    );
    assert.equal((await ignoreNotFound(read()))?.data?.v, "first");
    await assert.rejects(
      ignoreNotFound(
        core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "Not_Valid" } } }),
      ),
      (err) => apiStatusCode(err) === 422,
    );
  });
});

describe("patch helpers against a CRD with a status subresource", { timeout: 60_000 }, () => {
  before(async () => installWidgetCrd((await testCluster()).kc));

  async function widget(
    kc: KubeConfig,
    namespace: string,
  ): Promise<{
    custom: CustomObjectsApi;
    ref: { group: string; version: string; plural: string; namespace: string; name: string };
  }> {
    const custom = kc.makeApiClient(CustomObjectsApi);
    await custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: PLURAL,
      body: { apiVersion: `${GROUP}/${VERSION}`, kind: "Widget", metadata: { name: "w" }, spec: { size: 1 } },
    });
    return { custom, ref: { group: GROUP, version: VERSION, plural: PLURAL, namespace, name: "w" } };
  }

  it("merge-patches the status: merges objects, deletes with null, leaves the spec alone", async () => {
    const { name: ns, cluster } = await freshNamespace("pt");
    const { custom, ref } = await widget(cluster.kc, ns);

    await mergePatchStatus(custom, ref, { state: "SUBMITTED", driver: { pod: "w-driver" }, attempts: 1 });
    const after = await mergePatchStatus<Widget>(custom, ref, {
      state: "RUNNING",
      driver: { ui: "w-ui" },
      attempts: null,
    });
    assert.deepEqual(after.status, { state: "RUNNING", driver: { pod: "w-driver", ui: "w-ui" } });
    assert.deepEqual(after.spec, { size: 1 });

    // The main resource ignores status changes when the CRD has a status subresource.
    const main = await mergePatchCustomObject<Widget>(custom, ref, {
      metadata: { labels: { "sparkoperator.k8s.io/app-name": "w" } },
      status: { state: "IGNORED" },
    });
    assert.equal(main.status?.state, "RUNNING");
    assert.equal(main.metadata?.labels?.["sparkoperator.k8s.io/app-name"], "w");
  });

  it("refuses a status merge-patch against a stale resourceVersion", async () => {
    const { name: ns, cluster } = await freshNamespace("pt-rv");
    const { custom, ref } = await widget(cluster.kc, ns);
    const seen = await mergePatchStatus<Widget>(custom, ref, { state: "SUBMITTED" });
    const rv = seen.metadata!.resourceVersion!;
    await mergePatchStatus(custom, ref, { state: "RUNNING" }, { resourceVersion: rv });
    await assert.rejects(mergePatchStatus(custom, ref, { state: "FAILED" }, { resourceVersion: rv }), (err) =>
      isConflict(err),
    );
    const current = (await custom.getNamespacedCustomObject(ref)) as Widget;
    assert.equal(current.status?.state, "RUNNING");
  });

  it("JSON-patches the status", async () => {
    const { name: ns, cluster } = await freshNamespace("pt-json");
    const { custom, ref } = await widget(cluster.kc, ns);
    await mergePatchStatus(custom, ref, { state: "RUNNING", executors: { "w-exec-1": "RUNNING" } });
    const after = await jsonPatchStatus<Widget>(custom, ref, [
      { op: "test", path: "/status/state", value: "RUNNING" },
      { op: "replace", path: "/status/state", value: "COMPLETED" },
      { op: "add", path: jsonPointer("status", "executors", "a/b~c"), value: "PENDING" },
    ]);
    assert.deepEqual(after.status, {
      state: "COMPLETED",
      executors: { "w-exec-1": "RUNNING", "a/b~c": "PENDING" },
    });
    await assert.rejects(
      jsonPatchStatus(custom, ref, [{ op: "test", path: "/status/state", value: "RUNNING" }]),
      (err) => apiStatusCode(err) === 422,
    );
  });
});
