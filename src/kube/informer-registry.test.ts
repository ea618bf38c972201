import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KubeConfig, type KubernetesObject } from "@kubernetes/client-node";
import { InformerRegistry, type InformerSpec } from "./informer-registry.js";
import { silentLog } from "./log.js";
import { labelIndex } from "./store.js";

/** A KubeConfig for a port nothing listens on: informers are created here, never synced. */
function unreachable(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "c", server: "https://127.0.0.1:1", skipTLSVerify: true }],
    users: [{ name: "u", token: "t" }],
    contexts: [{ name: "x", cluster: "c", user: "u" }],
    currentContext: "x",
  });
  return kc;
}

const PODS: InformerSpec = {
  key: "pods/spark",
  resource: { apiVersion: "v1", kind: "Pod", plural: "pods" },
  labelSelector: "spark-role",
};
const byApp = labelIndex<KubernetesObject>("app");
const byRole = labelIndex<KubernetesObject>("spark-role");

describe("InformerRegistry", () => {
  it("gives everyone asking for a spec the same informer, with every requester's indexes", () => {
    const registry = new InformerRegistry(unreachable(), { log: silentLog });
    const first = registry.informer(PODS, { app: byApp });
    const second = registry.informer(PODS, { role: byRole });
    assert.equal(first, second);
    assert.deepEqual(first.byIndex("app", "x"), []);
    assert.deepEqual(first.byIndex("role", "driver"), []);
    assert.deepEqual(registry.keys(), ["pods/spark"]);
  });

  it("refuses a second spec under a taken key, and one index name for two functions", () => {
    const registry = new InformerRegistry(unreachable(), { log: silentLog });
    registry.informer(PODS, { app: byApp });
    assert.throws(() => registry.informer({ ...PODS }), /pods\/spark: requested with two different specs/);
    assert.throws(
      () => registry.informer(PODS, { app: labelIndex("app") }),
      /index app already exists with another function/,
    );
  });

  it("creates no informer after it started, but hands out the ones it has", async () => {
    const registry = new InformerRegistry(unreachable(), { log: silentLog, namespaces: ["a", "b"] });
    const pods = registry.informer(PODS);
    registry.start();
    try {
      assert.equal(registry.informer(PODS), pods);
      assert.throws(
        () =>
          registry.informer({
            key: "services",
            resource: { apiVersion: "v1", kind: "Service", plural: "services" },
          }),
        /services: requested after the registry started/,
      );
      assert.equal(registry.hasSynced(), false);
      assert.deepEqual(registry.unsynced(), ["pods/spark"]);
      assert.equal(await registry.waitForSync(50), false);
    } finally {
      await registry.stop();
    }
  });
});
