/**
 * The placement controller's registration (ResourcePolicy, ACK's capacity tiers, on any cluster): decides
 * at start whether sparkplane places here (see crd.ts), then watches gated Spark pods, nodes and policies;
 * any change to nodes or policies re-examines every gated pod.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { CoordinationV1Api, type KubernetesObject, type V1Node } from "@kubernetes/client-node";
import type { ResourcePolicy } from "../../../api/resourcepolicy/resourcepolicy.js";
import { objectKey } from "../../../kube/resource.js";
import { ControllerName } from "../../metrics/names.js";
import { NODES, SPARK_PODS } from "../caches.js";
import type { ControllerDefinition, ControllerOptions } from "../controller.js";
import { controllerQueue, queueWorkers } from "../queue-workers.js";
import { RESOURCE_POLICIES } from "./caches.js";
import { PlacementController } from "./controller.js";
import { ensureResourcePolicyCrd } from "./crd.js";
import { hasPlacementGate, PlacementEventReason } from "./decide/index.js";
import { placementGateProvider } from "./provider.js";
import { PLACEMENT_RBAC } from "./rbac.js";

export interface PlacementControllerOptions extends ControllerOptions {
  /** Create the ResourcePolicy CRD when it is absent (the operator's --install-crds). */
  installCrds?: boolean;
}

const PLACEMENT_CONTROLLER = ControllerName.Placement;

const keyOf = objectKey;

export const placementController: ControllerDefinition<PlacementControllerOptions> = {
  name: PLACEMENT_CONTROLLER,
  rbac: PLACEMENT_RBAC,
  async start(ctx) {
    const { active, ownership } = await ensureResourcePolicyCrd(ctx.kc, ctx.options.installCrds ?? true);
    const idle = {
      startWorkers() {},
      enqueue() {},
      ready: () => true,
      stop: async () => {},
    };
    if (!active) {
      if (ownership === "foreign") {
        ctx.log.info(
          { crd: "resourcepolicies.scheduling.alibabacloud.com" },
          "another ResourcePolicy CRD is installed (ACK): its scheduler places these pods; sparkplane adds no placement gate",
        );
        const policies = ctx.informers.informer(RESOURCE_POLICIES);
        policies.addHandlers({
          onAdd: (p) =>
            ctx.events.event(
              p,
              "Normal",
              PlacementEventReason.LeftToAck,
              "ResourcePolicy CRD is not sparkplane's: ACK's scheduler places the pods this policy selects",
            ),
        });
      } else {
        ctx.log.info(
          { ownership },
          "ResourcePolicy CRD absent and not installed, or CRDs not readable (--no-install-crds): placement off",
        );
      }
      return idle;
    }
    ctx.podShaping.addGateProvider(PLACEMENT_CONTROLLER, placementGateProvider(ctx));
    const pods = ctx.informers.informer(SPARK_PODS);
    const policies = ctx.informers.informer(RESOURCE_POLICIES);
    const nodes = ctx.informers.informer(NODES);
    const controller = new PlacementController({
      core: ctx.clients.core,
      coord: ctx.kc.makeApiClient(CoordinationV1Api),
      identity: `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
      policies: () => policies.list() as unknown as ResourcePolicy[],
      nodes: () => nodes.list() as unknown as V1Node[],
      events: ctx.events,
      log: ctx.log,
      now: ctx.options.now,
    });
    const queue = controllerQueue(ctx, PLACEMENT_CONTROLLER);
    const gated = new Set<string>();
    const track = (o: KubernetesObject) => {
      if (hasPlacementGate(o as never)) {
        gated.add(keyOf(o));
        queue.add(keyOf(o));
      } else gated.delete(keyOf(o));
    };
    const everyGated = () => {
      for (const key of gated) queue.add(key);
    };
    pods.addHandlers({
      onAdd: track,
      onUpdate: (_old, o) => {
        track(o);
        // A pod that was placed, bound, finished or is terminating changes counts and free capacity.
        everyGated();
      },
      onDelete: (o) => {
        gated.delete(keyOf(o));
        everyGated();
      },
    });
    for (const informer of [policies, nodes])
      informer.addHandlers({
        onAdd: everyGated,
        onUpdate: everyGated,
        onDelete: everyGated,
      });
    return queueWorkers(ctx, PLACEMENT_CONTROLLER, queue, (key) => controller.reconcile(key));
  },
};
