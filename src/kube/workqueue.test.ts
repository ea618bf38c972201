import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { ItemExponentialRateLimiter, TokenBucketRateLimiter } from "./rate-limit.js";
import { runWorkers, WorkQueue } from "./workqueue.js";

/** Resolves to the value, or to "pending" if the promise has not settled within `ms`. */
function settledWithin<T>(p: Promise<T>, ms = 20): Promise<T | "pending"> {
  return Promise.race([p, sleep(ms).then(() => "pending" as const)]);
}

describe("WorkQueue", () => {
  it("de-duplicates keys added before they are taken, in FIFO order", async () => {
    const q = new WorkQueue();
    q.add("a");
    q.add("b");
    q.add("a");
    assert.equal(q.len(), 2);
    assert.equal(await q.get(), "a");
    assert.equal(await q.get(), "b");
    assert.equal(q.len(), 0);
  });

  it("never hands a key being processed to a second worker, and re-queues it after done", async () => {
    const q = new WorkQueue();
    q.add("a");
    const key = await q.get();
    assert.equal(key, "a");
    q.add("a");
    q.add("a");
    assert.equal(q.len(), 0, "held back while processing");
    assert.equal(await settledWithin(q.get()), "pending");
    q.done("a");
    // The pending get above received it; the queue is empty again.
    assert.equal(q.len(), 0);
    assert.equal(q.processingCount(), 1);
  });

  it("re-queues after done only when added meanwhile", async () => {
    const q = new WorkQueue();
    q.add("a");
    await q.get();
    q.done("a");
    assert.equal(q.len(), 0);
    q.add("a");
    await q.get();
    q.add("a");
    q.done("a");
    assert.equal(q.len(), 1);
    assert.equal(await q.get(), "a");
  });

  it("wakes a waiting get when a key is added", async () => {
    const q = new WorkQueue();
    const pending = q.get();
    q.add("x");
    assert.equal(await pending, "x");
  });

  it("addAfter adds once the delay has passed, keeping the earliest of several delays", async () => {
    const q = new WorkQueue();
    q.addAfter("a", 60);
    q.addAfter("a", 20);
    q.addAfter("a", 200);
    assert.equal(q.len(), 0);
    const t0 = performance.now();
    assert.equal(await q.get(), "a");
    const waited = performance.now() - t0;
    assert.ok(waited >= 15 && waited < 150, `waited ${waited} ms`);
    q.done("a");
    await sleep(250);
    assert.equal(q.len(), 0, "the later delays were merged into the earliest");
  });

  it("addRateLimited backs off exponentially per key until forgotten", async () => {
    const q = new WorkQueue({ rateLimiter: new ItemExponentialRateLimiter<string>(10, 1000) });
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      q.addRateLimited("a");
      await q.get();
      q.done("a");
      delays.push(performance.now() - t0);
    }
    assert.equal(q.numRequeues("a"), 3);
    assert.ok(delays[0]! >= 8 && delays[1]! >= 18 && delays[2]! >= 38, `delays ${delays}`);
    q.forget("a");
    assert.equal(q.numRequeues("a"), 0);
  });

  it("the default limiter combines per-item backoff with an overall token bucket", async () => {
    const q = new WorkQueue({ rateLimit: { baseDelayMs: 1, maxDelayMs: 1, qps: 50, burst: 2 } });
    const t0 = performance.now();
    for (const k of ["a", "b", "c", "d"]) q.addRateLimited(k);
    for (let i = 0; i < 4; i++) q.done((await q.get())!);
    // Two keys ride the burst; the other two wait for tokens at 50 qps (20 ms, 40 ms).
    const took = performance.now() - t0;
    assert.ok(took >= 35, `took ${took} ms`);
  });

  it("token bucket reserves future tokens once the burst is spent", () => {
    let now = 0;
    const bucket = new TokenBucketRateLimiter<string>(10, 2, () => now);
    assert.deepEqual(
      [bucket.when("a"), bucket.when("b"), bucket.when("c"), bucket.when("d")],
      [0, 0, 100, 200],
    );
    now = 1000;
    assert.equal(bucket.when("e"), 0);
  });

  it("exponential limiter caps its delay", () => {
    const l = new ItemExponentialRateLimiter<string>(5, 1_000_000);
    for (let i = 0; i < 100; i++) l.when("a");
    assert.equal(l.when("a"), 1_000_000);
  });

  it("shutDown resolves waiting and later gets with undefined and ignores adds", async () => {
    const q = new WorkQueue();
    const waiting = q.get();
    q.addAfter("late", 10);
    q.shutDown();
    assert.equal(await waiting, undefined);
    q.add("a");
    assert.equal(await q.get(), undefined);
    await sleep(20);
    assert.equal(q.len(), 0);
  });

  it("shutDownWithDrain waits for keys being processed", async () => {
    const q = new WorkQueue();
    q.add("a");
    await q.get();
    const drained = q.shutDownWithDrain();
    assert.equal(await settledWithin(drained), "pending");
    q.done("a");
    await drained;
  });

  it("reports metrics", async () => {
    const seen = { adds: 0, retries: 0, depth: [] as number[], latency: 0, work: 0 };
    const q = new WorkQueue({
      metrics: {
        add: () => seen.adds++,
        retry: () => seen.retries++,
        depth: (d) => seen.depth.push(d),
        queueLatency: () => seen.latency++,
        workDuration: () => seen.work++,
      },
      rateLimit: { baseDelayMs: 1 },
    });
    q.add("a");
    q.add("a");
    q.add("b");
    await q.get();
    q.done("a");
    q.addRateLimited("c");
    await sleep(10);
    assert.equal(seen.adds, 3);
    assert.equal(seen.retries, 1);
    assert.equal(seen.latency, 1);
    assert.equal(seen.work, 1);
    assert.deepEqual(seen.depth, [1, 2, 1, 2]);
  });
});

