/** The placement controller's cache of ResourcePolicies (pods and nodes come from the shared caches). */
import { RESOURCE_POLICY_API_VERSION, ResourcePolicyNames } from "../../../api/resourcepolicy/constants.js";
import type { InformerSpec } from "../../../kube/informer-registry.js";

export const RESOURCE_POLICIES: InformerSpec = {
  key: "resourcepolicies",
  resource: {
    apiVersion: RESOURCE_POLICY_API_VERSION,
    kind: ResourcePolicyNames.kind,
    plural: ResourcePolicyNames.plural,
  },
};
