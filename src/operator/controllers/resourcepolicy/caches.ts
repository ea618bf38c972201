/** The placement controller's caches: ResourcePolicies and nodes (Spark pods come from the shared cache). */
import { RESOURCE_POLICY_API_VERSION, ResourcePolicyNames } from "../../../api/resourcepolicy/constants.js";
import type { InformerSpec } from "../../../kube/informer-registry.js";
import { Resources } from "../../../kube/resource.js";

export const RESOURCE_POLICIES: InformerSpec = {
  key: "resourcepolicies",
  resource: {
    apiVersion: RESOURCE_POLICY_API_VERSION,
    kind: ResourcePolicyNames.kind,
    plural: ResourcePolicyNames.plural,
  },
};

export const NODES: InformerSpec = { key: "nodes", resource: Resources.nodes };
