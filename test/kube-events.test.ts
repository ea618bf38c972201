import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CoreV1Api } from "@kubernetes/client-node";
import { EventRecorder } from "../src/kube/events.js";
import { type KubeLog, silentLog } from "../src/kube/log.js";
import { freshNamespace } from "./cluster.js";

describe("EventRecorder against the API server", { timeout: 60_000 }, () => {
  it("creates Events about an object and aggregates identical ones into a count", async () => {
    const { name: ns, cluster } = await freshNamespace("ev");
    const core = cluster.kc.makeApiClient(CoreV1Api);
    const cm = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "app" } } });
    const involved = { ...cm, apiVersion: "v1", kind: "ConfigMap" };
    const recorder = new EventRecorder(cluster.kc, { log: silentLog });

    recorder.event(involved, "Normal", "SparkApplicationAdded", "added");
    recorder.event(involved, "Normal", "SparkApplicationAdded", "added");
    recorder.event(involved, "Warning", "SparkDriverFailed", "driver failed");
    recorder.event(involved, "Normal", "SparkApplicationAdded", "added");
    await recorder.flush();

    const events = (await core.listNamespacedEvent({ namespace: ns })).items;
    assert.equal(events.length, 2);
    const added = events.find((e) => e.reason === "SparkApplicationAdded")!;
    assert.equal(added.count, 3);
    assert.equal(added.type, "Normal");
    assert.equal(added.message, "added");
    assert.equal(added.reportingComponent, "sparkplane-operator");
    assert.equal(added.source?.component, "sparkplane-operator");
    assert.deepEqual(
      [added.involvedObject.kind, added.involvedObject.name, added.involvedObject.uid],
      ["ConfigMap", "app", cm.metadata?.uid],
    );
    assert.ok(new Date(added.lastTimestamp!).getTime() >= new Date(added.firstTimestamp!).getTime());
    const failed = events.find((e) => e.reason === "SparkDriverFailed")!;
    assert.equal(failed.type, "Warning");
    assert.equal(failed.count, 1);
  });

  it("starts a new Event when the aggregated one is gone, and forgets beyond its cache size", async () => {
    const { name: ns, cluster } = await freshNamespace("ev-cache");
    const core = cluster.kc.makeApiClient(CoreV1Api);
    const ref = { apiVersion: "v1", kind: "Pod", name: "driver", namespace: ns, uid: "u-1" };
    const recorder = new EventRecorder(cluster.kc, { cacheSize: 1, log: silentLog });

    recorder.event(ref, "Normal", "A", "one");
    await recorder.flush();
    const [first] = (await core.listNamespacedEvent({ namespace: ns })).items;
    await core.deleteNamespacedEvent({ namespace: ns, name: first!.metadata!.name! });
    recorder.event(ref, "Normal", "A", "one"); // its Event is gone: created anew
    recorder.event(ref, "Normal", "B", "two"); // evicts A from the one-entry cache
    recorder.event(ref, "Normal", "A", "one"); // so this is a new Event too
    await recorder.flush();
    const events = (await core.listNamespacedEvent({ namespace: ns })).items;
    assert.deepEqual(events.map((e) => `${e.reason}:${e.count}`).sort(), ["A:1", "A:1", "B:1"]);
  });

  it("never throws at the caller: failures are logged and the event dropped", async () => {
    const { cluster } = await freshNamespace("ev-fail");
    const warnings: string[] = [];
    const log: KubeLog = { ...silentLog, warn: (_f, msg) => warnings.push(msg) };
    const recorder = new EventRecorder(cluster.kc, { log, maxPending: 2 });
    const nowhere = { apiVersion: "v1", kind: "Pod", name: "p", namespace: "no-such-namespace-here" };
    recorder.event(nowhere, "Warning", "X", "x");
    recorder.event(nowhere, "Warning", "X", "x");
    recorder.event(nowhere, "Warning", "X", "x"); // over maxPending
    recorder.event({ kind: "Pod" }, "Normal", "Y", "no name");
    await recorder.flush();
    assert.deepEqual(warnings.sort(), [
      "events: could not record; dropped",
      "events: could not record; dropped",
      "events: dropped an event about an object without a name",
      "events: too many pending; dropped",
    ]);
  });
});
