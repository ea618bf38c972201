import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { SparkConnect } from "../../../../api/v1alpha1/sparkconnect.js";
import {
  decideIdle,
  idleTimeoutOf,
  lastActivity,
  parseSparkTime,
  readySince,
  stoppedStatus,
} from "./idle.js";

const T0 = Date.parse("2026-12-03T14:00:00Z");
const withAnnotation = (value?: string): SparkConnect => ({
  apiVersion: "sparkoperator.k8s.io/v1alpha1",
  kind: "SparkConnect",
  metadata: {
    name: "s",
    ...(value === undefined ? {} : { annotations: { "sparkplane.io/idle-timeout": value } }),
  },
  spec: { sparkVersion: "3.5.9", server: {}, executor: {} },
});

describe("idle stop", () => {
  test("parseSparkTime reads Spark's GMT dates and ISO ones", () => {
    assert.equal(parseSparkTime("2026-12-03T14:00:00.000GMT"), T0);
    assert.equal(parseSparkTime("2026-12-03T14:00:00Z"), T0);
    assert.equal(parseSparkTime("nonsense"), undefined);
    assert.equal(parseSparkTime(undefined), undefined);
  });

  test("lastActivity: the latest job end or query end; now while anything runs; never before since", () => {
    const at = (s: number) => new Date(T0 + s * 1000).toISOString().replace("Z", "GMT");
    const none = { jobs: [], sql: [] };
    assert.equal(lastActivity(none, T0, T0 + 60_000), T0);
    const done = {
      jobs: [{ status: "SUCCEEDED", submissionTime: at(5), completionTime: at(10) }],
      sql: [{ status: "COMPLETED", submissionTime: at(4), duration: 8000 }],
    };
    assert.equal(lastActivity(done, T0, T0 + 60_000), T0 + 12_000);
    const failedNoEnd = { jobs: [{ status: "FAILED", submissionTime: at(20) }], sql: [] };
    assert.equal(lastActivity(failedNoEnd, T0, T0 + 60_000), T0 + 20_000);
    const running = { jobs: [...done.jobs, { status: "RUNNING", submissionTime: at(30) }], sql: [] };
    assert.equal(lastActivity(running, T0, T0 + 60_000), T0 + 60_000);
    const runningQuery = { jobs: [], sql: [{ status: "RUNNING", submissionTime: at(30) }] };
    assert.equal(lastActivity(runningQuery, T0, T0 + 60_000), T0 + 60_000);
    assert.equal(lastActivity(done, T0 + 30_000, T0 + 60_000), T0 + 30_000, "a restart resets the clock");
  });

  test("idleTimeoutOf: absent or 0 is none; Go durations; bad values name the annotation and the fix", () => {
    assert.deepEqual(idleTimeoutOf(withAnnotation()), { kind: "none" });
    assert.deepEqual(idleTimeoutOf(withAnnotation("0")), { kind: "none" });
    assert.deepEqual(idleTimeoutOf(withAnnotation(" 30m ")), { kind: "ok", ms: 1_800_000, text: "30m" });
    assert.deepEqual(idleTimeoutOf(withAnnotation("1h30m")), { kind: "ok", ms: 5_400_000, text: "1h30m" });
    const bad = idleTimeoutOf(withAnnotation("30 minutes"));
    assert.equal(bad.kind, "invalid");
    assert.match(
      (bad as { problem: string }).problem,
      /^annotation sparkplane\.io\/idle-timeout: .*e\.g\. 30m/,
    );
    assert.equal(idleTimeoutOf(withAnnotation("-5m")).kind, "invalid");
  });

  test("decideIdle: keep and look again when the timeout would be reached; stop with the reason", () => {
    const timeout = { ms: 60_000, text: "1m" };
    assert.deepEqual(decideIdle({ timeout, lastActivityMs: T0, now: T0 + 20_000 }), {
      kind: "keep",
      requeueAfterMs: 40_000,
    });
    assert.deepEqual(decideIdle({ timeout, lastActivityMs: T0, now: T0 + 59_999.5 }), {
      kind: "keep",
      requeueAfterMs: 1000,
    });
    const stop = decideIdle({ timeout, lastActivityMs: T0, now: T0 + 61_000 });
    assert.equal(stop.kind, "stop");
    assert.equal(
      (stop as { message: string }).message,
      "stopped: idle for 1m1s, no Spark job or SQL query since 2026-12-03T14:00:00.000Z (sparkplane.io/idle-timeout: 1m); delete and re-create the SparkConnect to start it again",
    );
  });

  test("readySince and stoppedStatus", () => {
    const ready = {
      state: "Ready" as const,
      server: { podName: "s-server", podIp: "127.0.0.9", serviceName: "s-server" },
      conditions: [
        {
          type: "ServerPodReady",
          status: "True" as const,
          reason: "ServerPodReady",
          message: "Server pod is ready",
          lastTransitionTime: "2026-12-03T14:00:00Z",
        },
      ],
    };
    assert.equal(readySince(ready), T0);
    assert.equal(readySince({}), undefined);
    const stopped = stoppedStatus(ready, "stopped: idle", "2026-12-03T15:00:00Z");
    assert.equal(stopped.state, "Stopped");
    assert.equal(stopped.message, "stopped: idle");
    assert.equal(stopped.server?.podIp, undefined);
    assert.equal(stopped.server?.podName, "s-server");
    assert.deepEqual(stopped.conditions?.[0], {
      type: "ServerPodReady",
      status: "False",
      reason: "ServerPodNotReady",
      message: "stopped: idle",
      lastTransitionTime: "2026-12-03T15:00:00Z",
    });
    assert.equal(stopped.lastUpdateTime, "2026-12-03T15:00:00Z");
  });
});
