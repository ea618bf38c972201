/** The placement controller's API access, rule by rule with the code path that needs it. */
import { RESOURCE_POLICY_GROUP, ResourcePolicyNames } from "../../../api/resourcepolicy/constants.js";
import type { ControllerRbac } from "../../rbac-rule.js";

export const PLACEMENT_RBAC: ControllerRbac = {
  namespaced: [
    {
      rule: { apiGroups: [""], resources: ["pods"], verbs: ["list", "watch", "update"] },
      why:
        "watch: the shared Spark pod informer. update: a gated pod's unit (node selection, annotations) and the " +
        "removal of its sparkplane.io/placement gate in one PUT with the resourceVersion read; list: a namespace's " +
        "pods per unit from the API server (resourcepolicy/controller.ts).",
    },
    {
      rule: {
        apiGroups: [RESOURCE_POLICY_GROUP],
        resources: [ResourcePolicyNames.plural],
        verbs: ["list", "watch"],
      },
      why: "The ResourcePolicy informer: the placement gate provider and controller (resourcepolicy/index.ts, provider.ts).",
    },
    {
      rule: { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "create", "delete"] },
      why:
        "The placement lock: a Lease (sparkplane-placement) that exists while one process decides and writes a " +
        "namespace's placements, so no two replicas admit one slot twice (resourcepolicy/lock.ts).",
    },
  ],
  cluster: [
    {
      rule: { apiGroups: [""], resources: ["nodes"], verbs: ["list", "watch"] },
      why: "The Node informer: which nodes each ResourcePolicy unit has and their free capacity (resourcepolicy/index.ts).",
    },
  ],
};
