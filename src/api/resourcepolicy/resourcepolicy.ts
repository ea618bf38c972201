/**
 * ResourcePolicy (`scheduling.alibabacloud.com/v1alpha1`): ordered units of capacity (node selections with
 * a pod maximum each) that the pods it selects fill in order. The field names and values are ACK's, so a
 * manifest written for ACK applies unchanged.
 */
import { type Static, Type } from "@sinclair/typebox";
import { Int32, StringEnum, StringMap } from "../schema.js";
import {
  PREEMPT_POLICIES,
  RESOURCE_POLICY_API_VERSION,
  ResourcePolicyNames,
  STRATEGIES,
  UNIT_RESOURCES,
  WHEN_TRY_NEXT_UNITS_POLICIES,
} from "./constants.js";

const Opt = Type.Optional;

export const ResourcePolicyUnitSchema = Type.Object({
  resource: StringEnum(UNIT_RESOURCES, {
    description: "ecs (regular nodes), eci (virtual-kubelet nodes), elastic or acs.",
  }),
  nodeSelector: Opt(StringMap({ description: "Labels of the unit's nodes." })),
  max: Opt(Int32({ minimum: 0, description: "Pods placed in this unit at most; unset: no limit." })),
  podLabels: Opt(StringMap({ description: "Labels added to a pod placed in this unit." })),
  podAnnotations: Opt(StringMap({ description: "Annotations added to a pod placed in this unit." })),
  spotInstance: Opt(Type.Boolean()),
});

export const WhenTryNextUnitsSchema = Type.Object({
  policy: Opt(StringEnum(WHEN_TRY_NEXT_UNITS_POLICIES)),
  timeout: Opt(Type.String({ description: "A duration such as 1m, for TimeoutOrExceedMax." })),
});

export const ResourcePolicySpecSchema = Type.Object({
  selector: Opt(StringMap({ description: "Pods with all these labels follow the policy." })),
  strategy: Opt(StringEnum(STRATEGIES)),
  units: Type.Array(ResourcePolicyUnitSchema, { minItems: 1 }),
  matchLabelKeys: Opt(
    Type.Array(Type.String(), { description: "Pods are counted per value of these labels." }),
  ),
  ignorePreviousPod: Opt(Type.Boolean({ description: "Do not count pods created before the policy." })),
  ignoreTerminatingPod: Opt(Type.Boolean({ description: "Do not count terminating pods." })),
  preemptPolicy: Opt(StringEnum(PREEMPT_POLICIES)),
  whenTryNextUnits: Opt(WhenTryNextUnitsSchema),
});

export const ResourcePolicyStatusSchema = Type.Object({});

export const ResourcePolicySchema = Type.Object({
  apiVersion: Type.Literal(RESOURCE_POLICY_API_VERSION),
  kind: Type.Literal(ResourcePolicyNames.kind),
  metadata: Type.Object(
    {
      name: Opt(Type.String()),
      namespace: Opt(Type.String()),
      creationTimestamp: Opt(Type.String()),
      uid: Opt(Type.String()),
    },
    { additionalProperties: true },
  ),
  spec: ResourcePolicySpecSchema,
});

export type ResourcePolicyUnit = Static<typeof ResourcePolicyUnitSchema>;
export type ResourcePolicySpec = Static<typeof ResourcePolicySpecSchema>;
export type ResourcePolicy = Static<typeof ResourcePolicySchema>;
