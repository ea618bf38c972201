import assert from "node:assert/strict";
import { createServer, type Socket } from "node:net";
import { test } from "node:test";
import { KubeConfig } from "@kubernetes/client-node";
import { JsonClient, namespacedPath } from "./json-client.js";

function kubeconfigFor(server: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "c", server, skipTLSVerify: true }],
    users: [{ name: "u", token: "t" }],
    contexts: [{ name: "x", cluster: "c", user: "u" }],
    currentContext: "x",
  });
  return kc;
}

test("a request that gets no answer fails after the timeout instead of hanging", async () => {
  // A socket that accepts and never answers: a network fault, not an API server.
  const sockets: Socket[] = [];
  const silent = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
  const port = (silent.address() as { port: number }).port;
  try {
    const client = new JsonClient(kubeconfigFor(`http://127.0.0.1:${port}`), { timeoutMs: 200 });
    const t0 = Date.now();
    await assert.rejects(client.get("/api/v1/namespaces"), /no answer in 200 ms/);
    assert.ok(Date.now() - t0 < 5000);
  } finally {
    for (const s of sockets) s.destroy();
    silent.close();
  }
});

test("a kubeconfig without a server is refused at once", () => {
  assert.throws(() => new JsonClient(new KubeConfig()), /no current cluster/);
});

test("paths of core and group resources", () => {
  assert.equal(namespacedPath("v1", "a b", "pods", "p"), "/api/v1/namespaces/a%20b/pods/p");
  assert.equal(
    namespacedPath("sparkoperator.k8s.io/v1beta2", "ns", "sparkapplications"),
    "/apis/sparkoperator.k8s.io/v1beta2/namespaces/ns/sparkapplications",
  );
});
