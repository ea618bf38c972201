/**
 * SparkQueue (`sparkplane.io/v1alpha1`, cluster-scoped): a quota that SparkApplications naming it in
 * `spec.batchSchedulerOptions.queue` are admitted into whole (driver and executors), or wait for, in order.
 */
import { type Static, Type } from "@sinclair/typebox";
import { Int32, IntOrString, Timestamp } from "../schema.js";
import { SPARKPLANE_API_VERSION, SparkQueueNames } from "./constants.js";

const Opt = Type.Optional;

/** A Kubernetes quantity ("3", "500m", "12Gi"), written as a string or a number. */
const Quantity = (description: string) => IntOrString({ description });

export const SparkQueueQuotaSchema = Type.Object({
  cpu: Opt(Quantity("CPU requests of all admitted apps together (cores): driver plus executors.")),
  memory: Opt(Quantity("Memory requests (heap plus overhead) of all admitted apps together.")),
});

export const SparkQueueSpecSchema = Type.Object({
  quota: Opt(SparkQueueQuotaSchema),
  maxRunningApplications: Opt(Int32({ minimum: 0, description: "Admitted apps at once; unset: no limit." })),
  priority: Opt(
    Int32({
      description:
        "Order between queues when the cluster cannot take every admissible app: higher first (default 0).",
    }),
  ),
});

export const QueuedAppSchema = Type.Object({
  namespace: Type.String(),
  name: Type.String(),
  cpu: Type.String(),
  memory: Type.String(),
  position: Opt(Int32()),
  reason: Opt(Type.String()),
  since: Opt(Timestamp()),
});

export const SparkQueueStatusSchema = Type.Object({
  running: Opt(Int32()),
  waiting: Opt(Int32()),
  used: Opt(Type.Object({ cpu: Type.String(), memory: Type.String() })),
  /** The first of the admitted apps, oldest first (at most 100). */
  runningApplications: Opt(Type.Array(QueuedAppSchema)),
  /** The first of the waiting apps in admission order (at most 100). */
  waitingApplications: Opt(Type.Array(QueuedAppSchema)),
  lastUpdateTime: Opt(Timestamp()),
});

export const SparkQueueSchema = Type.Object({
  apiVersion: Type.Literal(SPARKPLANE_API_VERSION),
  kind: Type.Literal(SparkQueueNames.kind),
  metadata: Type.Object({ name: Opt(Type.String()) }, { additionalProperties: true }),
  spec: SparkQueueSpecSchema,
  status: Opt(SparkQueueStatusSchema),
});

export type SparkQueueSpec = Static<typeof SparkQueueSpecSchema>;
export type SparkQueueStatus = Static<typeof SparkQueueStatusSchema>;
export type QueuedAppStatus = Static<typeof QueuedAppSchema>;
export interface SparkQueue {
  apiVersion: typeof SPARKPLANE_API_VERSION;
  kind: typeof SparkQueueNames.kind;
  metadata: { name?: string; uid?: string; resourceVersion?: string; [key: string]: unknown };
  spec: SparkQueueSpec;
  status?: SparkQueueStatus;
}
