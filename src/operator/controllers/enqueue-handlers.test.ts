import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubernetesObject } from "@kubernetes/client-node";
import { enqueueHandlers } from "./enqueue-handlers.js";

const obj = (namespace: string | undefined, name: string, labels: Record<string, string> = {}) =>
  ({ metadata: { namespace, name, labels } }) as KubernetesObject;

test("enqueueHandlers: the object's own key on add, update and delete by default", () => {
  const added: string[] = [];
  const h = enqueueHandlers({ add: (k) => added.push(k) });
  h.onAdd?.(obj("ns", "a"));
  h.onUpdate?.(obj("ns", "a"), obj("ns", "b"));
  h.onDelete?.(obj(undefined, "queue"));
  assert.deepEqual(added, ["ns/a", "ns/b", "queue"]);
});

test("enqueueHandlers: a key function that skips objects, and deletes ignored or handed over", () => {
  const added: string[] = [];
  const forgotten: string[] = [];
  const byApp = (o: KubernetesObject) => {
    const app = o.metadata?.labels?.app;
    return app ? `${o.metadata?.namespace}/${app}` : undefined;
  };
  const h = enqueueHandlers(
    { add: (k) => added.push(k) },
    { keyOf: byApp, onDelete: (k) => forgotten.push(k) },
  );
  h.onAdd?.(obj("ns", "pod-1", { app: "pi" }));
  h.onAdd?.(obj("ns", "other"));
  h.onDelete?.(obj("ns", "pod-1", { app: "pi" }));
  h.onDelete?.(obj("ns", "other"));
  assert.deepEqual(added, ["ns/pi"]);
  assert.deepEqual(forgotten, ["ns/pi"]);
  assert.equal(enqueueHandlers({ add: () => {} }, { onDelete: "ignore" }).onDelete, undefined);
});
