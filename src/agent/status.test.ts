import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { V1Pod } from "@kubernetes/client-node";
import { NO_SUCH_FILE_LOG } from "../spark/stack-traces.test-helpers.js";
import { pod } from "./fixtures.test-helpers.js";
import {
  backoffMs,
  type ContainerRecord,
  logTailMessage,
  MESSAGE_MAX_BYTES,
  type PodSnapshot,
  podPhase,
  podStatus,
  restartPolicy,
  shouldRestart,
  shouldRestartInit,
  terminationReason,
} from "./status.js";

const T0 = "2024-01-01T00:00:00.000Z";
const T1 = "2024-01-01T00:00:05.000Z";
const waiting = (name: string, reason = "ContainerCreating"): ContainerRecord => ({
  name,
  restartCount: 0,
  current: { state: "waiting", reason },
});
const running = (name: string, restartCount = 0): ContainerRecord => ({
  name,
  restartCount,
  current: { state: "running", startedAt: T0 },
  containerID: `sparkplane://${name}`,
});
const exited = (
  name: string,
  exitCode: number,
  reason = exitCode ? "Error" : "Completed",
): ContainerRecord => ({
  name,
  restartCount: 0,
  current: { state: "terminated", exitCode, reason, startedAt: T0, finishedAt: T1 },
});
const snap = (
  containers: ContainerRecord[],
  init: ContainerRecord[] = [],
  extra: Partial<PodSnapshot> = {},
): PodSnapshot => ({
  podIP: "127.9.1.2",
  hostIP: "127.9.1.1",
  startTime: T0,
  sandboxReady: true,
  init,
  containers,
  ...extra,
});
interface S {
  phase: string;
  podIP?: string;
  podIPs?: unknown;
  hostIPs?: unknown;
  startTime?: string;
  reason?: string;
  message?: string;
  conditions: {
    type: string;
    status: string;
    reason?: string;
    message?: string;
    lastTransitionTime?: string;
  }[];
  containerStatuses: Record<string, unknown>[];
  initContainerStatuses?: unknown[];
}
const two = (policy: "Always" | "OnFailure" | "Never"): V1Pod =>
  pod({ restartPolicy: policy, containers: [{ name: "a" }, { name: "b" }] });

describe("restart decisions", () => {
  test("policy default Always", () => {
    assert.equal(restartPolicy(pod({ restartPolicy: undefined })), "Always");
    assert.equal(restartPolicy(pod({ restartPolicy: "OnFailure" })), "OnFailure");
  });
  test("containers and init containers", () => {
    assert.equal(shouldRestart("Always", 0), true);
    assert.equal(shouldRestart("OnFailure", 0), false);
    assert.equal(shouldRestart("OnFailure", 1), true);
    assert.equal(shouldRestart("Never", 1), false);
    assert.equal(shouldRestartInit("Always", 1), true);
    assert.equal(shouldRestartInit("OnFailure", 0), false);
    assert.equal(shouldRestartInit("Never", 1), false);
  });
  test("backoff doubles, caps at 5 min, resets after a long run", () => {
    assert.equal(backoffMs(0, 1000), 10_000);
    assert.equal(backoffMs(1, 1000), 20_000);
    assert.equal(backoffMs(10, 1000), 300_000);
    assert.equal(backoffMs(10, 600_000), 10_000);
    assert.equal(backoffMs(2, 0, 100), 400);
  });
  test("termination reasons", () => {
    assert.equal(terminationReason(0), "Completed");
    assert.equal(terminationReason(1), "Error");
    assert.equal(terminationReason(137, { oomKilled: true }), "OOMKilled");
    assert.equal(terminationReason(128, { startError: true }), "StartError");
  });
  test("failure messages: the log's last lines within the kubelet's limits", () => {
    assert.equal(logTailMessage("a\nb\n\n"), "a\nb");
    assert.equal(logTailMessage(""), undefined);
    const long = Array.from({ length: 200 }, (_, i) => `line ${i} ${"x".repeat(40)}`).join("\n");
    const m = logTailMessage(long)!;
    assert.ok(Buffer.byteLength(m) <= MESSAGE_MAX_BYTES);
    assert.ok(m.endsWith(`line 199 ${"x".repeat(40)}`));
    assert.ok(m.startsWith("line "), "cut at a line boundary");
  });
  test("failure messages: a Java stack trace keeps its headline, then the last frames", () => {
    const m = logTailMessage(NO_SUCH_FILE_LOG)!;
    assert.ok(Buffer.byteLength(m) <= MESSAGE_MAX_BYTES);
    assert.match(m, /^Exception in thread "main" org\.apache\.spark\.SparkException: /);
    assert.match(
      m,
      /\nCaused by: java\.nio\.file\.NoSuchFileException: \/opt\/spark\/examples\/jars\/spark-examples\.jar\n/,
    );
    assert.ok(m.endsWith("\t... 7 more"));
  });
});

