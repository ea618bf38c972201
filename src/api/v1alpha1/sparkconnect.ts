/**
 * SparkConnect (`sparkoperator.k8s.io/v1alpha1`, kubeflow's): a long-running Spark Connect server (a Spark
 * driver in client mode) with its executors, reached by Spark Connect clients at `sc://<service>:15002`.
 * Field names and meaning as in kubeflow's api/v1alpha1/sparkconnect_types.go.
 */
import type { V1PodTemplateSpec, V1Service } from "@kubernetes/client-node";
import { type Static, Type } from "@sinclair/typebox";
import { Int32, KubeObject, StringEnum, StringMap, Timestamp } from "../schema.js";
import { ObjectMetaSchema } from "../v1beta2/core.js";
import { DynamicAllocationSchema } from "../v1beta2/sparkapplication.js";
import { API_VERSION_V1ALPHA1, SPARK_CONNECT_STATES, SparkConnectNames } from "./constants.js";

const Opt = Type.Optional;

const sparkPodFields = {
  cores: Opt(Int32({ minimum: 1, description: "spark.driver.cores or spark.executor.cores." })),
  memory: Opt(Type.String({ description: "spark.driver.memory or spark.executor.memory, e.g. 1g." })),
  template: Opt(
    KubeObject<V1PodTemplateSpec>({}, { description: "Pod template for what Spark's conf cannot say." }),
  ),
};

export const ServerSpecSchema = Type.Object({
  ...sparkPodFields,
  service: Opt(
    KubeObject<V1Service>({}, { description: "The Service exposing the server (name and spec)." }),
  ),
});

export const ConnectExecutorSpecSchema = Type.Object({
  ...sparkPodFields,
  instances: Opt(Int32({ minimum: 0 })),
});

export const SparkConnectSpecSchema = Type.Object({
  sparkVersion: Type.String(),
  image: Opt(Type.String()),
  hadoopConf: Opt(StringMap()),
  sparkConf: Opt(StringMap()),
  server: ServerSpecSchema,
  executor: ConnectExecutorSpecSchema,
  dynamicAllocation: Opt(DynamicAllocationSchema),
});

export const ConditionSchema = Type.Object({
  type: Type.String({ maxLength: 316 }),
  status: StringEnum(["True", "False", "Unknown"]),
  observedGeneration: Opt(Type.Integer({ format: "int64", minimum: 0 })),
  lastTransitionTime: Timestamp(),
  reason: Type.String({ minLength: 1, maxLength: 1024 }),
  message: Type.String({ maxLength: 32768 }),
});

export const SparkConnectServerStatusSchema = Type.Object({
  podName: Opt(Type.String()),
  podIp: Opt(Type.String()),
  serviceName: Opt(Type.String()),
});

export const SparkConnectStateSchema = StringEnum(SPARK_CONNECT_STATES);

export const SparkConnectStatusSchema = Type.Object({
  conditions: Opt(Type.Array(ConditionSchema)),
  state: Opt(SparkConnectStateSchema),
  server: Opt(SparkConnectServerStatusSchema),
  executors: Opt(Type.Record(Type.String(), Type.Integer())),
  startTime: Opt(Timestamp()),
  lastUpdateTime: Opt(Timestamp()),
  connectionURL: Opt(
    Type.String({
      description:
        "sparkplane extension: the in-cluster Spark Connect URL, sc://<service>.<namespace>.svc:15002.",
    }),
  ),
  message: Opt(
    Type.String({
      description: "sparkplane extension: why the session is not ready (e.g. what does not fit).",
    }),
  ),
});

export const SparkConnectSchema = Type.Object({
  apiVersion: Type.Literal(API_VERSION_V1ALPHA1),
  kind: Type.Literal(SparkConnectNames.kind),
  metadata: ObjectMetaSchema,
  spec: SparkConnectSpecSchema,
  status: Opt(SparkConnectStatusSchema),
});

export type ServerSpec = Static<typeof ServerSpecSchema>;
export type ConnectExecutorSpec = Static<typeof ConnectExecutorSpecSchema>;
export type SparkConnectSpec = Static<typeof SparkConnectSpecSchema>;
export type Condition = Static<typeof ConditionSchema>;
export type SparkConnectStatus = Static<typeof SparkConnectStatusSchema>;
export type SparkConnect = Static<typeof SparkConnectSchema>;
