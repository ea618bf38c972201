import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { buildContainerRun, type RunContext, rewritePaths } from "./container-spec.js";
import { ConfigError } from "./downward.js";
import { lookup, pod, runtime } from "./fixtures.test-helpers.js";
import type { VolumePlan } from "./volumes.js";

const ctx: RunContext = {
  api: { host: "127.0.0.1", port: 6443 },
  imageRules: [],
  sparks: [
    {
      version: "3.5.9",
      sparkHome: "/cache/pyspark",
      python: "/cache/venv/bin/python",
      examplesDir: "/cache/examples",
    },
    {
      version: "4.3.0",
      sparkHome: "/cache/pyspark4",
      python: "/cache/venv4/bin/python",
      examplesDir: "/cache/ex4",
    },
  ],
  sparkplane: { node: "/usr/local/bin/node", root: "/src/sparkplane" },
  hostPath: "/usr/bin:/bin",
  namespaces: true,
};
const paths = { podDir: "/state/pods/uid-1", hostsFile: "/state/pods/uid-1/hosts" };
const data = lookup({ "configMap/cfg": { key: "from-config" } });
const plans: VolumePlan[] = [{ name: "config", kind: "files", files: [] }];

describe("buildContainerRun", () => {
  test("a busybox pod: host command, env with fieldRef, configMap mount, hosts file, per-container work dir", () => {
    const c = {
      name: "main",
      image: "busybox",
      command: ["sh", "-c", "echo hello $(MY_POD_IP); cat /etc/config/key"],
      env: [{ name: "MY_POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } }],
      volumeMounts: [{ name: "config", mountPath: "/etc/config" }],
    };
    const run = buildContainerRun(pod({ containers: [c] }), c, plans, paths, runtime, data, ctx);
    assert.equal(run.kind, "host");
    assert.deepEqual(run.argv, ["sh", "-c", "echo hello 127.9.1.2; cat /etc/config/key"]);
    assert.equal(run.env.MY_POD_IP, "127.9.1.2");
    assert.equal(run.env.PATH, "/usr/bin:/bin");
    assert.equal(run.env.HOSTNAME, "p");
    assert.equal(run.env.KUBERNETES_SERVICE_HOST, "127.0.0.1");
    assert.equal(run.workingDir, "/state/pods/uid-1/work/main");
    assert.equal(run.hostname, "p");
    assert.deepEqual(run.mounts, [
      { source: "/state/pods/uid-1/hosts", target: "/etc/hosts", readOnly: true },
      {
        source: "/state/pods/uid-1/volumes/config",
        target: "/etc/config",
        readOnly: true,
        createSource: false,
      },
    ]);
  });
  test("args alone are the command; workingDir and PATH from the pod win", () => {
    const c = {
      name: "c",
      image: "alpine:3",
      args: ["ls", "-l"],
      workingDir: "/tmp",
      env: [{ name: "PATH", value: "/custom" }],
    };
    const run = buildContainerRun(pod({ containers: [c] }), c, [], paths, runtime, data, ctx);
    assert.deepEqual(run.argv, ["ls", "-l"]);
    assert.equal(run.workingDir, "/tmp");
    assert.equal(run.env.PATH, "/custom");
  });
  test("a Spark executor pod: entrypoint emulation, Spark env, image layout mounts", () => {
    const c = {
      name: "spark-kubernetes-executor",
      image: "apache/spark:3.5.1",
      args: ["executor"],
      env: [
        { name: "SPARK_EXECUTOR_ID", value: "1" },
        { name: "SPARK_EXECUTOR_POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
        { name: "SPARK_CONF_DIR", value: "/opt/spark/conf" },
      ],
    };
    const run = buildContainerRun(pod({ containers: [c] }), c, [], paths, runtime, data, ctx);
    assert.equal(run.kind, "spark");
    assert.equal(run.argv[0], "java");
    assert.equal(run.argv[run.argv.indexOf("--hostname") + 1], "127.9.1.2");
    assert.equal(
      run.argv[run.argv.indexOf("-cp") + 1],
      "/opt/spark/conf:/cache/pyspark/jars/*:/opt/spark/work-dir",
    );
    assert.equal(run.workingDir, "/opt/spark/work-dir");
    assert.equal(run.env.SPARK_HOME, "/cache/pyspark");
    assert.ok(run.mounts.some((m) => m.target === "/opt/spark/examples" && m.source === "/cache/examples"));
    assert.ok(
      run.mounts.some(
        (m) =>
          m.target === "/opt/spark/work-dir" &&
          m.source === "/state/pods/uid-1/work/spark-kubernetes-executor",
      ),
    );
  });
  test("a Spark image without provisioned Spark is a config error", () => {
    const c = { name: "c", image: "spark:3.5.1", args: ["driver"] };
    assert.throws(
      () =>
        buildContainerRun(pod({ containers: [c] }), c, [], paths, runtime, data, {
          ...ctx,
          sparks: [],
        }),
      ConfigError,
    );
  });
  test("the pod's spark-version label picks the Spark: 4.0.0 runs on the provisioned 4.3.0, 3.5.3 on 3.5.9", () => {
    const c = { name: "spark-kubernetes-driver", image: "spark:3.5.9", args: ["driver"] };
    const home = (version: string) => {
      const p = pod({ containers: [c] }, { labels: { "spark-version": version } });
      return buildContainerRun(p, c, [], paths, runtime, data, ctx).env.SPARK_HOME;
    };
    assert.equal(home("4.0.0"), "/cache/pyspark4");
    assert.equal(home("3.5.3"), "/cache/pyspark");
    assert.throws(() => home("2.4.8"), /Spark 2\.4\.8 .*label.*has Spark 3\.5\.9, 4\.3\.0/);
  });
  test("sparkplane's operator image: the chart's container runs this checkout's operator with its args", () => {
    const c = {
      name: "controller",
      image: "ghcr.io/sparkplane/sparkplane:0.1.0",
      args: ["--leader-elect", "--metrics-host=$(POD_IP)"],
      env: [{ name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } }],
      volumeMounts: [{ name: "config", mountPath: "/etc/config" }],
    };
    const run = buildContainerRun(pod({ containers: [c] }), c, plans, paths, runtime, data, ctx);
    assert.equal(run.kind, "sparkplane");
    assert.deepEqual(run.argv, [
      "/usr/local/bin/node",
      "--optimize-for-size",
      "/app/bin/sparkplane.js",
      "operator",
      "--leader-elect",
      "--metrics-host=127.9.1.2",
    ]);
    assert.equal(run.workingDir, "/app");
    assert.equal(run.env.KUBERNETES_SERVICE_HOST, "127.0.0.1");
    assert.equal(run.env.SPARK_HOME, undefined);
    assert.deepEqual(
      run.mounts.map((m) => m.target),
      ["/etc/hosts", "/app", "/etc/config"],
    );
    assert.deepEqual(run.mounts[1], { source: "/src/sparkplane", target: "/app", readOnly: true });
    const flat = buildContainerRun(pod({ containers: [c] }), c, plans, paths, runtime, data, {
      ...ctx,
      namespaces: false,
    });
    assert.equal(
      flat.argv[2],
      "/src/sparkplane/bin/sparkplane.js",
      "without namespaces: the checkout itself",
    );
    assert.equal(flat.workingDir, "/src/sparkplane");
  });
  test("Argo's executor image: its commands find the built argoexec first on PATH, then the host's", () => {
    const argoCtx = { ...ctx, argo: { binDir: "/cache/argo/v3.7.9/bin" } };
    const init = {
      name: "init",
      image: "quay.io/argoproj/argoexec:v3.7.9",
      command: ["argoexec", "init", "--loglevel", "info"],
    };
    const run = buildContainerRun(pod({ containers: [init] }), init, [], paths, runtime, data, argoCtx);
    assert.equal(run.kind, "argoexec");
    assert.deepEqual(run.argv, ["argoexec", "init", "--loglevel", "info"]);
    assert.equal(run.env.PATH, "/cache/argo/v3.7.9/bin:/usr/bin:/bin");
    const bare = { name: "x", image: "quay.io/argoproj/argoexec:v3.7.9", args: ["version"] };
    assert.deepEqual(
      buildContainerRun(pod({ containers: [bare] }), bare, [], paths, runtime, data, argoCtx).argv,
      ["argoexec", "version"],
    );
    assert.throws(
      () => buildContainerRun(pod({ containers: [init] }), init, [], paths, runtime, data, ctx),
      (e: unknown) =>
        e instanceof ConfigError && /Argo is not built: run `sparkplane provision`/.test(e.message),
    );
    const noNamespaces = { ...argoCtx, namespaces: false };
    assert.throws(
      () => buildContainerRun(pod({ containers: [init] }), init, [], paths, runtime, data, noNamespaces),
      (e: unknown) => e instanceof ConfigError && /needs the agent's mount namespaces/.test(e.message),
    );
  });
  test("without namespaces, mount targets in argv, env and working dir become their sources", () => {
    const c = {
      name: "spark-kubernetes-driver",
      image: "spark",
      args: [
        "driver",
        "--properties-file",
        "/opt/spark/conf/spark.properties",
        "local:///opt/spark/examples/pi.py",
      ],
      env: [{ name: "SPARK_CONF_DIR", value: "/opt/spark/conf" }],
      volumeMounts: [{ name: "spark-conf-volume-driver", mountPath: "/opt/spark/conf" }],
    };
    const run = buildContainerRun(
      pod({ containers: [c] }),
      c,
      [{ name: "spark-conf-volume-driver", kind: "files", files: [] }],
      paths,
      runtime,
      data,
      {
        ...ctx,
        namespaces: false,
      },
    );
    assert.deepEqual(run.mounts, []);
    assert.ok(run.argv.includes("/state/pods/uid-1/volumes/spark-conf-volume-driver/spark.properties"));
    assert.ok(run.argv.includes("local:///cache/examples/pi.py"));
    assert.equal(run.env.SPARK_CONF_DIR, "/state/pods/uid-1/volumes/spark-conf-volume-driver");
    assert.equal(run.workingDir, "/state/pods/uid-1/work/spark-kubernetes-driver");
  });
});

describe("rewritePaths", () => {
  const mounts = [
    { source: "/v/conf", target: "/opt/spark/conf", readOnly: true },
    { source: "/v/spark", target: "/opt/spark", readOnly: true },
  ];
  test("longest target first, only at path boundaries", () => {
    assert.equal(rewritePaths("/opt/spark/conf/x", mounts), "/v/conf/x");
    assert.equal(rewritePaths("/opt/spark/jars/*:/opt/spark/conf", mounts), "/v/spark/jars/*:/v/conf");
    assert.equal(rewritePaths("/opt/sparkling", mounts), "/opt/sparkling");
    assert.equal(rewritePaths("--conf=/opt/spark", mounts), "--conf=/v/spark");
  });
});
