/**
 * ACK's ResourcePolicy API (`scheduling.alibabacloud.com/v1alpha1`, namespaced): names and values Alibaba
 * Cloud defines. sparkplane serves the same schema where ACK's scheduler is absent.
 */
export const RESOURCE_POLICY_GROUP = "scheduling.alibabacloud.com";
export const RESOURCE_POLICY_VERSION = "v1alpha1";
export const RESOURCE_POLICY_API_VERSION = `${RESOURCE_POLICY_GROUP}/${RESOURCE_POLICY_VERSION}`;

export const ResourcePolicyNames = {
  kind: "ResourcePolicy",
  listKind: "ResourcePolicyList",
  plural: "resourcepolicies",
  singular: "resourcepolicy",
  shortNames: [] as string[],
} as const;

/** `units[].resource`: the kind of capacity a unit stands for. */
export const UnitResource = {
  /** Regular nodes, chosen by the unit's nodeSelector. */
  Ecs: "ecs",
  /** Elastic container instances: virtual-kubelet nodes (label type=virtual-kubelet). */
  Eci: "eci",
  /** ACK's auto-scaling node pools: regular nodes too, here. */
  Elastic: "elastic",
  /** ACK's serverless compute class: treated as virtual-kubelet nodes, like eci. */
  Acs: "acs",
} as const;

export const UNIT_RESOURCES = [
  UnitResource.Ecs,
  UnitResource.Eci,
  UnitResource.Elastic,
  UnitResource.Acs,
] as const;

/** The label ACK's virtual nodes carry; an eci/acs unit without a nodeSelector selects nodes with it. */
export const VIRTUAL_KUBELET_LABEL = { key: "type", value: "virtual-kubelet" } as const;

export const WHEN_TRY_NEXT_UNITS_POLICIES = [
  "ExceedMax",
  "LackResourceOrExceedMax",
  "TimeoutOrExceedMax",
  "LackResourceAndNoTerminating",
] as const;

export const PREEMPT_POLICIES = ["AfterAllUnits", "BeforeNextUnit"] as const;
export const STRATEGIES = ["prefer"] as const;
