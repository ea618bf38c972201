import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  defaultNotebookSession,
  jupyterLabArgv,
  kernelName,
  kernelSpec,
  labURL,
  parsePort,
} from "./notebook-plan.js";

describe("sparkplane notebook's plan", () => {
  test("the default session: small, idle timeout annotated, the service account in the server template", () => {
    const s = defaultNotebookSession({
      name: "notebook",
      namespace: "team",
      sparkVersion: "3.5.9",
      serviceAccount: "spark",
    });
    assert.equal(s.apiVersion, "sparkoperator.k8s.io/v1alpha1");
    assert.equal(s.kind, "SparkConnect");
    assert.deepEqual(s.metadata, {
      name: "notebook",
      namespace: "team",
      annotations: { "sparkplane.io/idle-timeout": "1h" },
    });
    assert.equal(s.spec.image, "spark:3.5.9");
    assert.equal(s.spec.sparkVersion, "3.5.9");
    assert.deepEqual(s.spec.server, {
      cores: 1,
      memory: "1g",
      template: { spec: { containers: [], serviceAccountName: "spark" } },
    });
    assert.deepEqual(s.spec.executor, { instances: 2, cores: 1, memory: "512m" });
    const never = defaultNotebookSession({
      name: "n",
      namespace: "d",
      sparkVersion: "3.5.9",
      idleTimeout: "0",
    });
    assert.equal(never.metadata.annotations, undefined, "0: never stopped, no annotation");
    assert.equal(never.spec.server.template, undefined, "no service account: the namespace's default");
    const short = defaultNotebookSession({
      name: "n",
      namespace: "d",
      sparkVersion: "3.5.9",
      idleTimeout: "15s",
    });
    assert.equal(short.metadata.annotations?.["sparkplane.io/idle-timeout"], "15s");
  });

  test("kernel names are what Jupyter accepts", () => {
    assert.equal(kernelName("default", "notebook"), "sparkplane-default-notebook");
    assert.equal(kernelName("Team", "my session"), "sparkplane-team-my-session");
  });

  test("the kernel spec: ipykernel on the venv's python, SPARK_REMOTE the session's URL", () => {
    const k = kernelSpec({
      python: "/c/nb/bin/python",
      url: "sc://127.0.0.5:15002",
      namespace: "d",
      session: "s",
    });
    assert.deepEqual(k.argv, ["/c/nb/bin/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"]);
    assert.deepEqual(k.env, { SPARK_REMOTE: "sc://127.0.0.5:15002" });
    assert.equal(k.language, "python");
    assert.equal(k.display_name, "PySpark on d/s (Spark Connect)");
  });

  test("JupyterLab's argv: loopback, exactly the port, our token, the root dir, the browser flag", () => {
    const argv = jupyterLabArgv({
      jupyter: "/j",
      port: 8899,
      token: "t0k",
      dir: "/work",
      browser: false,
      root: false,
    });
    assert.deepEqual(argv, [
      "/j",
      "lab",
      "--ip=127.0.0.1",
      "--port=8899",
      "--ServerApp.port_retries=0",
      "--IdentityProvider.token=t0k",
      "--ServerApp.root_dir=/work",
      "--no-browser",
    ]);
    assert.ok(
      !jupyterLabArgv({ jupyter: "/j", port: 1, token: "t", dir: "/", browser: true, root: true }).includes(
        "--no-browser",
      ),
    );
    assert.equal(
      jupyterLabArgv({ jupyter: "/j", port: 1, token: "t", dir: "/", browser: false, root: true }).at(-1),
      "--allow-root",
    );
    assert.equal(labURL(8899, "t0k"), "http://127.0.0.1:8899/lab?token=t0k");
  });

  test("--port: a port number, or absent", () => {
    assert.equal(parsePort(undefined), undefined);
    assert.equal(parsePort("8890"), 8890);
    assert.throws(() => parsePort("http"), /--port http: not a TCP port/);
    assert.throws(() => parsePort("70000"), /from 1 to 65535/);
  });
});
