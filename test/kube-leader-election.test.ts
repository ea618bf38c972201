import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CoordinationV1Api, type KubeConfig } from "@kubernetes/client-node";
import { type LeaderElectionOptions, LeaderElector } from "../src/kube/leader-election.js";
import { silentLog, stderrLog } from "../src/kube/log.js";
import { freshNamespace } from "./cluster.js";
import { eventually } from "./kube-helpers.js";

const log = process.env.KUBE_TEST_LOG ? stderrLog : silentLog;

/** A candidate with test-sized timings that records when it leads. */
function candidate(
  kc: KubeConfig,
  namespace: string,
  identity: string,
  extra: Partial<LeaderElectionOptions> = {},
) {
  const state = { leading: false, started: 0, stopped: 0, signal: undefined as AbortSignal | undefined };
  const elector = new LeaderElector(kc, {
    namespace,
    name: "lock",
    identity,
    leaseDurationSeconds: 2,
    renewDeadlineMs: 1200,
    retryPeriodMs: 200,
    log,
    onStartedLeading: (signal) => {
      state.leading = true;
      state.started++;
      state.signal = signal;
    },
    onStoppedLeading: () => {
      state.leading = false;
      state.stopped++;
    },
    ...extra,
  });
  const done = elector.run();
  return { elector, state, done };
}

async function holder(kc: KubeConfig, namespace: string): Promise<string | undefined> {
  const lease = await kc.makeApiClient(CoordinationV1Api).readNamespacedLease({ namespace, name: "lock" });
  return lease.spec?.holderIdentity;
}

describe("LeaderElector against the API server", { timeout: 60_000 }, () => {
  it("elects exactly one leader and hands over at once when it releases", async () => {
    const { name: ns, cluster } = await freshNamespace("le");
    const a = candidate(cluster.kc, ns, "a");
    const b = candidate(cluster.kc, ns, "b");
    let bothLed = false;
    const watchdog = setInterval(() => {
      if (a.state.leading && b.state.leading) bothLed = true;
    }, 10);
    try {
      const first = await eventually("a leader", () =>
        a.state.leading ? a : b.state.leading ? b : undefined,
      );
      const second = first === a ? b : a;
      await new Promise((r) => setTimeout(r, 700)); // a few renewals
      assert.equal(second.state.leading, false);
      assert.equal(first.elector.isLeader(), true);
      assert.equal(await holder(cluster.kc, ns), first.elector.identity);

      const t0 = Date.now();
      await first.elector.stop();
      await first.done;
      assert.equal(first.state.stopped, 1);
      assert.equal(first.state.signal?.aborted, true);
      await eventually("takeover", () => second.state.leading);
      // Released: no need to wait out the 2 s lease.
      assert.ok(Date.now() - t0 < 1500, `took over after ${Date.now() - t0} ms`);
      assert.equal(await holder(cluster.kc, ns), second.elector.identity);
      const lease = await cluster.kc
        .makeApiClient(CoordinationV1Api)
        .readNamespacedLease({ namespace: ns, name: "lock" });
      assert.equal(lease.spec?.leaseTransitions, 1);
      await second.elector.stop();
      assert.equal(bothLed, false);
    } finally {
      clearInterval(watchdog);
      await Promise.all([a.elector.stop(), b.elector.stop()]);
    }
  });

  it("takes over after the leader stops renewing, once the lease has expired", async () => {
    const { name: ns, cluster } = await freshNamespace("le-exp");
    const a = candidate(cluster.kc, ns, "a", { releaseOnStop: false });
    await eventually("a leads", () => a.state.leading);
    const b = candidate(cluster.kc, ns, "b");
    try {
      await a.elector.stop(); // a vanishes without releasing
      const t0 = Date.now();
      await eventually("b leads", () => b.state.leading, 8000);
      const waited = Date.now() - t0;
      assert.ok(waited >= 1500, `b waited only ${waited} ms for a 2 s lease`);
      assert.equal(await holder(cluster.kc, ns), "b");
    } finally {
      await Promise.all([a.elector.stop(), b.elector.stop()]);
    }
  });

  it("steps down when another holder has taken the lease and it cannot renew", async () => {
    const { name: ns, cluster } = await freshNamespace("le-lost");
    const a = candidate(cluster.kc, ns, "a");
    await eventually("a leads", () => a.state.leading);
    const api = cluster.kc.makeApiClient(CoordinationV1Api);
    const lease = await api.readNamespacedLease({ namespace: ns, name: "lock" });
    // An intruder (e.g. a candidate whose clock ran ahead) takes the lease with a long duration.
    await api.replaceNamespacedLease({
      namespace: ns,
      name: "lock",
      body: {
        metadata: lease.metadata,
        spec: { ...lease.spec, holderIdentity: "intruder", leaseDurationSeconds: 60 },
      },
    });
    await eventually("a steps down", () => a.state.stopped === 1, 5000);
    assert.equal(a.state.signal?.aborted, true);
    await a.done;
    assert.equal(a.elector.isLeader(), false);
    assert.equal(
      await holder(cluster.kc, ns),
      "intruder",
      "a stepping down must not release someone else's lease",
    );
  });
});
