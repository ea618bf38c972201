import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiException, CoreV1Api, type V1ConfigMap } from "@kubernetes/client-node";
import { JsonClient, MERGE_PATCH, namespacedPath } from "../src/kube/json-client.js";
import { apiStatusCode, createIfAbsent, isAlreadyExists, isConflict } from "../src/kube/retry.js";
import { freshNamespace } from "./cluster.js";

describe("JsonClient against the API server", { timeout: 60_000 }, () => {
  it("creates, reads, merge-patches and replaces with plain JSON; the typed client sees the same object", async () => {
    const { name: ns, cluster } = await freshNamespace("jc");
    const json = new JsonClient(cluster.kc);
    const path = namespacedPath("v1", ns, "configmaps");
    const created = await json.create<V1ConfigMap>(path, {
      metadata: { name: "cm", labels: { a: "1" } },
      data: { "spark.properties": "k=v\\n" },
    });
    assert.equal(created.metadata?.namespace, ns);
    assert.ok(created.metadata?.resourceVersion);
    // Timestamps stay strings: nothing is turned into model objects.
    assert.equal(typeof created.metadata?.creationTimestamp, "string");

    const patched = await json.request<V1ConfigMap>(
      "PATCH",
      namespacedPath("v1", ns, "configmaps", "cm"),
      { metadata: { labels: { b: "2" } } },
      MERGE_PATCH,
    );
    assert.deepEqual(patched.metadata?.labels, { a: "1", b: "2" });

    const replaced = await json.request<V1ConfigMap>("PUT", namespacedPath("v1", ns, "configmaps", "cm"), {
      ...patched,
      data: { x: "y" },
    });
    assert.deepEqual(replaced.data, { x: "y" });
    const typed = await cluster.kc
      .makeApiClient(CoreV1Api)
      .readNamespacedConfigMap({ namespace: ns, name: "cm" });
    assert.deepEqual(typed.data, { x: "y" });
    assert.equal(typed.metadata?.resourceVersion, replaced.metadata?.resourceVersion);
  });

  it("refusals are ApiExceptions that the retry helpers classify: AlreadyExists, Conflict, NotFound, Invalid", async () => {
    const { name: ns, cluster } = await freshNamespace("jc");
    const json = new JsonClient(cluster.kc);
    const path = namespacedPath("v1", ns, "configmaps");
    const cm = await json.create<V1ConfigMap>(path, { metadata: { name: "dup" } });

    const dup = await json.create(path, { metadata: { name: "dup" } }).catch((e: unknown) => e);
    assert.ok(dup instanceof ApiException);
    assert.equal(dup.code, 409);
    assert.ok(isAlreadyExists(dup));
    assert.match(dup.message, /already exists/);

    const stale = await json
      .request("PUT", namespacedPath("v1", ns, "configmaps", "dup"), {
        ...cm,
        metadata: { ...cm.metadata, resourceVersion: "1" },
      })
      .catch((e: unknown) => e);
    assert.ok(isConflict(stale), String(stale));

    const missing = await json.get(namespacedPath("v1", ns, "configmaps", "nope")).catch((e: unknown) => e);
    assert.equal(apiStatusCode(missing), 404);

    const invalid = await json.create(path, { metadata: { name: "Not_A_Name" } }).catch((e: unknown) => e);
    assert.equal(apiStatusCode(invalid), 422);
    assert.match((invalid as ApiException<string>).body, /Not_A_Name/);

    // createIfAbsent works with it as with the typed clients.
    const again = await createIfAbsent(
      () => json.create<V1ConfigMap>(path, { metadata: { name: "dup" } }),
      () => json.get<V1ConfigMap>(namespacedPath("v1", ns, "configmaps", "dup")),
    );
    assert.equal(again.created, false);
    assert.equal(again.object.metadata?.uid, cm.metadata?.uid);
  });
});
