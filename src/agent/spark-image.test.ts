import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  EXECUTOR_BACKEND,
  executorClasspath,
  type SparkRuntime,
  sparkArgv,
  sparkEnv,
  sparkJavaOpts,
  sparkMounts,
} from "./spark-image.js";

const spark: SparkRuntime = {
  version: "3.5.9",
  sparkHome: "/cache/pyspark",
  python: "/cache/venv/bin/python",
  examplesDir: "/cache/examples",
  connectJarsDir: "/cache/connect/jars",
  javaHome: "/usr/lib/jvm/java-17",
};

/** The environment Spark 3.5's executor pod builder sets (values as the driver would). */
const executorEnv: Record<string, string> = {
  SPARK_USER: "root",
  SPARK_DRIVER_URL: "spark://CoarseGrainedScheduler@spark-pi-driver-svc.ns.svc:7078",
  SPARK_EXECUTOR_CORES: "1",
  SPARK_EXECUTOR_MEMORY: "512m",
  SPARK_APPLICATION_ID: "spark-0123456789abcdef0123456789abcdef",
  SPARK_CONF_DIR: "/opt/spark/conf",
  SPARK_EXECUTOR_ID: "3",
  SPARK_RESOURCE_PROFILE_ID: "0",
  SPARK_JAVA_OPT_10: "-Dten",
  SPARK_JAVA_OPT_0: "-Dspark.driver.port=7078",
  SPARK_JAVA_OPT_2: "-Dtwo",
  SPARK_JAVA_OPT_1: "-Done",
  SPARK_EXECUTOR_POD_IP: "127.9.1.7",
  SPARK_EXECUTOR_POD_NAME: "spark-pi-abc-exec-3",
};

describe("executor", () => {
  test("java options in numeric order", () => {
    assert.deepEqual(sparkJavaOpts(executorEnv), ["-Dspark.driver.port=7078", "-Done", "-Dtwo", "-Dten"]);
    assert.deepEqual(sparkJavaOpts({ SPARK_JAVA_OPT_X: "no" }), []);
  });
  test("classpath order: conf dir, hadoop conf, SPARK_CLASSPATH, jars, extra, workdir, dist", () => {
    assert.equal(
      executorClasspath(executorEnv, "/sh", "/opt/spark/work-dir"),
      "/opt/spark/conf:/sh/jars/*:/opt/spark/work-dir",
    );
    assert.equal(
      executorClasspath(
        {
          SPARK_CONF_DIR: "/c",
          HADOOP_CONF_DIR: "/h",
          SPARK_CLASSPATH: "/x.jar",
          SPARK_EXTRA_CLASSPATH: "/e/*",
          SPARK_DIST_CLASSPATH: "/d",
        },
        "/sh",
        "/w",
      ),
      "/c:/h:/x.jar:/sh/jars/*:/e/*:/w:/d",
    );
  });
  test("argv of the `executor` command, as the image's entrypoint runs it", () => {
    assert.deepEqual(
      sparkArgv({ command: [], args: ["executor"] }, executorEnv, "127.9.1.7", spark, "/opt/spark/work-dir"),
      [
        "/usr/lib/jvm/java-17/bin/java",
        "-Dspark.driver.port=7078",
        "-Done",
        "-Dtwo",
        "-Dten",
        "-Xms512m",
        "-Xmx512m",
        "-cp",
        "/opt/spark/conf:/cache/pyspark/jars/*:/opt/spark/work-dir",
        EXECUTOR_BACKEND,
        "--driver-url",
        "spark://CoarseGrainedScheduler@spark-pi-driver-svc.ns.svc:7078",
        "--executor-id",
        "3",
        "--cores",
        "1",
        "--app-id",
        "spark-0123456789abcdef0123456789abcdef",
        "--hostname",
        "127.9.1.7",
        "--resourceProfileId",
        "0",
        "--podName",
        "spark-pi-abc-exec-3",
      ],
    );
  });
  test("java from PATH without JAVA_HOME; pod IP when SPARK_EXECUTOR_POD_IP is unset; no -Xmx without memory", () => {
    const argv = sparkArgv(
      { command: [], args: ["executor"] },
      { SPARK_EXECUTOR_ID: "1" },
      "127.9.1.8",
      { ...spark, javaHome: undefined },
      "/w",
    );
    assert.equal(argv[0], "java");
    assert.ok(!argv.some((a) => a.startsWith("-Xm")));
    assert.equal(argv[argv.indexOf("--hostname") + 1], "127.9.1.8");
  });
});

