import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { V1Volume } from "@kubernetes/client-node";
import { ConfigError } from "./downward.js";
import { lookup, pod, runtime } from "./fixtures.test-helpers.js";
import { containerMounts, planVolume, type VolumePlan, volumeSource } from "./volumes.js";

const data = lookup({
  "configMap/cfg": { key: "value", "spark.properties": "a=b" },
  "configMap/kube-root-ca.crt": { "ca.crt": "PEM" },
  "secret/sec": { token: "t0k" },
});
const plan = (vol: V1Volume) =>
  planVolume(
    pod({ containers: [{ name: "c", resources: { limits: { memory: "1Gi" } } }] }),
    vol,
    runtime,
    data,
  );
const text = (p: VolumePlan) =>
  p.kind === "files"
    ? Object.fromEntries(p.files.map((f) => [f.path, f.content?.toString() ?? JSON.stringify(f.token)]))
    : undefined;

describe("planVolume", () => {
  test("configMap: all keys at 0644, or items with their own paths and modes", () => {
    const all = plan({ name: "v", configMap: { name: "cfg" } });
    assert.deepEqual(text(all), { key: "value", "spark.properties": "a=b" });
    assert.ok(all.kind === "files" && all.files.every((f) => f.mode === 0o644));
    const some = plan({
      name: "v",
      configMap: {
        name: "cfg",
        defaultMode: 0o600,
        items: [{ key: "key", path: "sub/renamed", mode: 0o400 }],
      },
    });
    assert.ok(some.kind === "files");
    assert.deepEqual(
      some.files.map((f) => [f.path, f.mode]),
      [["sub/renamed", 0o400]],
    );
  });
  test("missing objects and keys: errors unless optional", () => {
    assert.throws(() => plan({ name: "v", configMap: { name: "nope" } }), /configmap "nope" not found/);
    assert.deepEqual(text(plan({ name: "v", configMap: { name: "nope", optional: true } })), {});
    assert.throws(
      () => plan({ name: "v", secret: { secretName: "sec", items: [{ key: "x", path: "x" }] } }),
      /key "x" not found/,
    );
    assert.deepEqual(
      text(
        plan({ name: "v", secret: { secretName: "sec", optional: true, items: [{ key: "x", path: "x" }] } }),
      ),
      {},
    );
  });
  test("item paths must stay inside the volume", () => {
    assert.throws(
      () => plan({ name: "v", configMap: { name: "cfg", items: [{ key: "key", path: "../escape" }] } }),
      ConfigError,
    );
    assert.throws(
      () => plan({ name: "v", configMap: { name: "cfg", items: [{ key: "key", path: "/abs" }] } }),
      ConfigError,
    );
  });
  test("secret and downwardAPI", () => {
    assert.deepEqual(text(plan({ name: "v", secret: { secretName: "sec" } })), { token: "t0k" });
    const d = plan({
      name: "v",
      downwardAPI: {
        items: [
          { path: "labels", fieldRef: { fieldPath: "metadata.labels" } },
          { path: "ip", fieldRef: { fieldPath: "status.podIP" } },
          {
            path: "mem",
            resourceFieldRef: { containerName: "c", resource: "limits.memory", divisor: "1Mi" },
          },
        ],
      },
    });
    assert.deepEqual(text(d), { labels: 'app="demo"', ip: "127.9.1.2", mem: "1024" });
  });
  test("projected service-account volume (what the ServiceAccount admission plugin adds)", () => {
    const p = plan({
      name: "kube-api-access-x",
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
          { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
          {
            downwardAPI: {
              items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }],
            },
          },
        ],
      },
    });
    assert.deepEqual(text(p), { token: '{"expirationSeconds":3607}', "ca.crt": "PEM", namespace: "ns" });
    const aud = plan({
      name: "t",
      projected: { sources: [{ serviceAccountToken: { audience: "vault", path: "t" } }] },
    });
    assert.deepEqual(text(aud), { t: '{"audience":"vault","expirationSeconds":3600}' });
  });
  test("emptyDir, hostPath, unsupported", () => {
    assert.deepEqual(plan({ name: "v", emptyDir: { medium: "Memory" } }), {
      name: "v",
      kind: "emptyDir",
      medium: "Memory",
    });
    assert.deepEqual(plan({ name: "v", hostPath: { path: "/data", type: "DirectoryOrCreate" } }), {
      name: "v",
      kind: "hostPath",
      path: "/data",
      type: "DirectoryOrCreate",
    });
    const u = plan({ name: "v", persistentVolumeClaim: { claimName: "c" } });
    assert.equal(u.kind, "unsupported");
    assert.match((u as { reason: string }).reason, /persistentVolumeClaim/);
  });
});

describe("containerMounts", () => {
  const plans: VolumePlan[] = [
    { name: "conf", kind: "files", files: [] },
    { name: "scratch", kind: "emptyDir" },
    { name: "host", kind: "hostPath", path: "/srv/data", type: "" },
    { name: "pvc", kind: "unsupported", reason: "nope" },
  ];
  test("sources, read-only for agent-written volumes, subPath and subPathExpr", () => {
    const c = {
      name: "c",
      volumeMounts: [
        { name: "conf", mountPath: "/opt/spark/conf" },
        { name: "conf", mountPath: "/etc/app.conf", subPath: "app.conf" },
        { name: "scratch", mountPath: "/var/data/spark-1" },
        { name: "scratch", mountPath: "/logs", subPathExpr: "$(POD_NAME)" },
        { name: "host", mountPath: "/data", readOnly: true },
      ],
    };
    assert.deepEqual(containerMounts(c, plans, "/pods/u", { POD_NAME: "p1" }), [
      { source: "/pods/u/volumes/conf", target: "/opt/spark/conf", readOnly: true, createSource: false },
      {
        source: "/pods/u/volumes/conf/app.conf",
        target: "/etc/app.conf",
        readOnly: true,
        createSource: false,
      },
      {
        source: "/pods/u/volumes/scratch",
        target: "/var/data/spark-1",
        readOnly: false,
        createSource: false,
      },
      { source: "/pods/u/volumes/scratch/p1", target: "/logs", readOnly: false, createSource: true },
      { source: "/srv/data", target: "/data", readOnly: true, createSource: false },
    ]);
    assert.equal(volumeSource(plans[2]!, "/pods/u"), "/srv/data");
  });
  test("errors: unknown volume, unsupported volume, escaping subPath", () => {
    assert.throws(
      () => containerMounts({ name: "c", volumeMounts: [{ name: "x", mountPath: "/x" }] }, plans, "/p", {}),
      /refers to no volume/,
    );
    assert.throws(
      () => containerMounts({ name: "c", volumeMounts: [{ name: "pvc", mountPath: "/x" }] }, plans, "/p", {}),
      /nope/,
    );
    assert.throws(
      () =>
        containerMounts(
          { name: "c", volumeMounts: [{ name: "scratch", mountPath: "/x", subPath: "../../etc" }] },
          plans,
          "/p",
          {},
        ),
      ConfigError,
    );
  });
});
