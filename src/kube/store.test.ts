import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubernetesObject } from "@kubernetes/client-node";
import { IndexedStore, labelIndex } from "./store.js";

const APP = "sparkoperator.k8s.io/app-name";

function obj(namespace: string, name: string, app?: string, resourceVersion = "1"): KubernetesObject {
  return { metadata: { namespace, name, resourceVersion, labels: app ? { [APP]: app } : {} } };
}

const names = (objs: KubernetesObject[]) =>
  objs.map((o) => `${o.metadata?.namespace}/${o.metadata?.name}`).sort();

describe("IndexedStore", () => {
  it("gets, lists by namespace, and looks up by label index", () => {
    const store = new IndexedStore({ app: labelIndex(APP) });
    store.upsert(obj("a", "d1", "x"));
    store.upsert(obj("a", "e1", "x"));
    store.upsert(obj("b", "d1", "x"));
    store.upsert(obj("b", "other"));
    assert.equal(store.get("a", "d1")?.metadata?.namespace, "a");
    assert.equal(store.get("c", "d1"), undefined);
    assert.deepEqual(names(store.list("b")), ["b/d1", "b/other"]);
    assert.equal(store.size, 4);
    assert.deepEqual(names(store.byIndex("app", "x")), ["a/d1", "a/e1", "b/d1"]);
    assert.deepEqual(names(store.byIndex("app", "x", "a")), ["a/d1", "a/e1"]);
    assert.deepEqual(store.byIndex("app", "nope"), []);
    assert.throws(() => store.byIndex("missing", "x"));
  });

  it("re-indexes on update and un-indexes on removal", () => {
    const store = new IndexedStore({ app: labelIndex(APP) });
    store.upsert(obj("a", "p", "x"));
    const old = store.upsert(obj("a", "p", "y", "2"));
    assert.equal(old?.metadata?.resourceVersion, "1");
    assert.deepEqual(store.byIndex("app", "x"), []);
    assert.deepEqual(names(store.byIndex("app", "y")), ["a/p"]);
    assert.equal(store.remove("a", "p")?.metadata?.name, "p");
    assert.equal(store.remove("a", "p"), undefined);
    assert.deepEqual(store.byIndex("app", "y"), []);
    assert.deepEqual(store.list(), []);
  });

  it("replace reports what a relist added, changed and removed", () => {
    const store = new IndexedStore({ app: labelIndex(APP) });
    store.upsert(obj("a", "same", "x"));
    store.upsert(obj("a", "changed", "x"));
    store.upsert(obj("a", "gone", "x"));
    const result = store.replace([
      obj("a", "same", "x"),
      obj("a", "changed", "x", "2"),
      obj("a", "new", "x"),
    ]);
    assert.deepEqual(names(result.added), ["a/new"]);
    assert.deepEqual(
      result.updated.map(([o, n]) => `${o.metadata?.resourceVersion}->${n.metadata?.resourceVersion}`),
      ["1->2"],
    );
    assert.deepEqual(names(result.deleted), ["a/gone"]);
    assert.deepEqual(names(store.byIndex("app", "x")), ["a/changed", "a/new", "a/same"]);
  });

  it("adds indexes later, filled from the objects already stored and kept up to date", () => {
    const store = new IndexedStore<KubernetesObject>();
    store.upsert(obj("a", "d1", "x"));
    store.upsert(obj("a", "d2", "y"));
    const byApp = labelIndex<KubernetesObject>(APP);
    store.addIndexers({ app: byApp });
    assert.deepEqual(names(store.byIndex("app", "x")), ["a/d1"]);
    store.upsert(obj("a", "d3", "x"));
    store.remove("a", "d1");
    assert.deepEqual(names(store.byIndex("app", "x")), ["a/d3"]);
    store.addIndexers({ app: byApp });
    assert.deepEqual(names(store.byIndex("app", "x")), ["a/d3"], "the same function again is a no-op");
    assert.throws(() => store.addIndexers({ app: labelIndex(APP) }), /index app already exists/);
  });
});
