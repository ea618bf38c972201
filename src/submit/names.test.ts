import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  appNameLabel,
  defaultLocalDirUuid,
  deterministicUuid,
  driverConfigMapName,
  driverPodName,
  driverServiceName,
  executorPodTemplateConfigMapName,
  resourceNamePrefix,
  submissionIdentity,
} from "./names.js";

const base = {
  uid: "0b7f7f2e-6a3e-4c1b-9a55-5a8e1f7e0c11",
  namespace: "team-a",
  name: "spark-pi",
  attempt: 1,
  now: 1_700_000_000_000,
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("submissionIdentity", () => {
  it("has the shapes Spark and the kubeflow operator produce", () => {
    const identity = submissionIdentity(base);
    assert.match(identity.submissionId, UUID);
    assert.match(identity.uniqueId, /^[0-9a-f]{16}$/);
    assert.match(identity.appId, /^spark-[0-9a-f]{32}$/);
    assert.equal(identity.resourcePrefix, `spark-pi-${identity.uniqueId}`);
    assert.equal(identity.submitTimeMs, 1_700_000_000_000);
  });

  it("is the same for the same attempt, whatever the time", () => {
    const first = submissionIdentity(base);
    const again = submissionIdentity({ ...base, now: new Date(1_800_000_000_000) });
    assert.deepEqual({ ...again, submitTimeMs: 0 }, { ...first, submitTimeMs: 0 });
    assert.equal(again.submitTimeMs, 1_800_000_000_000);
  });

  it("differs between attempts, applications and namespaces", () => {
    const identities = [
      submissionIdentity(base),
      submissionIdentity({ ...base, attempt: 2 }),
      submissionIdentity({ ...base, uid: "other" }),
      submissionIdentity({ ...base, namespace: "team-b" }),
      submissionIdentity({ ...base, name: "spark-pi-2" }),
    ];
    for (const field of ["submissionId", "uniqueId", "appId"] as const) {
      assert.equal(new Set(identities.map((identity) => identity[field])).size, identities.length, field);
    }
  });

  it("keeps the app id, submission id and unique id independent", () => {
    const identity = submissionIdentity(base);
    assert.ok(!identity.appId.includes(identity.uniqueId));
    assert.ok(!identity.submissionId.replaceAll("-", "").startsWith(identity.uniqueId));
  });
});

describe("deterministicUuid", () => {
  it("is a stable version 5 UUID", () => {
    assert.match(deterministicUuid("x"), UUID);
    assert.equal(deterministicUuid("x"), deterministicUuid("x"));
    assert.notEqual(deterministicUuid("x"), deterministicUuid("y"));
  });
});

describe("resourceNamePrefix", () => {
  it("lowercases and replaces what a DNS name cannot hold", () => {
    assert.equal(resourceNamePrefix("My_App.v2", "abc"), "my-app-v2-abc");
    assert.equal(resourceNamePrefix("a  b", "1"), "a-b-1");
    assert.equal(resourceNamePrefix("Ünïcode 名前", "f0"), "n-code-f0");
  });

  it("drops a leading dash and turns a leading digit into x", () => {
    assert.equal(resourceNamePrefix("-app", "abc"), "app-abc");
    assert.equal(resourceNamePrefix("_app", "abc"), "app-abc");
    assert.equal(resourceNamePrefix("123app", "abc"), "x23app-abc");
    assert.equal(resourceNamePrefix("9", "abc"), "x-abc");
  });

  it("trims like Java before sanitising", () => {
    assert.equal(resourceNamePrefix("  app  ", "abc"), "app-abc");
  });
});

describe("appNameLabel", () => {
  it("sanitises like the prefix and keeps at most 63 characters", () => {
    assert.equal(appNameLabel("Spark.Pi"), "spark-pi");
    assert.equal(appNameLabel("a".repeat(80)), "a".repeat(63));
    assert.equal(appNameLabel("123"), "123");
  });

  it("never ends or starts with a dash after the cut", () => {
    const name = `${"a".repeat(62)}.b`;
    assert.equal(appNameLabel(name), "a".repeat(62));
    assert.equal(appNameLabel("-x-"), "x");
  });
});

describe("driverServiceName", () => {
  it("uses <prefix>-driver-svc when it fits 63 characters", () => {
    const identity = submissionIdentity(base);
    assert.equal(driverServiceName(identity), `spark-pi-${identity.uniqueId}-driver-svc`);
  });

  it("falls back to spark-<uniqueId>-driver-svc for long names", () => {
    const identity = submissionIdentity({ ...base, name: "a-rather-long-application-name-for-this" });
    assert.equal(driverServiceName(identity), `spark-${identity.uniqueId}-driver-svc`);
    assert.ok(driverServiceName(identity).length <= 63);
  });

  it("is exactly at the limit for a 63 character preferred name", () => {
    const identity = { resourcePrefix: "p".repeat(52), uniqueId: "0123456789abcdef" };
    assert.equal(driverServiceName(identity).length, 63);
    assert.equal(
      driverServiceName({ ...identity, resourcePrefix: "p".repeat(53) }),
      "spark-0123456789abcdef-driver-svc",
    );
  });

  it("always starts with a letter (a DNS-1035 label)", () => {
    const identity = submissionIdentity({ ...base, name: "42" });
    assert.match(driverServiceName(identity), /^[a-z]([-a-z0-9]*[a-z0-9])?$/);
  });
});

describe("config map names", () => {
  it("names the driver conf map spark-drv-<uniqueId>-conf-map", () => {
    assert.equal(
      driverConfigMapName({ uniqueId: "0123456789abcdef" }),
      "spark-drv-0123456789abcdef-conf-map",
    );
  });

  it("names the executor pod template map <prefix>-driver-podspec-conf-map (as Spark) within 253 characters", () => {
    assert.equal(
      executorPodTemplateConfigMapName({ resourcePrefix: "app-1" }),
      "app-1-driver-podspec-conf-map",
    );
    const long = executorPodTemplateConfigMapName({ resourcePrefix: "p".repeat(300) });
    assert.equal(long.length, 253);
    assert.ok(long.endsWith("-driver-podspec-conf-map"));
  });

  it("derives the default local dir from the submission", () => {
    const identity = submissionIdentity(base);
    assert.match(defaultLocalDirUuid(identity), UUID);
    assert.equal(defaultLocalDirUuid(identity), defaultLocalDirUuid(submissionIdentity(base)));
  });
});

describe("driverPodName", () => {
  it("prefers driver.podName, then sparkConf, then <app>-driver", () => {
    assert.equal(driverPodName("app", { driver: { podName: "custom" }, sparkConf: {} }), "custom");
    assert.equal(
      driverPodName("app", { driver: {}, sparkConf: { "spark.kubernetes.driver.pod.name": "from-conf" } }),
      "from-conf",
    );
    assert.equal(driverPodName("app", { driver: {} }), "app-driver");
  });
});

it("a spec change (new generation) yields a new identity even though the attempt count restarted", () => {
  const base = { uid: "u-1", namespace: "ns", name: "app", attempt: 1, now: 0 };
  const gen1 = submissionIdentity({ ...base, generation: 1 });
  const gen2 = submissionIdentity({ ...base, generation: 2 });
  assert.notEqual(gen1.submissionId, gen2.submissionId);
  assert.notEqual(gen1.uniqueId, gen2.uniqueId);
  assert.notEqual(gen1.appId, gen2.appId);
  assert.deepEqual(
    submissionIdentity({ ...base, generation: 1 }),
    gen1,
    "still deterministic per generation and attempt",
  );
});
