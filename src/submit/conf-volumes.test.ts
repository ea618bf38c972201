import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { confVolumes, prefixedEntries, secretKeyRefEnv, secretMounts } from "./conf-volumes.js";

const PREFIX = "spark.kubernetes.driver.volumes.";
const context = { resourcePrefix: "app-0123", appId: "spark-abc" };
const conf = (entries: Record<string, string>) => new Map(Object.entries(entries));
const volumes = (entries: Record<string, string>) =>
  confVolumes(
    conf(Object.fromEntries(Object.entries(entries).map(([k, v]) => [`${PREFIX}${k}`, v]))),
    PREFIX,
    context,
  );

describe("prefixedEntries", () => {
  it("strips the prefix and sorts", () => {
    assert.deepEqual(prefixedEntries(conf({ "p.b": "2", "p.a": "1", q: "x" }), "p."), [
      ["a", "1"],
      ["b", "2"],
    ]);
  });
});

describe("secrets", () => {
  it("mounts each secret as <name>-volume", () => {
    assert.deepEqual(secretMounts(conf({ "s.creds": "/mnt/c", "s.tls": "/mnt/t" }), "s."), {
      volumes: [
        { name: "creds-volume", secret: { secretName: "creds" } },
        { name: "tls-volume", secret: { secretName: "tls" } },
      ],
      mounts: [
        { name: "creds-volume", mountPath: "/mnt/c" },
        { name: "tls-volume", mountPath: "/mnt/t" },
      ],
    });
  });

  it("reads name:key references and rejects anything else", () => {
    assert.deepEqual(secretKeyRefEnv(conf({ "r.PW": "db:password" }), "r."), [
      { name: "PW", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
    ]);
    for (const bad of ["db", "db:", "a:b:c"]) {
      assert.throws(() => secretKeyRefEnv(conf({ "r.PW": bad }), "r."), /name:key/, bad);
    }
  });
});

describe("confVolumes", () => {
  it("builds every volume type Spark supports", () => {
    const result = volumes({
      "hostPath.logs.mount.path": "/logs",
      "hostPath.logs.options.path": "/var/log",
      "hostPath.logs.options.type": "Directory",
      "emptyDir.scratch.mount.path": "/scratch",
      "emptyDir.scratch.options.medium": "Memory",
      "emptyDir.scratch.options.sizeLimit": "1Gi",
      "nfs.share.mount.path": "/share",
      "nfs.share.mount.subPath": "sub",
      "nfs.share.options.path": "/exports",
      "nfs.share.options.server": "nfs",
      "persistentVolumeClaim.data.mount.path": "/data",
      "persistentVolumeClaim.data.mount.readOnly": "TRUE",
      "persistentVolumeClaim.data.options.claimName": "existing",
    });
    assert.deepEqual(result.volumes, [
      { name: "scratch", emptyDir: { medium: "Memory", sizeLimit: "1Gi" } },
      { name: "logs", hostPath: { path: "/var/log", type: "Directory" } },
      { name: "share", nfs: { path: "/exports", server: "nfs" } },
      { name: "data", persistentVolumeClaim: { claimName: "existing", readOnly: true } },
    ]);
    assert.deepEqual(result.mounts, [
      { name: "scratch", mountPath: "/scratch" },
      { name: "logs", mountPath: "/logs" },
      { name: "share", mountPath: "/share", subPath: "sub" },
      { name: "data", mountPath: "/data", readOnly: true },
    ]);
    assert.deepEqual(result.claims, []);
  });

  it("creates OnDemand claims named after the driver", () => {
    const result = volumes({
      "persistentVolumeClaim.data.mount.path": "/data",
      "persistentVolumeClaim.data.options.claimName": "OnDemand",
      "persistentVolumeClaim.data.options.storageClass": "fast",
      "persistentVolumeClaim.data.options.sizeLimit": "5Gi",
      "persistentVolumeClaim.data.label.team": "a",
    });
    assert.deepEqual(result.volumes, [
      { name: "data", persistentVolumeClaim: { claimName: "app-0123-driver-pvc-0" } },
    ]);
    assert.deepEqual(result.claims, [
      {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name: "app-0123-driver-pvc-0", labels: { "spark-app-selector": "spark-abc", team: "a" } },
        spec: {
          storageClassName: "fast",
          accessModes: ["ReadWriteOncePod"],
          resources: { requests: { storage: "5Gi" } },
        },
      },
    ]);
  });

  it("rejects what Spark rejects", () => {
    assert.throws(() => volumes({ "hostPath.x.mount.path": "/x" }), /options.path is required/);
    assert.throws(() => volumes({ "emptyDir.x.options.medium": "Memory" }), /mount.path is required/);
    assert.throws(() => volumes({ "nfs.x.mount.path": "/x", "nfs.x.options.path": "/e" }), /options.server/);
    assert.throws(() => volumes({ "csi.x.mount.path": "/x" }), /`csi` is not supported/);
    assert.throws(
      () => volumes({ "emptyDir.a.mount.path": "/same", "emptyDir.b.mount.path": "/same" }),
      /Found duplicated mountPath: '\/same'/,
    );
    assert.throws(
      () => volumes({ "emptyDir.a.mount.path": "/a", "emptyDir.a.mount.readOnly": "yes" }),
      /boolean/,
    );
  });
});