describe("runWorkers", () => {
  it("retries failures with backoff, forgets on success, honours requeueAfterMs, and stops at shutdown", async () => {
    const q = new WorkQueue({ rateLimit: { baseDelayMs: 1 } });
    const calls: string[] = [];
    const errors: string[] = [];
    let failuresLeft = 2;
    let requeued = false;
    const done = runWorkers(
      q,
      2,
      async (key) => {
        calls.push(key);
        if (key === "flaky" && failuresLeft-- > 0) throw new Error("boom");
        if (key === "later" && !requeued) {
          requeued = true;
          return { requeueAfterMs: 5 };
        }
      },
      { onError: (key) => errors.push(key) },
    );
    q.add("flaky");
    q.add("later");
    await sleep(60);
    assert.deepEqual(
      calls.filter((k) => k === "flaky"),
      ["flaky", "flaky", "flaky"],
    );
    assert.deepEqual(errors, ["flaky", "flaky"]);
    assert.equal(q.numRequeues("flaky"), 0, "forgotten after success");
    assert.deepEqual(
      calls.filter((k) => k === "later"),
      ["later", "later"],
    );
    q.shutDown();
    await done;
  });

  it("never runs one key in two workers at once", async () => {
    const q = new WorkQueue();
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const done = runWorkers(q, 4, async () => {
      running++;
      runs++;
      maxRunning = Math.max(maxRunning, running);
      await sleep(5);
      running--;
    });
    for (let i = 0; i < 10; i++) {
      q.add("same");
      await sleep(2);
    }
    await sleep(20);
    q.shutDown();
    await done;
    assert.equal(maxRunning, 1);
    assert.ok(runs >= 2 && runs <= 10, `runs ${runs}`);
  });

  it("reports each reconcile's duration and outcome in controller-runtime's words", async () => {
    const q = new WorkQueue({ rateLimit: { baseDelayMs: 1 } });
    const outcomes: string[] = [];
    let failed = false;
    const done = runWorkers(
      q,
      1,
      async (key) => {
        if (key === "boom" && !failed) {
          failed = true;
          throw new Error("boom");
        }
        if (key === "again") return { requeue: true };
        if (key === "later") return { requeueAfterMs: 60_000 };
      },
      {
        onReconciled: (seconds, outcome) => {
          assert.ok(seconds >= 0 && seconds < 60, `seconds ${seconds}`);
          outcomes.push(outcome);
        },
      },
    );
    q.add("ok");
    q.add("boom");
    q.add("later");
    q.add("again");
    const seenAll = () =>
      ["error", "requeue", "requeue_after"].every((o) => outcomes.includes(o)) &&
      outcomes.filter((o) => o === "success").length >= 2;
    for (let i = 0; i < 1000 && !seenAll(); i++) await sleep(10);
    q.shutDown();
    await done;
    for (const o of ["success", "error", "requeue", "requeue_after"])
      assert.ok(outcomes.includes(o), `${o} in ${outcomes}`);
    assert.ok(outcomes.filter((o) => o === "success").length >= 2, "the failed key succeeded on its retry");
  });

  it("processingSeconds: how long each key in process has been worked on", async () => {
    const q = new WorkQueue();
    assert.deepEqual(q.processingSeconds(), []);
    q.add("a");
    q.add("b");
    await q.get();
    await sleep(15);
    await q.get();
    const [a, b] = q.processingSeconds();
    assert.ok(a! >= 0.01 && b! >= 0 && a! > b!, `${a} ${b}`);
    q.done("a");
    assert.equal(q.processingSeconds().length, 1);
  });
});
