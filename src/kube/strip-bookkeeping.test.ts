import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubernetesObject } from "@kubernetes/client-node";
import { LAST_APPLIED_ANNOTATION, stripBookkeeping } from "./informer.js";

test("stripBookkeeping drops managedFields and kubectl's last-applied copy, and keeps every other annotation", () => {
  const raw = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: "a",
      managedFields: [{ manager: "kubectl", operation: "Update" }],
      annotations: { [LAST_APPLIED_ANNOTATION]: '{"spec":{}}', "sparkplane.io/spec-hash": "abc" },
      labels: { x: "y" },
    },
  } as KubernetesObject;
  const slim = stripBookkeeping(raw);
  assert.deepEqual(slim.metadata, {
    name: "a",
    annotations: { "sparkplane.io/spec-hash": "abc" },
    labels: { x: "y" },
  });
});

test("stripBookkeeping leaves objects without bookkeeping as they are", () => {
  const raw = { metadata: { name: "b" } } as KubernetesObject;
  assert.deepEqual(stripBookkeeping(raw), { metadata: { name: "b" } });
  const bare = { metadata: { name: "c", annotations: { only: "this" } } } as KubernetesObject;
  assert.deepEqual(stripBookkeeping(bare).metadata?.annotations, { only: "this" });
});
