/** The pending-pod controller's API access, rule by rule with the code path that needs it. */
import type { ControllerRbac } from "../../rbac-rule.js";

export const PENDING_RBAC: ControllerRbac = {
  cluster: [
    {
      rule: { apiGroups: [""], resources: ["pods"], verbs: ["list", "watch"] },
      why:
        "What each node has left needs the pods bound to it in every namespace, cached by the bound-pods " +
        "informer (controllers/caches.ts BOUND_PODS: field selector spec.nodeName!=, live phases only; node, " +
        "phase and requests kept).",
    },
    {
      rule: { apiGroups: [""], resources: ["nodes"], verbs: ["list", "watch"] },
      why: "The Node informer (controllers/caches.ts NODES): taints, labels and allocatable of every node.",
    },
  ],
};
