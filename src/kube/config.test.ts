import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, mock, test } from "node:test";
import { HttpMethod, RequestContext } from "@kubernetes/client-node";
import { kubeConfigSource, PooledKubeConfig, SERVICE_ACCOUNT_DIR } from "./config.js";

const IN_CLUSTER = { KUBERNETES_SERVICE_HOST: "10.0.0.1", KUBERNETES_SERVICE_PORT: "443" };
const TOKEN = `${SERVICE_ACCOUNT_DIR}/token`;

describe("kubeConfigSource (controller-runtime's order)", () => {
  const hasToken = (f: string) => f === TOKEN;
  test("an explicit path wins over everything", () => {
    assert.deepEqual(kubeConfigSource("/k", { ...IN_CLUSTER, KUBECONFIG: "/e" }, hasToken), {
      kind: "file",
      path: "/k",
    });
  });
  test("KUBECONFIG comes before in-cluster", () => {
    assert.deepEqual(kubeConfigSource(undefined, { ...IN_CLUSTER, KUBECONFIG: "/e" }, hasToken), {
      kind: "default",
    });
  });
  test("in-cluster before ~/.kube/config: service env and the projected token", () => {
    assert.deepEqual(kubeConfigSource(undefined, IN_CLUSTER, hasToken), { kind: "in-cluster" });
  });
  test("not in-cluster without the token or without the service env", () => {
    assert.deepEqual(
      kubeConfigSource(undefined, IN_CLUSTER, () => false),
      { kind: "default" },
    );
    assert.deepEqual(kubeConfigSource(undefined, { KUBERNETES_SERVICE_HOST: "10.0.0.1" }, hasToken), {
      kind: "default",
    });
    assert.deepEqual(kubeConfigSource(undefined, {}, hasToken), { kind: "default" });
  });
});

describe("in-cluster config through the pooled KubeConfig", () => {
  test("a rotated service-account token is used once the one held is a minute old", async () => {
    const root = mkdtempSync(join(tmpdir(), "sparkplane-sa-"));
    const dir = join(root, SERVICE_ACCOUNT_DIR);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "token"), "first-token");
    writeFileSync(join(dir, "ca.crt"), "not checked before a connection\n");
    writeFileSync(join(dir, "namespace"), "spark-operator");
    const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    process.env.KUBERNETES_SERVICE_HOST = "127.0.0.1";
    process.env.KUBERNETES_SERVICE_PORT = "6443";
    mock.timers.enable({ apis: ["Date"], now: Date.now() });
    try {
      const kc = new PooledKubeConfig();
      kc.loadFromCluster(root);
      assert.equal(kc.getCurrentCluster()?.server, "https://127.0.0.1:6443");
      assert.equal(kc.getContextObject(kc.getCurrentContext())?.namespace, "spark-operator");
      const authorization = async () => {
        const ctx = new RequestContext("https://127.0.0.1:6443/api", HttpMethod.GET);
        await kc.applySecurityAuthentication(ctx);
        return ctx.getHeaders().Authorization;
      };
      assert.equal(await authorization(), "Bearer first-token");
      writeFileSync(join(dir, "token"), "rotated-token");
      mock.timers.tick(30_000);
      assert.equal(await authorization(), "Bearer first-token", "held for up to a minute");
      mock.timers.tick(31_000);
      assert.equal(await authorization(), "Bearer rotated-token");
    } finally {
      mock.timers.reset();
      process.env.KUBERNETES_SERVICE_HOST = saved.host;
      process.env.KUBERNETES_SERVICE_PORT = saved.port;
      if (saved.host === undefined) delete process.env.KUBERNETES_SERVICE_HOST;
      if (saved.port === undefined) delete process.env.KUBERNETES_SERVICE_PORT;
    }
  });
});