describe("podPhase", () => {
  test("pending while creating or initialising", () => {
    assert.equal(podPhase(two("Never"), snap([waiting("a"), waiting("b")])), "Pending");
    const withInit = pod({ initContainers: [{ name: "i" }], containers: [{ name: "a" }] });
    assert.equal(podPhase(withInit, snap([waiting("a", "PodInitializing")], [running("i")])), "Pending");
    assert.equal(podPhase(withInit, snap([running("a")], [exited("i", 0)])), "Running");
  });
  test("a failed init container fails a Never pod, not others", () => {
    const p = (policy: "Never" | "OnFailure") =>
      pod({ restartPolicy: policy, initContainers: [{ name: "i" }], containers: [{ name: "a" }] });
    assert.equal(podPhase(p("Never"), snap([waiting("a")], [exited("i", 1)])), "Failed");
    assert.equal(
      podPhase(
        p("OnFailure"),
        snap(
          [waiting("a")],
          [{ ...waiting("i", "CrashLoopBackOff"), last: exited("i", 1).current as never }],
        ),
      ),
      "Pending",
    );
  });
  test("running while any container runs or waits to restart", () => {
    assert.equal(podPhase(two("Never"), snap([running("a"), exited("b", 1)])), "Running");
    const backoff: ContainerRecord = {
      ...waiting("a", "CrashLoopBackOff"),
      restartCount: 1,
      last: { exitCode: 1, reason: "Error", startedAt: T0, finishedAt: T1 },
    };
    assert.equal(podPhase(two("Always"), snap([backoff, waiting("b")])), "Running");
  });
  test("all terminated: Succeeded when all exit 0, else Failed", () => {
    assert.equal(podPhase(two("Never"), snap([exited("a", 0), exited("b", 0)])), "Succeeded");
    assert.equal(podPhase(two("Never"), snap([exited("a", 0), exited("b", 2)])), "Failed");
    assert.equal(podPhase(two("OnFailure"), snap([exited("a", 0), exited("b", 0)])), "Succeeded");
  });
  test("sidecars count as initialised once running and do not keep the pod alive", () => {
    const p = pod({
      initContainers: [{ name: "side", restartPolicy: "Always" }],
      containers: [{ name: "a" }],
    });
    assert.equal(podPhase(p, snap([waiting("a")], [waiting("side")])), "Pending");
    assert.equal(podPhase(p, snap([running("a")], [running("side")])), "Running");
    assert.equal(podPhase(p, snap([exited("a", 0)], [running("side")])), "Succeeded");
    const stopped = { ...exited("side", 143), containerID: "sparkplane://side" };
    assert.equal(
      podPhase(p, snap([exited("a", 0)], [stopped])),
      "Succeeded",
      "a sidecar stopped at the end does not undo initialisation",
    );
  });
  test("a forced phase wins", () => {
    assert.equal(
      podPhase(
        two("Always"),
        snap([running("a"), running("b")], [], {
          forced: { phase: "Failed", reason: "DeadlineExceeded", message: "m" },
        }),
      ),
      "Failed",
    );
  });
});

