/** The core/v1 (and networking/v1) types that SparkApplications embed. */
import type {
  V1Affinity,
  V1Container,
  V1EnvFromSource,
  V1EnvVar,
  V1HostAlias,
  V1Lifecycle,
  V1OwnerReference,
  V1PodDNSConfig,
  V1PodSecurityContext,
  V1PodTemplateSpec,
  V1SecurityContext,
  V1Toleration,
  V1Volume,
  V1VolumeMount,
} from "@kubernetes/client-node";
import { type Static, Type } from "@sinclair/typebox";
import {
  Int32,
  Int64,
  KubeObject,
  KubeObjectList,
  StringEnum,
  StringList,
  StringMap,
  Timestamp,
} from "../schema.js";

export const VolumeSchema = KubeObject<V1Volume>({ name: Type.String() });
export const VolumeMountSchema = KubeObject<V1VolumeMount>({ name: Type.String(), mountPath: Type.String() });
export const ContainerSchema = KubeObject<V1Container>({ name: Type.String() });
export const EnvVarSchema = KubeObject<V1EnvVar>({
  name: Type.String(),
  value: Type.Optional(Type.String()),
  valueFrom: Type.Optional(KubeObject()),
});
export const EnvFromSourceSchema = KubeObject<V1EnvFromSource>();
export const AffinitySchema = KubeObject<V1Affinity>();
export const TolerationSchema = KubeObject<V1Toleration>({
  key: Type.Optional(Type.String()),
  operator: Type.Optional(StringEnum(["Exists", "Equal"])),
  value: Type.Optional(Type.String()),
  effect: Type.Optional(StringEnum(["", "NoSchedule", "PreferNoSchedule", "NoExecute"])),
  tolerationSeconds: Type.Optional(Int64()),
});
export const PodTemplateSpecSchema = KubeObject<V1PodTemplateSpec>();
export const PodSecurityContextSchema = KubeObject<V1PodSecurityContext>();
export const SecurityContextSchema = KubeObject<V1SecurityContext>();
export const PodDNSConfigSchema = KubeObject<V1PodDNSConfig>();
export const HostAliasSchema = KubeObject<V1HostAlias>();
export const LifecycleSchema = KubeObject<V1Lifecycle>();

export const IngressTLSSchema = Type.Object({
  hosts: Type.Optional(StringList()),
  secretName: Type.Optional(Type.String()),
});
export type IngressTLS = Static<typeof IngressTLSSchema>;

export const ServiceTypeSchema = StringEnum(["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"]);
export type ServiceType = Static<typeof ServiceTypeSchema>;

/**
 * Object metadata as it arrives from the API server (timestamps are RFC 3339 strings, not `Date`s).
 * Rendered in the CRD as a bare `type: object`: the API server owns its schema.
 */
export const ObjectMetaSchema = Type.Object({
  name: Type.Optional(Type.String()),
  generateName: Type.Optional(Type.String()),
  namespace: Type.Optional(Type.String()),
  uid: Type.Optional(Type.String()),
  resourceVersion: Type.Optional(Type.String()),
  generation: Type.Optional(Type.Integer()),
  creationTimestamp: Type.Optional(Timestamp()),
  deletionTimestamp: Type.Optional(Timestamp()),
  deletionGracePeriodSeconds: Type.Optional(Type.Integer()),
  labels: Type.Optional(StringMap()),
  annotations: Type.Optional(StringMap()),
  ownerReferences: Type.Optional(KubeObjectList<V1OwnerReference>()),
  finalizers: Type.Optional(StringList()),
  managedFields: Type.Optional(Type.Array(Type.Unknown())),
});
export type ObjectMeta = Static<typeof ObjectMetaSchema>;

/** `{name, protocol, containerPort}` of driver.ports / executor.ports (all three required, as upstream). */
export const PortSchema = Type.Object({
  name: Type.String(),
  protocol: Type.String(),
  containerPort: Int32({ minimum: 1, maximum: 65535 }),
});
export type Port = Static<typeof PortSchema>;
