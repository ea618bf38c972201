import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConfigError } from "./downward.js";
import { pod } from "./fixtures.test-helpers.js";
import type { SparkRuntime } from "./spark-image.js";
import { chooseSpark, SPARK_NOT_PROVISIONED_REASON, wantedSpark } from "./spark-version.js";

const rt = (version: string): SparkRuntime => ({
  version,
  sparkHome: `/spark/${version}`,
  python: "python3",
});
const PROVISIONED = [rt("3.5.9"), rt("4.3.0")];
const pick = (version: string | undefined, runtimes = PROVISIONED) =>
  chooseSpark(version === undefined ? undefined : { version, from: "test" }, runtimes).version;

describe("wantedSpark: what a pod asks for", () => {
  test("the spark-version label first, whatever the image says", () => {
    const p = pod({}, { labels: { "spark-version": "4.0.0" } });
    assert.deepEqual(wantedSpark(p, "spark:3.5.9"), {
      version: "4.0.0",
      from: "the pod's spark-version label",
    });
  });
  test("else a version at the start of the image tag", () => {
    for (const [image, version] of [
      ["spark:4.0.1", "4.0.1"],
      ["apache/spark:4.0.0-scala2.13-java17-python3-ubuntu", "4.0.0"],
      ["registry:5000/team/spark:3.5", "3.5"],
      ["spark:3.5.2@sha256:abc", "3.5.2"],
    ] as const)
      assert.equal(wantedSpark(pod(), image)?.version, version, image);
  });
  test("else nothing (the default Spark): no tag, latest, a tag that is not a version, a port only", () => {
    for (const image of ["spark", "spark:latest", "gcr.io/x/spark-py:v3", "registry:5000/spark", undefined])
      assert.equal(wantedSpark(pod(), image), undefined, String(image));
  });
  test("an empty label counts as absent", () => {
    assert.equal(wantedSpark(pod({}, { labels: { "spark-version": "" } }), "spark:4.3.0")?.version, "4.3.0");
  });
});

describe("chooseSpark: the provisioned Spark for a version", () => {
  test("nothing asked: the default (first) Spark", () => assert.equal(pick(undefined), "3.5.9"));
  test("an exact version", () => {
    assert.equal(pick("3.5.9"), "3.5.9");
    assert.equal(pick("4.3.0"), "4.3.0");
  });
  test("else the newest of the minor line, else the newest of the major", () => {
    const runtimes = [rt("3.5.9"), rt("4.0.5"), rt("4.3.0"), rt("4.1.2")];
    assert.equal(pick("4.1.0", runtimes), "4.1.2");
    assert.equal(pick("4.0.0", runtimes), "4.0.5");
    assert.equal(pick("4.2.0", runtimes), "4.3.0");
    assert.equal(pick("4", runtimes), "4.3.0");
    assert.equal(pick("3.4.1", runtimes), "3.5.9");
    assert.equal(pick("3.5.3"), "3.5.9");
  });
  test("another major: an error naming the version, its source and what is provisioned", () => {
    assert.throws(
      () => chooseSpark({ version: "2.4.8", from: "the pod's spark-version label" }, PROVISIONED),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.reason === SPARK_NOT_PROVISIONED_REASON &&
        /^spec\.sparkVersion: Spark 2\.4\.8 \(the pod's spark-version label\)/.test(err.message) &&
        /has Spark 3\.5\.9, 4\.3\.0: Spark 2\.x does not run here/.test(err.message) &&
        /set spec\.sparkVersion \(and the image\) to a version of Spark 3 or 4$/.test(err.message),
    );
    assert.throws(
      () => pick("4.0.0", [rt("3.5.9")]),
      /spec\.sparkVersion: Spark 4\.0\.0 .*has Spark 3\.5\.9: run `sparkplane provision` to add Spark 4\.3\.0/,
    );
    assert.throws(() => pick("not-a-version"), /Spark not-a-version/);
  });
  test("another version of a provisioned line: a note naming both and the rule", () => {
    const c = chooseSpark({ version: "4.0.4", from: "the pod's spark-version label" }, PROVISIONED);
    assert.equal(c.version, "4.3.0");
    assert.equal(
      c.note,
      "Spark 4.0.4 (the pod's spark-version label, from spec.sparkVersion) runs on the provisioned Spark 4.3.0, " +
        "the newest of its major here (provisioned: 3.5.9, 4.3.0)",
    );
    assert.match(
      chooseSpark({ version: "3.5.2", from: "x" }, PROVISIONED).note ?? "",
      /newest of its minor line/,
    );
    assert.equal(chooseSpark({ version: "3.5.9", from: "x" }, PROVISIONED).note, undefined);
    assert.equal(chooseSpark(undefined, PROVISIONED).note, undefined);
  });
  test("nothing provisioned: an error saying to provision", () =>
    assert.throws(() => pick(undefined, []), /Spark is not provisioned: run `sparkplane provision`/));
  test("a user's SPARK_HOME (unknown version) serves what no other runtime matches", () => {
    const runtimes = [rt("user-provided"), rt("4.3.0")];
    assert.equal(pick(undefined, runtimes), "user-provided");
    assert.equal(pick("3.5.1", runtimes), "user-provided");
    assert.equal(pick("4.0.0", runtimes), "4.3.0");
  });
});
