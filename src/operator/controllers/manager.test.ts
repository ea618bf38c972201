import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KubeConfig } from "@kubernetes/client-node";
import { silentLog } from "../../kube/log.js";
import { OperatorMetrics } from "../metrics.js";
import { SPARK_APPLICATIONS, SPARK_PODS } from "./caches.js";
import type { ControllerContext, ControllerDefinition, StartedController } from "./controller.js";
import { registerControllers } from "./manager.js";
import { controllerQueue, queueWorkers } from "./queue-workers.js";

/** A KubeConfig for a port nothing listens on: informers are registered here, never synced. */
function unreachable(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "c", server: "https://127.0.0.1:1", skipTLSVerify: true }],
    users: [{ name: "u", token: "t" }],
    contexts: [{ name: "x", cluster: "c", user: "u" }],
    currentContext: "x",
  });
  return kc;
}

const options = { namespaces: ["a"], workers: 2, resyncMs: 0 };

/** A controller that records what the manager does with it. */
function recording(name: string, calls: string[], seen: ControllerContext[]): ControllerDefinition {
  return {
    name,
    rbac: {},
    async start(ctx) {
      seen.push(ctx);
      calls.push(`${name}.start`);
      ctx.informers.informer(SPARK_APPLICATIONS);
      const started: StartedController = {
        startWorkers: () => calls.push(`${name}.startWorkers`),
        enqueue: (key) => calls.push(`${name}.enqueue ${key}`),
        ready: () => true,
        stop: async () => {
          calls.push(`${name}.stop`);
        },
      };
      return started;
    },
  };
}

describe("registerControllers", () => {
  it("starts each definition in order with one registry, clients and metrics, and its own log and events", async () => {
    const calls: string[] = [];
    const seen: ControllerContext[] = [];
    const manager = await registerControllers(
      [recording("one", calls, seen), recording("two", calls, seen)],
      {
        kc: unreachable(),
        options,
        log: silentLog,
      },
    );
    assert.deepEqual(calls, ["one.start", "two.start"]);
    const [one, two] = seen as [ControllerContext, ControllerContext];
    assert.equal(one.informers, two.informers);
    assert.equal(one.clients, two.clients);
    assert.equal(one.metrics, manager.metrics);
    assert.notEqual(one.events, two.events);
    assert.equal(one.options, options);
    assert.equal(one.isLeader(), true);
    assert.deepEqual(manager.informers.keys(), [SPARK_APPLICATIONS.key], "one informer for both");
    assert.equal(manager.ready(), false, "not ready before the caches synced");
    manager.startWorkers();
    manager.controllers.get("two")?.enqueue("ns/x");
    await manager.stop();
    assert.deepEqual(calls.slice(2), [
      "one.startWorkers",
      "two.startWorkers",
      "two.enqueue ns/x",
      "one.stop",
      "two.stop",
    ]);
  });

  it("refuses two controllers of one name", async () => {
    const calls: string[] = [];
    await assert.rejects(
      registerControllers([recording("same", calls, []), recording("same", calls, [])], {
        kc: unreachable(),
        options,
      }),
      /two controllers named same/,
    );
  });

  it("names the caches that did not sync in time", async () => {
    const manager = await registerControllers(
      [
        {
          name: "pods",
          rbac: {},
          async start(ctx) {
            ctx.informers.informer(SPARK_PODS);
            return queueWorkers(ctx, "pods", controllerQueue(ctx, "pods"), async () => {});
          },
        },
      ],
      { kc: unreachable(), options, log: silentLog },
    );
    try {
      await assert.rejects(manager.startCaches(100), /did not sync within 0.1 s: pods\/spark-role/);
      assert.equal(manager.ready(), false);
    } finally {
      await manager.stop();
    }
  });
});

describe("queueWorkers", () => {
  it("reconciles queued keys only once started, times each reconcile, retries a throw, and stops", async () => {
    const metrics = new OperatorMetrics({ processMetrics: false });
    const warnings: string[] = [];
    const ctx = {
      metrics,
      options,
      log: { ...silentLog, warn: (f: Record<string, unknown>, m: string) => warnings.push(`${m} ${f.key}`) },
    } as unknown as ControllerContext;
    const queue = controllerQueue(ctx, "test");
    const reconciled: string[] = [];
    let failOnce = true;
    const started = queueWorkers(ctx, "test", queue, async (key) => {
      reconciled.push(key);
      if (key === "ns/bad" && failOnce) {
        failOnce = false;
        throw new Error("conflict");
      }
    });
    started.enqueue("ns/a");
    started.enqueue("ns/bad");
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(reconciled, [], "no worker before startWorkers");
    started.startWorkers();
    started.startWorkers();
    for (let i = 0; i < 200 && reconciled.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    await started.stop();
    assert.deepEqual(reconciled.sort(), ["ns/a", "ns/bad", "ns/bad"]);
    assert.deepEqual(warnings, ["reconcile failed; retrying with backoff ns/bad"]);
    const text = await metrics.registry.metrics();
    assert.match(text, /sparkplane_reconcile_duration_seconds_count\{controller="test",result="ok"\} 2/);
    assert.match(text, /sparkplane_reconcile_duration_seconds_count\{controller="test",result="error"\} 1/);
    assert.match(text, /workqueue_adds_total\{name="test",controller="test"\} 3/);
  });
});
