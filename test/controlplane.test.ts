import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { before, describe, test } from "node:test";
import {
  ApiextensionsV1Api,
  AuthenticationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  Watch,
} from "@kubernetes/client-node";
import { requireToolset } from "../src/local/provision/index.js";
import {
  down,
  freshNamespace,
  privateCluster,
  processesMentioning,
  type TestCluster,
  testCluster,
} from "./cluster.js";

/** Pids of live processes whose command line names a path in (or the whole of) `dir`. */
function processesUsing(dir: string): number[] {
  return [...new Set([...processesMentioning(`${dir}/`), ...processesMentioning(`${dir} `)])];
}

/**
 * Watches a path, runs `trigger` once the watch is established (it has delivered the initial ADDED events),
 * and resolves with the events seen up to `until`. A watch that ends early (e.g. a CRD not yet served) is
 * restarted; one that never sees `until` fails the test after 20 s.
 */
async function watchUntil(
  cluster: TestCluster,
  path: string,
  until: string,
  trigger: () => Promise<unknown>,
): Promise<string[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const seen: string[] = [];
    const outcome = await new Promise<"done" | "ended">((resolve) => {
      let triggered = false;
      const timer = setTimeout(() => resolve("ended"), Math.max(0, deadline - Date.now()));
      void new Watch(cluster.kc)
        .watch(
          path,
          {},
          (type, obj: { metadata: { name: string } }) => {
            seen.push(`${type}:${obj.metadata.name}`);
            if (seen.at(-1) === until) {
              clearTimeout(timer);
              resolve("done");
            }
          },
          () => {
            clearTimeout(timer);
            resolve("ended");
          },
        )
        .then(async (req) => {
          await new Promise((r) => setTimeout(r, 300));
          if (!triggered) {
            triggered = true;
            await trigger();
          }
          return req;
        })
        .then((req) => {
          const stop = setInterval(() => {
            if (seen.at(-1) === until) {
              clearInterval(stop);
              req.abort();
            }
          }, 50);
        });
    });
    if (outcome === "done") return seen;
    if (Date.now() > deadline) throw new Error(`watch of ${path} never saw ${until}; saw ${seen.join(", ")}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("embedded control plane", () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await testCluster();
  });

  test("/readyz answers ok through kubectl, and the server reports the real release", () => {
    const kubectl = requireToolset().kube.kubectl;
    const ready = spawnSync(kubectl, ["--kubeconfig", cluster.kubeconfig, "get", "--raw", "/readyz"], {
      encoding: "utf8",
    });
    assert.equal(ready.status, 0, ready.stderr);
    assert.equal(ready.stdout.trim(), "ok");
    const version = spawnSync(kubectl, ["--kubeconfig", cluster.kubeconfig, "version", "-o", "json"], {
      encoding: "utf8",
    });
    assert.equal(version.status, 0, version.stderr);
    const v = JSON.parse(version.stdout) as {
      serverVersion: { gitVersion: string };
      clientVersion: { gitVersion: string };
    };
    assert.match(v.serverVersion.gitVersion, /^v1\.\d+\.\d+$/);
    assert.equal(v.serverVersion.gitVersion, requireToolset().kube.version);
    assert.equal(v.clientVersion.gitVersion, v.serverVersion.gitVersion);
  });

  test("a CRD installs; custom objects can be created, listed and watched", async () => {
    const { name: ns } = await freshNamespace("crd");
    const group = "test.sparkplane.io";
    const ext = cluster.kc.makeApiClient(ApiextensionsV1Api);
    const crdName = `widgets.${group}`;
    await ext
      .createCustomResourceDefinition({
        body: {
          metadata: { name: crdName },
          spec: {
            group,
            scope: "Namespaced",
            names: { plural: "widgets", singular: "widget", kind: "Widget", shortNames: ["wdg"] },
            versions: [
              {
                name: "v1",
                served: true,
                storage: true,
                schema: {
                  openAPIV3Schema: {
                    type: "object",
                    properties: {
                      spec: {
                        type: "object",
                        properties: { size: { type: "integer", minimum: 1 } },
                        required: ["size"],
                      },
                    },
                  },
                },
              },
            ],
          },
        },
      })
      .catch((e: { code?: number }) => {
        if (e.code !== 409) throw e;
      });
    // The CRD is served once Established.
    for (let i = 0; i < 100; i++) {
      const crd = await ext.readCustomResourceDefinition({ name: crdName });
      if (crd.status?.conditions?.some((c) => c.type === "Established" && c.status === "True")) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const custom = cluster.kc.makeApiClient(CustomObjectsApi);
    const widget = (name: string, size: number) => ({
      apiVersion: `${group}/v1`,
      kind: "Widget",
      metadata: { name },
      spec: { size },
    });
    await custom.createNamespacedCustomObject({
      group,
      version: "v1",
      namespace: ns,
      plural: "widgets",
      body: widget("w1", 3),
    });
    const seen = await watchUntil(cluster, `/apis/${group}/v1/namespaces/${ns}/widgets`, "ADDED:w2", () =>
      custom.createNamespacedCustomObject({
        group,
        version: "v1",
        namespace: ns,
        plural: "widgets",
        body: widget("w2", 4),
      }),
    );
    assert.deepEqual(seen, ["ADDED:w1", "ADDED:w2"], "the initial state, then the live event");
    const list = (await custom.listNamespacedCustomObject({
      group,
      version: "v1",
      namespace: ns,
      plural: "widgets",
    })) as { items: { metadata: { name: string } }[] };
    assert.deepEqual(list.items.map((i) => i.metadata.name).sort(), ["w1", "w2"]);
    // The structural schema is enforced: size must be >= 1.
    await assert.rejects(
      custom.createNamespacedCustomObject({
        group,
        version: "v1",
        namespace: ns,
        plural: "widgets",
        body: { apiVersion: `${group}/v1`, kind: "Widget", metadata: { name: "bad" }, spec: { size: 0 } },
      }),
      (e: { code?: number; body?: string }) => e.code === 422 && String(e.body).includes("spec.size"),
    );
  });

  test("an unprivileged service-account token is refused by RBAC", async () => {
    const { name: ns } = await freshNamespace("rbac");
    const core = cluster.kc.makeApiClient(CoreV1Api);
    await core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: "nobody" } } });
    const tr = await cluster.kc.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({
      name: "nobody",
      namespace: ns,
      body: { spec: { audiences: [], expirationSeconds: 600 } },
    });
    assert.ok(tr.status?.token);
    const weak = new KubeConfig();
    const current = cluster.kc.getCurrentCluster()!;
    weak.loadFromOptions({
      clusters: [current],
      users: [{ name: "nobody", token: tr.status!.token }],
      contexts: [{ name: "nobody", cluster: current.name, user: "nobody" }],
      currentContext: "nobody",
    });
    const weakCore = weak.makeApiClient(CoreV1Api);
    await assert.rejects(
      weakCore.listNamespacedSecret({ namespace: "kube-system" }),
      (e: { code?: number }) => e.code === 403,
    );
    // ...while the same token is authenticated (it is RBAC, not authentication, that refuses).
    const review = await weak.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({ body: {} });
    assert.equal(review.status?.userInfo?.username, `system:serviceaccount:${ns}:nobody`);
  });

  test("the controller-manager runs: new namespaces get their default ServiceAccount", async () => {
    const { name: ns } = await freshNamespace("sa");
    const core = cluster.kc.makeApiClient(CoreV1Api);
    let found = false;
    for (let i = 0; i < 100 && !found; i++) {
      found = (await core.listNamespacedServiceAccount({ namespace: ns })).items.some(
        (s) => s.metadata?.name === "default",
      );
      if (!found) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(found, "default ServiceAccount created by kube-controller-manager");
  });
});

describe("cluster lifecycle", () => {
  test("two clusters run side by side; down leaves no process; a killed supervisor's children are reaped by the next up", async () => {
    const a = await privateCluster();
    const b = await privateCluster();
    try {
      assert.notEqual(a.kc.getCurrentCluster()!.server, b.kc.getCurrentCluster()!.server);
      for (const c of [a, b]) {
        const ns = await c.kc.makeApiClient(CoreV1Api).listNamespace();
        assert.ok(ns.items.some((n) => n.metadata?.name === "kube-system"));
      }
      // Kill b's supervisor outright: its etcd and kube-* processes are orphaned...
      const before = processesUsing(b.stateDir);
      assert.ok(before.length >= 5, `expected supervisor + 4 components, saw ${before.length}`);
      const sup = JSON.parse(readFileSync(`${b.stateDir}/cluster.json`, "utf8")) as { supervisorPid: number };
      process.kill(sup.supervisorPid, "SIGKILL");
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(processesUsing(b.stateDir).length >= 4, "components outlive a SIGKILLed supervisor");
      // ...and `down` finds them through their pid files.
      await down(b.stateDir);
      assert.deepEqual(processesUsing(b.stateDir), []);
      // a is untouched by all of that.
      assert.ok((await a.kc.makeApiClient(CoreV1Api).listNamespace()).items.length > 0);
    } finally {
      await down(a.stateDir);
      await down(b.stateDir);
    }
    assert.deepEqual(processesUsing(a.stateDir), [], "down leaves no etcd or kube-* process");
  });
});
