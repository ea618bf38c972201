import assert from "node:assert/strict";
import { test } from "node:test";
import { exampleLinks, versionedJarNames } from "./examples-layout.js";

test("versionedJarNames: every 3.x image's name (Scala 2.12 and 2.13) up to the provisioned minor", () => {
  const names = versionedJarNames("3.5.9");
  assert.ok(names.includes("jars/spark-examples_2.12-3.5.2.jar"), "seed 004 / ACK's 3.5.2 image");
  assert.ok(names.includes("jars/spark-examples_2.13-3.5.9.jar"));
  assert.ok(names.includes("jars/spark-examples_2.12-3.1.1.jar"), "kubeflow's older examples");
  assert.ok(!names.some((n) => n.includes("-3.6.")));
  assert.equal(names.length, 6 * 10 * 2);
});

test("versionedJarNames: Spark 4 is Scala 2.13 only; an unknown version has none", () => {
  const names = versionedJarNames("4.3.0");
  assert.ok(names.includes("jars/spark-examples_2.13-4.0.4.jar"));
  assert.ok(!names.some((n) => n.includes("_2.12-")));
  assert.deepEqual(versionedJarNames("user-provided"), []);
});

test("exampleLinks: the stand-in names link to our jar, relative within the dir", () => {
  const links = exampleLinks("3.5.9");
  assert.deepEqual(links[0], { path: "jars/spark-examples.jar", target: "sparkplane-examples.jar" });
  assert.equal(links.length, 1 + 120);
  assert.ok(links.every((l) => l.target === "sparkplane-examples.jar"));
});

test("exampleLinks: a user's distribution with its own examples jar wins over every stand-in", () => {
  const links = exampleLinks("user-provided", {
    examplesDir: "/opt/my-spark/examples",
    files: ["jars/spark-examples_2.12-3.5.1.jar", "jars/scopt_2.12-3.7.1.jar", "src/main/python/pi.py"],
  });
  assert.deepEqual(links, [
    {
      path: "jars/spark-examples_2.12-3.5.1.jar",
      target: "/opt/my-spark/examples/jars/spark-examples_2.12-3.5.1.jar",
    },
    { path: "jars/scopt_2.12-3.7.1.jar", target: "/opt/my-spark/examples/jars/scopt_2.12-3.7.1.jar" },
    { path: "src/main/python/pi.py", target: "/opt/my-spark/examples/src/main/python/pi.py" },
  ]);
});

test("exampleLinks: a distribution without an examples jar keeps the stand-in jar", () => {
  const links = exampleLinks("user-provided", {
    examplesDir: "/s/examples",
    files: ["src/main/python/pi.py"],
  });
  assert.deepEqual(
    links.map((l) => l.path),
    ["jars/spark-examples.jar", "src/main/python/pi.py"],
  );
});
