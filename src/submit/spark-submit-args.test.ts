import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { javaApp, MASTER, pythonApp } from "./fixtures.test-helpers.js";
import { buildSparkSubmitArgs, sparkSubmitArgv } from "./spark-submit-args.js";

const SUBMISSION = "11111111-2222-5333-8444-555555555555";
const context = { master: MASTER, submissionId: SUBMISSION };

/** The --conf values of an argv. */
const confs = (argv: string[]) => argv.flatMap((arg, i) => (argv[i - 1] === "--conf" ? [arg] : []));

describe("sparkSubmitArgv", () => {
  it("orders options as the kubeflow operator does", () => {
    assert.deepEqual(
      sparkSubmitArgv({
        master: MASTER,
        deployMode: "cluster",
        mainClass: "Main",
        name: "app",
        jars: "a.jar",
        packages: "g:a:1",
        excludePackages: "g:x",
        repositories: "https://r",
        pyFiles: "p.zip",
        files: "f",
        archives: "z.tgz",
        conf: [
          ["spark.a", "1"],
          ["spark.b", "x=y"],
        ],
        proxyUser: "alice",
        mainApplicationFile: "local:///app.jar",
        arguments: ["--x", "1"],
      }),
      [
        "--master",
        MASTER,
        "--deploy-mode",
        "cluster",
        "--class",
        "Main",
        "--name",
        "app",
        "--jars",
        "a.jar",
        "--packages",
        "g:a:1",
        "--exclude-packages",
        "g:x",
        "--repositories",
        "https://r",
        "--py-files",
        "p.zip",
        "--files",
        "f",
        "--archives",
        "z.tgz",
        "--conf",
        "spark.a=1",
        "--conf",
        "spark.b=x=y",
        "--proxy-user",
        "alice",
        "local:///app.jar",
        "--x",
        "1",
      ],
    );
  });
});

describe("buildSparkSubmitArgs", () => {
  it("submits a Java app", () => {
    const argv = buildSparkSubmitArgs(javaApp(), context);
    assert.deepEqual(argv.slice(0, 8), [
      "--master",
      MASTER,
      "--deploy-mode",
      "cluster",
      "--class",
      "org.apache.spark.examples.SparkPi",
      "--name",
      "spark-pi",
    ]);
    assert.deepEqual(argv.slice(-2), ["local:///opt/spark/examples/jars/spark-examples.jar", "1000"]);
    assert.ok(confs(argv).includes("spark.kubernetes.namespace=team-a"));
    assert.ok(confs(argv).includes("spark.kubernetes.driver.pod.name=spark-pi-driver"));
    assert.ok(
      confs(argv).includes(`spark.kubernetes.driver.label.sparkoperator.k8s.io/submission-id=${SUBMISSION}`),
    );
  });

  it("submits a Python app without --class", () => {
    const argv = buildSparkSubmitArgs(pythonApp({ deps: { pyFiles: ["local:///opt/dep.zip"] } }), context);
    assert.equal(argv.includes("--class"), false);
    assert.deepEqual(argv.slice(argv.indexOf("--py-files"), argv.indexOf("--py-files") + 2), [
      "--py-files",
      "local:///opt/dep.zip",
    ]);
    assert.deepEqual(argv.slice(-2), ["local:///opt/app/pi.py", "1000"]);
  });

  it("puts --proxy-user after the confs and before the application file", () => {
    const argv = buildSparkSubmitArgs(javaApp({ proxyUser: "alice" }), context);
    const at = argv.indexOf("--proxy-user");
    assert.deepEqual(argv.slice(at), [
      "--proxy-user",
      "alice",
      "local:///opt/spark/examples/jars/spark-examples.jar",
      "1000",
    ]);
    assert.equal(argv[at - 2], "--conf");
  });

  it("references pod template files written by the runner", () => {
    const argv = buildSparkSubmitArgs(javaApp(), {
      ...context,
      executorPodTemplateFile: "/tmp/e.yaml",
      driverPodTemplateFile: "/tmp/d.yaml",
    });
    assert.ok(confs(argv).includes("spark.kubernetes.executor.podTemplateFile=/tmp/e.yaml"));
    assert.ok(confs(argv).includes("spark.kubernetes.driver.podTemplateFile=/tmp/d.yaml"));
  });
});
