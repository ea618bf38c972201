/**
 * SparkQueue admission against the real API server: the operator in this process creates queued drivers
 * gated (or, when the queue takes the app at once, admits it at submission, ungated), the queue controller
 * removes the gate of one whole app at a time within the quota, this test plays
 * the kubelet (pod phases), and a restarted operator never admits over the quota.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CustomObjectsApi, type V1Pod } from "@kubernetes/client-node";
import {
  QUEUE_CONDITION,
  SchedulingGate,
  SPARKPLANE_GROUP,
  SPARKPLANE_VERSION,
  SparkQueueNames,
} from "../src/api/sparkplane/constants.js";
import type { SparkQueue } from "../src/api/sparkplane/sparkqueue.js";
import { OperatorLabel } from "../src/api/v1beta2/constants.js";
import { CONTROLLERS } from "../src/operator/operator.js";
import {
  basicApp,
  type OperatorHarness,
  operatorHarness,
  startTestOperator,
  state,
} from "./operator-fixture.js";

const queueRef = { group: SPARKPLANE_GROUP, version: SPARKPLANE_VERSION, plural: SparkQueueNames.plural };
const noCapacityCheck = { queueCapacityCheck: false };

describe("SparkQueue: gang admission through the driver's scheduling gate", { timeout: 180_000 }, () => {
  let h: OperatorHarness;
  let custom: CustomObjectsApi;
  let queue: string;

  before(async () => {
    // The controllers in reverse order: the queue's gate provider registers itself, whatever starts first.
    h = await operatorHarness("queue", {}, { ...noCapacityCheck, controllers: [...CONTROLLERS].reverse() });
    custom = h.cluster.kc.makeApiClient(CustomObjectsApi);
    queue = `${h.ns}-q`;
    await custom.createClusterCustomObject({
      ...queueRef,
      body: {
        apiVersion: `${SPARKPLANE_GROUP}/${SPARKPLANE_VERSION}`,
        kind: SparkQueueNames.kind,
        metadata: { name: queue },
        spec: { quota: { cpu: 3, memory: "8Gi" } },
      },
    });
  });
  after(async () => {
    await h?.stop();
    await custom?.deleteClusterCustomObject({ ...queueRef, name: queue }).catch(() => {});
  });

  const drivers = async () => {
    const list = await h.core.listNamespacedPod({ namespace: h.ns, labelSelector: "spark-role=driver" });
    return list.items.filter((p) => p.metadata?.labels?.[OperatorLabel.AppName]?.startsWith("q"));
  };
  const gated = (p: V1Pod) => p.spec?.schedulingGates?.some((g) => g.name === SchedulingGate.Queue) ?? false;
  const live = (p: V1Pod) => !["Succeeded", "Failed"].includes(p.status?.phase ?? "");
  const readQueue = async () =>
    (await custom.getClusterCustomObject({ ...queueRef, name: queue })) as SparkQueue;
  /** Fails if more than one app (2 CPU each, quota 3) is ever admitted at once. */
  const admittedNow = async () => {
    const pods = (await drivers()).filter(live);
    const admitted = pods.filter((p) => !gated(p));
    assert.ok(
      admitted.length <= 1,
      `over quota: ${admitted.map((p) => p.metadata?.name).join(", ")} admitted`,
    );
    return { pods, admitted };
  };

  const admittedMessage = (app: string) =>
    h.until(`${app}'s admission event`, async () => {
      const list = await h.core.listNamespacedEvent({
        namespace: h.ns,
        fieldSelector: `involvedObject.name=${app},reason=SparkQueueAdmitted`,
      });
      return list.items[0]?.message;
    });

  it("three apps of 2 CPU in a quota of 3 CPU run one at a time, in order, each admitted once", async () => {
    const withQueue = { batchSchedulerOptions: { queue } };
    for (const name of ["q1", "q2", "q3"]) {
      await h.create(basicApp(name, withQueue));
      await new Promise((r) => setTimeout(r, 50)); // distinct creation times: FIFO is by arrival
    }
    const order: string[] = [];
    for (let round = 0; round < 3; round++) {
      const { admitted } = await h.until(`one app admitted (round ${round + 1})`, async () => {
        const now = await admittedNow();
        return now.admitted.length === 1 && now.pods.length + round === 3 ? now : undefined;
      });
      const pod = admitted[0]!;
      order.push(pod.metadata!.labels![OperatorLabel.AppName]!);
      if (round === 0) {
        const status = await h.until("queue status", async () => {
          const s = (await readQueue()).status;
          return s?.running === 1 && s.waiting === 2 ? s : undefined;
        });
        assert.deepEqual(status.used, { cpu: "2", memory: status.used?.memory });
        assert.equal(status.waitingApplications?.[0]?.position, 1);
        assert.match(
          status.waitingApplications?.[0]?.reason ?? "",
          /needs 2 CPU; queue .* has 1 CPU free of 3 CPU/,
        );
        const events = await h.until("a waiting event on q2", async () => {
          const e = await h.events("q2");
          return e.includes("Normal/SparkQueueWaiting") ? e : undefined;
        });
        assert.ok(events.includes("Normal/SparkQueueWaiting"));
        assert.ok((await h.events("q1")).includes("Normal/SparkQueueAdmitted"));
        // Nothing waited ahead of q1 and it fitted: admitted as it was submitted, its driver never gated.
        assert.match(await admittedMessage("q1"), /^admitted by queue .*: 2 CPU .* at submission$/);
        // A pod's generation counts its spec writes: 1 = created ungated, never patched.
        assert.equal(pod.metadata?.generation, 1, "q1's driver was never written after its creation");
        const waitingPod = await h.until("q2's driver says why it waits", async () => {
          const pod = (await drivers()).find((p) => p.metadata?.labels?.[OperatorLabel.AppName] === "q2");
          return pod?.status?.conditions?.find((c) => c.type === QUEUE_CONDITION) ? pod : undefined;
        });
        const condition = waitingPod.status!.conditions!.find((c) => c.type === QUEUE_CONDITION)!;
        assert.equal(condition.status, "False");
        assert.match(condition.message ?? "", /^next in queue .*: needs 2 CPU; .* 1 CPU free of 3 CPU/);
      }
      // A second look a moment later: nothing else slipped in.
      await new Promise((r) => setTimeout(r, 300));
      await admittedNow();
      if (round > 0) {
        assert.match(
          await admittedMessage(order[round]!),
          /^admitted by queue .* executors$/,
          "after waiting, gated",
        );
        assert.ok((pod.metadata?.generation ?? 0) > 1, "its gate was removed by a write of the pod's spec");
      }
      await h.setPodPhase(pod.metadata!.name!, "Succeeded");
    }
    assert.deepEqual(order, ["q1", "q2", "q3"]);
    for (const name of ["q1", "q2", "q3"])
      await h.until(`${name} COMPLETED`, async () => state(await h.get(name)) === "COMPLETED");
  });

  it("an app that can never fit its queue fails at submission, naming the fields and the numbers", async () => {
    await h.create(
      basicApp("qhuge", {
        batchSchedulerOptions: { queue },
        executor: { instances: 4, cores: 1, memory: "512m" },
      }),
    );
    const app = await h.until("qhuge failed", async () => {
      const a = await h.get("qhuge");
      return ["SUBMISSION_FAILED", "FAILED"].includes(state(a)) ? a : undefined;
    });
    assert.match(
      app.status?.applicationState?.errorMessage ?? "",
      /spec\.batchSchedulerOptions\.queue ".*": needs 5 CPU .*spec\.quota\.cpu 3 CPU/,
    );
  });

  it("an operator restarted while apps wait admits none over the quota", async () => {
    const withQueue = { batchSchedulerOptions: { queue } };
    await h.create(basicApp("qa", withQueue));
    await h.until("qa admitted", async () => (await admittedNow()).admitted.length === 1);
    await h.operator.stop();
    for (const name of ["qb", "qc"]) await h.create(basicApp(name, withQueue));
    // Leader election keeps one operator admitting at a time; a restarted one decides from a fresh list.
    const restarted = await startTestOperator(h.cluster.kc, h.ns, {}, noCapacityCheck);
    try {
      await h.until("qb and qc created gated", async () => (await drivers()).filter(live).length === 3);
      for (let i = 0; i < 10; i++) {
        await admittedNow();
        await new Promise((r) => setTimeout(r, 100));
      }
      const [admitted] = (await admittedNow()).admitted;
      assert.equal(admitted?.metadata?.labels?.[OperatorLabel.AppName], "qa", "qa keeps its place");
      await h.setPodPhase(admitted!.metadata!.name!, "Succeeded");
      const next = await h.until("qb admitted after qa", async () => {
        const now = await admittedNow();
        return now.admitted.length === 1 ? now.admitted[0] : undefined;
      });
      assert.equal(next?.metadata?.labels?.[OperatorLabel.AppName], "qb");
    } finally {
      await restarted.stop();
    }
  });
});
