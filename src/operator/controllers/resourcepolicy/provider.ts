/**
 * The placement gate provider: a run whose driver or executor pods a ResourcePolicy of the app's namespace
 * selects gets `sparkplane.io/placement` on those pods, so they wait for the placement controller.
 */
import type { V1Pod } from "@kubernetes/client-node";
import type { ResourcePolicy } from "../../../api/resourcepolicy/resourcepolicy.js";
import { SchedulingGate } from "../../../api/sparkplane/constants.js";
import type { ControllerContext } from "../controller.js";
import type { SchedulingGateProvider } from "../pod-shaping.js";
import { RESOURCE_POLICIES } from "./caches.js";
import { policyFor } from "./decide/index.js";
import { runPodLabels } from "./run-labels.js";

/** Registered by the placement controller when it places on this cluster (see crd.ts). */
export function placementGateProvider(ctx: Pick<ControllerContext, "informers">): SchedulingGateProvider {
  const policies = ctx.informers.informer(RESOURCE_POLICIES);
  return ({ app, submissionId }) => {
    const inNamespace = policies.list(app.metadata.namespace ?? "default") as unknown as ResourcePolicy[];
    if (inNamespace.length === 0) return undefined;
    const labels = runPodLabels(app, submissionId);
    const gated = (l: Record<string, string>) =>
      policyFor(inNamespace, { metadata: { labels: l } } as V1Pod) ? [SchedulingGate.Placement] : [];
    return { driver: gated(labels.driver), executor: gated(labels.executor) };
  };
}
