/**
 * The placement controller against a real API server: ResourcePolicy pods gated with sparkplane.io/placement
 * are given a unit and ungated exactly once; two operators racing, and an operator restarted mid-way, never
 * admit more pods to a unit than its max.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, describe, test } from "node:test";
import { CoreV1Api, CustomObjectsApi, type V1Pod } from "@kubernetes/client-node";
import {
  RESOURCE_POLICY_GROUP,
  RESOURCE_POLICY_VERSION,
  ResourcePolicyNames,
} from "../src/api/resourcepolicy/constants.js";
import { SchedulingGate } from "../src/api/sparkplane/constants.js";
import { PlacementAnnotation } from "../src/operator/controllers/resourcepolicy/decide/index.js";
import type { RunningOperator } from "../src/operator/operator.js";
import { CONTROLLERS } from "../src/operator/operator.js";
import { freshNamespace } from "./cluster.js";
import { startTestOperator } from "./operator-fixture.js";
import { eventually } from "./poll.js";

const TAINT = { key: "sparkplane.test/placement", value: "only", effect: "NoSchedule" };

describe("placement controller (ResourcePolicy) against a real API server", () => {
  const operators: RunningOperator[] = [];
  const nodeNames: string[] = [];
  let core: CoreV1Api;
  after(async () => {
    for (const o of operators) await o.stop();
    for (const name of nodeNames) await core?.deleteNode({ name }).catch(() => undefined);
  });

  test("two racing operators and a restart never place more than max in a unit", async () => {
    const { name: ns, cluster } = await freshNamespace("placement");
    core = cluster.kc.makeApiClient(CoreV1Api);
    const custom = cluster.kc.makeApiClient(CustomObjectsApi);
    const pool = randomBytes(3).toString("hex");
    // Tainted so that nothing else lands there; the pods tolerate the taint.
    for (const [suffix, labels] of [
      ["ecs", { "sparkplane.test/pool": pool }],
      ["vk", { "sparkplane.test/pool": pool, type: "virtual-kubelet" }],
    ] as const) {
      const name = `placement-${suffix}-${pool}`;
      await core.createNode({ body: { metadata: { name, labels }, spec: { taints: [TAINT] } } });
      nodeNames.push(name);
    }
    operators.push(await startTestOperator(cluster.kc, ns), await startTestOperator(cluster.kc, ns));
    await custom.createNamespacedCustomObject({
      group: RESOURCE_POLICY_GROUP,
      version: RESOURCE_POLICY_VERSION,
      plural: ResourcePolicyNames.plural,
      namespace: ns,
      body: {
        apiVersion: `${RESOURCE_POLICY_GROUP}/${RESOURCE_POLICY_VERSION}`,
        kind: ResourcePolicyNames.kind,
        metadata: { name: "tiers" },
        spec: {
          selector: { "test/app": "placed" },
          matchLabelKeys: ["test/group"],
          ignorePreviousPod: true,
          // No kubelet reports capacity here: counts alone decide.
          whenTryNextUnits: { policy: "ExceedMax" },
          units: [
            { resource: "ecs", max: 2, nodeSelector: { "sparkplane.test/pool": pool } },
            {
              resource: "eci",
              max: 3,
              nodeSelector: { "sparkplane.test/pool": pool, type: "virtual-kubelet" },
            },
          ],
        },
      },
    });
    const gatedPod = (name: string, group: string): V1Pod => ({
      metadata: { name, labels: { "test/app": "placed", "test/group": group, "spark-role": "executor" } },
      spec: {
        schedulingGates: [{ name: SchedulingGate.Placement }],
        tolerations: [{ ...TAINT, operator: "Equal" }],
        containers: [{ name: "c", image: "none", resources: { requests: { cpu: "100m" } } }],
      },
    });
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        core.createNamespacedPod({ namespace: ns, body: gatedPod(`a-${i}`, "g1") }),
      ),
    );
    const summary = async (group: string) => {
      const pods = (await core.listNamespacedPod({ namespace: ns, labelSelector: `test/group=${group}` }))
        .items;
      const units = [0, 0];
      let gated = 0;
      for (const p of pods) {
        const gates = (p.spec?.schedulingGates ?? []).map((g) => g.name);
        const unit = p.metadata?.annotations?.[PlacementAnnotation.Unit];
        if (gates.includes(SchedulingGate.Placement)) {
          gated += 1;
          assert.equal(unit, undefined, `${p.metadata?.name} is annotated but still gated`);
        } else {
          units[Number(unit)]! += 1;
          const selector = p.spec?.nodeSelector ?? {};
          assert.equal(selector["sparkplane.test/pool"], pool);
          assert.equal(selector.type, unit === "1" ? "virtual-kubelet" : undefined);
        }
      }
      return { units, gated };
    };
    await eventually("5 of 8 pods placed", async () => (await summary("g1")).gated === 3, {
      timeoutMs: 20_000,
    });
    // Leave the racers time to go wrong.
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(await summary("g1"), { units: [2, 3], gated: 3 });

    // Restart: a new operator replaces the first one mid-way through a second group.
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        core.createNamespacedPod({ namespace: ns, body: gatedPod(`b-${i}`, "g2") }),
      ),
    );
    await operators.shift()!.stop();
    // The controllers in reverse order: placement's gate provider registers itself, whatever starts first.
    operators.push(await startTestOperator(cluster.kc, ns, {}, { controllers: [...CONTROLLERS].reverse() }));
    await eventually("5 of 6 g2 pods placed", async () => (await summary("g2")).gated === 1, {
      timeoutMs: 20_000,
    });
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(await summary("g2"), { units: [2, 3], gated: 1 });
    assert.deepEqual(await summary("g1"), { units: [2, 3], gated: 3 });

    // A freed slot (a placed pod deleted) admits exactly one waiting pod.
    const placed = (
      await core.listNamespacedPod({ namespace: ns, labelSelector: "test/group=g1" })
    ).items.find((p) => p.metadata?.annotations?.[PlacementAnnotation.Unit] === "0")!;
    await core.deleteNamespacedPod({ namespace: ns, name: placed.metadata!.name!, gracePeriodSeconds: 0 });
    await eventually("one g1 pod placed in the freed slot", async () => (await summary("g1")).gated === 2, {
      timeoutMs: 20_000,
    });
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(await summary("g1"), { units: [2, 3], gated: 2 });
    const events = (await core.listNamespacedEvent({ namespace: ns })).items.filter(
      (e) => e.reason === "PlacementUnitsFull",
    );
    assert.ok(events.length > 0, "a pod over every unit's max has an event saying why");
    assert.match(events[0]!.message ?? "", /unit 0 \(ecs\) 2\/2, unit 1 \(eci\) 3\/3/);
  });
});
