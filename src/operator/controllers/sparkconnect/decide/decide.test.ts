import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { V1Pod } from "@kubernetes/client-node";
import type { SparkConnect } from "../../../../api/v1alpha1/sparkconnect.js";
import { type ConnectObservation, decideConnect, setCondition } from "./decide.js";

const NOW = "2026-01-01T00:00:10Z";
const conn = (status?: SparkConnect["status"]): SparkConnect => ({
  apiVersion: "sparkoperator.k8s.io/v1alpha1",
  kind: "SparkConnect",
  metadata: { name: "s1", namespace: "ns", uid: "u" },
  spec: { sparkVersion: "3.5.9", image: "spark", server: {}, executor: { instances: 1 } },
  ...(status ? { status } : {}),
});
const pod = (name: string, status: V1Pod["status"], role = "connect-server"): V1Pod => ({
  metadata: { name, labels: { "spark-role": role } },
  status,
});
const obs = (o: Partial<ConnectObservation> = {}): ConnectObservation => ({
  conn: conn(),
  executors: [],
  names: { pod: "s1-server", service: "s1-server" },
  connectionURL: "sc://s1-server.ns.svc:15002",
  serverAsks: "1 CPU, 1g memory",
  executorAsks: "1 CPU, 1g memory",
  now: NOW,
  ...o,
});
const unschedulable = {
  phase: "Pending",
  conditions: [
    {
      type: "PodScheduled",
      status: "False",
      reason: "Unschedulable",
      message: "0/1 nodes are available: 1 Insufficient cpu.",
    },
  ],
};

describe("decideConnect", () => {
  test("Stopped stays Stopped: no server re-created, the message kept, no pod IP", () => {
    const stopped = conn({
      state: "Stopped",
      message: "stopped: idle for 30m0s",
      server: { podName: "s1-server", podIp: "127.0.0.9" },
    });
    const d = decideConnect(obs({ conn: stopped }));
    assert.deepEqual(d.actions, []);
    assert.equal(d.status.state, "Stopped");
    assert.equal(d.status.message, "stopped: idle for 30m0s");
    assert.equal(d.status.server?.podIp, undefined);
    assert.equal(d.status.conditions?.[0]?.status, "False");
    assert.deepEqual(d.events, []);
    const left = decideConnect(
      obs({ conn: stopped, serverPod: pod("s1-server", { phase: "Running" }), executors: [] }),
    );
    assert.deepEqual(left.actions, [{ kind: "deleteServer" }], "a server still there is deleted");
  });
  test("no server pod: create it; Provisioning with the URL and names", () => {
    const d = decideConnect(obs());
    assert.deepEqual(d.actions, [{ kind: "createServer" }]);
    assert.equal(d.status.state, "Provisioning");
    assert.equal(d.status.connectionURL, "sc://s1-server.ns.svc:15002");
    assert.equal(d.status.server?.podName, "s1-server");
    assert.equal(d.status.startTime, NOW);
    assert.equal(d.status.conditions?.[0]?.status, "False");
    assert.equal(d.events[0]?.reason, "SparkConnectServerCreated");
  });
  test("a Ready server pod: Ready, the pod IP, ServerPodReady True, one event", () => {
    const ready = pod("s1-server", {
      phase: "Running",
      podIP: "127.0.0.9",
      conditions: [{ type: "Ready", status: "True" }],
    });
    const d = decideConnect(
      obs({ serverPod: ready, executors: [pod("e1", { phase: "Running" }, "executor")] }),
    );
    assert.deepEqual(d.actions, []);
    assert.equal(d.status.state, "Ready");
    assert.equal(d.status.server?.podIp, "127.0.0.9");
    assert.deepEqual(d.status.executors, { running: 1 });
    assert.equal(d.status.conditions?.[0]?.reason, "ServerPodReady");
    assert.equal(d.events.length, 1);
    const again = decideConnect(
      obs({
        conn: conn(d.status),
        serverPod: ready,
        executors: [pod("e1", { phase: "Running" }, "executor")],
      }),
    );
    assert.equal(again.events.length, 0);
    assert.equal(again.status, d.status, "unchanged status is the same object: nothing to write");
  });
  test("a running pod not yet ready stays Provisioning; once it was ready, NotReady with a warning", () => {
    const running = pod("s1-server", { phase: "Running", conditions: [{ type: "Ready", status: "False" }] });
    assert.equal(decideConnect(obs({ serverPod: running })).status.state, "Provisioning");
    const was = decideConnect(obs({ conn: conn({ state: "Ready" }), serverPod: running }));
    assert.equal(was.status.state, "NotReady");
    assert.equal(was.events[0]?.reason, "SparkConnectNotReady");
  });
  test("a server that does not fit: the message names the fields, the ask and the scheduler's words", () => {
    const d = decideConnect(obs({ serverPod: pod("s1-server", unschedulable) }));
    assert.equal(d.status.state, "Provisioning");
    assert.match(
      d.status.message!,
      /spec\.server\.cores.*asks for|asks for 1 CPU, 1g memory \(spec\.server\.cores/,
    );
    assert.match(d.status.message!, /Insufficient cpu/);
    assert.equal(d.events[0]?.reason, "SparkConnectUnschedulable");
    assert.equal(
      decideConnect(obs({ conn: conn(d.status), serverPod: pod("s1-server", unschedulable) })).events.length,
      0,
    );
  });
  test("executors that do not fit are said on a Ready session", () => {
    const ready = pod("s1-server", { phase: "Running", conditions: [{ type: "Ready", status: "True" }] });
    const d = decideConnect(obs({ serverPod: ready, executors: [pod("e1", unschedulable, "executor")] }));
    assert.equal(d.status.state, "Ready");
    assert.match(d.status.message!, /1 executor\(s\) do not fit.*spec\.executor\.cores/);
    assert.ok(d.events.some((e) => e.reason === "SparkConnectExecutorsUnschedulable"));
  });
  test("a finished server pod: Failed with its exit; an invalid spec: Failed naming the field, no action", () => {
    const failed = pod("s1-server", {
      phase: "Failed",
      containerStatuses: [
        {
          name: "c",
          image: "",
          imageID: "",
          ready: false,
          restartCount: 0,
          state: { terminated: { exitCode: 1, reason: "Error" } },
        },
      ],
    });
    const d = decideConnect(obs({ serverPod: failed }));
    assert.equal(d.status.state, "Failed");
    assert.match(d.status.message!, /exit code 1 \(Error\)/);
    const bad = decideConnect(obs({ specError: "spec.image is required" }));
    assert.deepEqual(bad.actions, []);
    assert.equal(bad.status.state, "Failed");
    assert.equal(bad.events[0]?.reason, "SparkConnectInvalidSpec");
  });
  test("setCondition keeps lastTransitionTime while the status holds", () => {
    const first = setCondition(undefined, {
      type: "T",
      status: "False",
      reason: "R",
      message: "a",
      lastTransitionTime: "t1",
    });
    const same = setCondition(first, {
      type: "T",
      status: "False",
      reason: "R",
      message: "b",
      lastTransitionTime: "t2",
    });
    assert.equal(same[0]?.lastTransitionTime, "t1");
    assert.equal(same[0]?.message, "b");
    const flipped = setCondition(same, {
      type: "T",
      status: "True",
      reason: "R",
      message: "c",
      lastTransitionTime: "t3",
    });
    assert.equal(flipped[0]?.lastTransitionTime, "t3");
  });
});
