import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { defaultListenHost, defaultOwnNamespace, serviceAccountNamespace } from "./pod-env.js";

describe("defaults of a process in a pod", () => {
  test("listen on the pod IP when the downward API gives it, else loopback", () => {
    assert.equal(defaultListenHost({ POD_IP: "127.3.1.7" }), "127.3.1.7");
    assert.equal(defaultListenHost({ POD_IP: "" }), "127.0.0.1");
    assert.equal(defaultListenHost({}), "127.0.0.1");
  });
  test("own namespace: POD_NAMESPACE, then the service account's, then default", () => {
    assert.equal(defaultOwnNamespace({ POD_NAMESPACE: "spark-operator" }, "other"), "spark-operator");
    assert.equal(defaultOwnNamespace({}, "from-sa\n"), "from-sa");
    assert.equal(defaultOwnNamespace({ POD_NAMESPACE: " " }, undefined), "default");
  });
  test("the service account's namespace file, when mounted", () => {
    const dir = mkdtempSync(join(tmpdir(), "sparkplane-sa-"));
    assert.equal(serviceAccountNamespace(dir), undefined);
    writeFileSync(join(dir, "namespace"), "spark-operator");
    assert.equal(serviceAccountNamespace(dir), "spark-operator");
  });
});
