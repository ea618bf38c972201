import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { SparkConnect } from "../../api/v1alpha1/sparkconnect.js";
import { asShell, clientModeEnv } from "./client-mode.js";
import { hostConnectURL } from "./connect.js";

describe("client mode settings", () => {
  const e = clientModeEnv({
    server: "https://127.0.0.1:6443",
    kubeconfig: "/s/kubeconfig",
    namespace: "ns",
    sparkHome: "/cache/pyspark",
    python: "/cache/venv/bin/python",
  });
  test("master, client mode, namespace, image, a loopback driver; the kubeconfig and interpreter as env", () => {
    assert.equal(e.sparkConf["spark.master"], "k8s://https://127.0.0.1:6443");
    assert.equal(e.sparkConf["spark.submit.deployMode"], "client");
    assert.equal(e.sparkConf["spark.kubernetes.namespace"], "ns");
    assert.match(e.sparkConf["spark.kubernetes.container.image"]!, /^spark:3\./);
    assert.equal(e.sparkConf["spark.driver.host"], "127.0.0.1");
    assert.deepEqual(e.env, {
      KUBECONFIG: "/s/kubeconfig",
      SPARK_HOME: "/cache/pyspark",
      PYSPARK_PYTHON: "/cache/venv/bin/python",
    });
  });
  test("as shell: exports and PYSPARK_SUBMIT_ARGS ending in pyspark-shell", () => {
    const sh = asShell(e);
    assert.match(sh, /^export KUBECONFIG='\/s\/kubeconfig'$/m);
    assert.match(
      sh,
      /^export PYSPARK_SUBMIT_ARGS='.*--conf spark.master=k8s:\/\/https:\/\/127.0.0.1:6443 .* pyspark-shell'$/m,
    );
  });
  test("the host URL of a session: the server pod's address on the embedded cluster, else the in-cluster URL", () => {
    const conn = {
      status: { connectionURL: "sc://s-server.ns.svc:15002", server: { podIp: "127.9.0.2" } },
    } as SparkConnect;
    assert.equal(hostConnectURL(conn, true), "sc://127.9.0.2:15002");
    assert.equal(hostConnectURL(conn, false), "sc://s-server.ns.svc:15002");
    assert.equal(hostConnectURL({ status: {} } as SparkConnect, true), undefined);
  });
});