describe("driver and other commands", () => {
  test("driver: spark-submit in client mode bound to the pod IP", () => {
    const args = [
      "driver",
      "--properties-file",
      "/opt/spark/conf/spark.properties",
      "--class",
      "org.example.Pi",
      "spark-internal",
      "10",
    ];
    assert.deepEqual(
      sparkArgv({ command: [], args }, { SPARK_DRIVER_BIND_ADDRESS: "127.9.1.2" }, "127.9.1.99", spark, "/w"),
      [
        "/cache/pyspark/bin/spark-submit",
        "--conf",
        "spark.driver.bindAddress=127.9.1.2",
        "--conf",
        "spark.executorEnv.SPARK_DRIVER_POD_IP=127.9.1.2",
        "--conf",
        "spark.connect.grpc.binding.address=127.9.1.2",
        "--deploy-mode",
        "client",
        "--properties-file",
        "/opt/spark/conf/spark.properties",
        "--class",
        "org.example.Pi",
        "spark-internal",
        "10",
      ],
    );
    assert.equal(
      sparkArgv({ command: [], args: ["driver"] }, {}, "127.9.1.99", spark, "/w")[2],
      "spark.driver.bindAddress=127.9.1.99",
    );
  });
  test("an explicit /opt/entrypoint.sh is the entrypoint; other commands and args run as given", () => {
    assert.equal(
      sparkArgv({ command: ["/opt/entrypoint.sh"], args: ["driver"] }, {}, "ip", spark, "/w")[0],
      "/cache/pyspark/bin/spark-submit",
    );
    assert.deepEqual(
      sparkArgv({ command: ["/opt/spark/bin/spark-class"], args: ["x"] }, {}, "ip", spark, "/w"),
      ["/opt/spark/bin/spark-class", "x"],
    );
    assert.deepEqual(sparkArgv({ command: [], args: ["bash", "-c", "true"] }, {}, "ip", spark, "/w"), [
      "bash",
      "-c",
      "true",
    ]);
  });
});

describe("environment and mounts", () => {
  test("SPARK_HOME, JAVA_HOME, PATH, and the pyspark interpreter for generic python settings", () => {
    const env = sparkEnv(
      {
        PYSPARK_PYTHON: "python3",
        PYSPARK_DRIVER_PYTHON: "/custom/python",
        JAVA_HOME: "/opt/java/openjdk",
        X: "y",
      },
      spark,
      "/usr/bin:/bin",
      "127.9.1.4",
    );
    assert.equal(env.SPARK_HOME, "/cache/pyspark");
    assert.equal(env.JAVA_HOME, "/usr/lib/jvm/java-17");
    assert.equal(env.PATH, "/cache/venv/bin:/cache/pyspark/bin:/usr/bin:/bin");
    assert.equal(env.PYSPARK_PYTHON, "/cache/venv/bin/python");
    assert.equal(env.PYSPARK_DRIVER_PYTHON, "/custom/python");
    assert.equal(env.X, "y");
    assert.equal(env.SPARK_LOCAL_IP, "127.9.1.4");
    assert.equal(sparkEnv({ SPARK_LOCAL_IP: "0.0.0.0" }, spark, "/bin", "ip").SPARK_LOCAL_IP, "0.0.0.0");
    assert.ok(
      !(
        "JAVA_HOME" in sparkEnv({ JAVA_HOME: "/image/java" }, { ...spark, javaHome: undefined }, "/bin", "ip")
      ),
    );
    assert.equal(sparkEnv({}, spark, "/bin", "ip").PYSPARK_PYTHON, "/cache/venv/bin/python");
  });
  test("image layout under /opt/spark", () => {
    assert.deepEqual(
      sparkMounts(spark, "/pod/work/c").map((m) => [m.source, m.target, m.readOnly]),
      [
        ["/cache/pyspark/bin", "/opt/spark/bin", true],
        ["/cache/pyspark/sbin", "/opt/spark/sbin", true],
        ["/cache/pyspark/jars", "/opt/spark/jars", true],
        ["/cache/examples", "/opt/spark/examples", true],
        ["/cache/connect/jars", "/opt/spark/connect-jars", true],
        ["/pod/work/c", "/opt/spark/work-dir", false],
      ],
    );
  });
});