describe("podStatus", () => {
  const scheduled = { type: "PodScheduled", status: "True", lastTransitionTime: new Date(T0) } as never;
  test("running: IPs, start time, ready conditions, container statuses; PodScheduled kept", () => {
    const p = pod({ containers: [{ name: "c", image: "busybox" }] });
    p.status = { phase: "Pending", conditions: [scheduled] };
    const s = podStatus(p, snap([running("c")]), T1) as unknown as S;
    assert.equal(s.phase, "Running");
    assert.equal(s.podIP, "127.9.1.2");
    assert.deepEqual(s.podIPs, [{ ip: "127.9.1.2" }]);
    assert.deepEqual(s.hostIPs, [{ ip: "127.9.1.1" }]);
    assert.equal(s.startTime, T0);
    const conds = Object.fromEntries(s.conditions.map((c) => [c.type, c.status]));
    assert.deepEqual(conds, {
      PodScheduled: "True",
      PodReadyToStartContainers: "True",
      Initialized: "True",
      ContainersReady: "True",
      Ready: "True",
    });
    assert.deepEqual(s.containerStatuses, [
      {
        name: "c",
        image: "busybox",
        imageID: "",
        ready: true,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: T0 } },
        lastState: {},
        containerID: "sparkplane://c",
      },
    ]);
  });
  test("terminated: not ready with reason PodCompleted; terminated state with exit code", () => {
    const p = pod({ containers: [{ name: "c" }] });
    const s = podStatus(
      p,
      snap([
        { ...exited("c", 1), current: { ...(exited("c", 1).current as object), message: "boom" } as never },
      ]),
      T1,
    ) as unknown as S;
    assert.equal(s.phase, "Failed");
    const ready = s.conditions.find((c) => c.type === "Ready")!;
    assert.deepEqual([ready.status, ready.reason], ["False", "PodCompleted"]);
    const cs = s.containerStatuses[0]!;
    assert.deepEqual(cs.state, {
      terminated: { exitCode: 1, reason: "Error", message: "boom", startedAt: T0, finishedAt: T1 },
    });
    assert.equal(cs.ready, false);
  });
  test("pending: waiting reasons, incomplete init and unready lists; lastTransitionTime kept when unchanged", () => {
    const p = pod({ initContainers: [{ name: "i" }], containers: [{ name: "a" }, { name: "b" }] });
    p.status = { conditions: [{ type: "Initialized", status: "False", lastTransitionTime: new Date(T0) }] };
    const s = podStatus(
      p,
      snap([waiting("a", "PodInitializing"), waiting("b", "PodInitializing")], [running("i")]),
      T1,
    ) as unknown as S;
    const by = Object.fromEntries(s.conditions.map((c) => [c.type, c]));
    assert.equal(by.Initialized!.message, "containers with incomplete status: [i]");
    assert.equal(by.Initialized!.lastTransitionTime, T0);
    assert.equal(by.ContainersReady!.message, "containers with unready status: [a b]");
    assert.equal(by.Ready!.lastTransitionTime, T1);
    assert.equal(s.initContainerStatuses?.length, 1);
  });
  test("no IP before the sandbox; forced reason and message; readiness gates", () => {
    const p = pod({ containers: [{ name: "c" }], readinessGates: [{ conditionType: "example.com/gate" }] });
    const s = podStatus(
      p,
      snap([running("c")], [], { podIP: undefined, forced: undefined }),
      T1,
    ) as unknown as S;
    assert.equal(s.podIP, undefined);
    const ready = s.conditions.find((c) => c.type === "Ready")!;
    assert.deepEqual([ready.status, ready.reason], ["False", "ReadinessGatesNotReady"]);
    const f = podStatus(
      p,
      snap([running("c")], [], {
        forced: { phase: "Failed", reason: "Terminated", message: "node shutdown" },
      }),
      T1,
    ) as unknown as S;
    assert.deepEqual([f.phase, f.reason, f.message], ["Failed", "Terminated", "node shutdown"]);
  });
});
