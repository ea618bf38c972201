/** ScheduledSparkApplication (`sparkoperator.k8s.io/v1beta2`): a SparkApplication spec run on a cron schedule. */
import { type Static, Type } from "@sinclair/typebox";
import { Int32, StringEnum, StringList, Timestamp } from "../schema.js";
import {
  API_VERSION,
  ConcurrencyPolicy,
  SCHEDULE_STATES,
  ScheduledSparkApplicationNames,
} from "./constants.js";
import { ObjectMetaSchema } from "./core.js";
import { SparkApplicationSpecSchema } from "./sparkapplication.js";

const Opt = Type.Optional;

export const ConcurrencyPolicySchema = StringEnum(Object.values(ConcurrencyPolicy));
export const ScheduleStateSchema = StringEnum(SCHEDULE_STATES);

export const ScheduledSparkApplicationSpecSchema = Type.Object({
  schedule: Type.String({
    description: "Cron expression (5 fields) or a descriptor such as @hourly, @every 1h.",
  }),
  timeZone: Opt(
    Type.String({ description: "IANA time zone of the schedule; the operator's local zone if unset." }),
  ),
  template: SparkApplicationSpecSchema,
  suspend: Opt(Type.Boolean()),
  concurrencyPolicy: Opt(ConcurrencyPolicySchema),
  successfulRunHistoryLimit: Opt(Int32({ minimum: 0 })),
  failedRunHistoryLimit: Opt(Int32({ minimum: 0 })),
  startingDeadlineSeconds: Opt(
    Int32({
      minimum: 0,
      description: "sparkplane extension: a run missed by at most this many seconds is still started.",
    }),
  ),
});

export const ScheduledSparkApplicationStatusSchema = Type.Object({
  lastRun: Opt(Timestamp()),
  nextRun: Opt(Timestamp()),
  lastRunName: Opt(Type.String()),
  pastSuccessfulRunNames: Opt(StringList()),
  pastFailedRunNames: Opt(StringList()),
  scheduleState: Opt(ScheduleStateSchema),
  reason: Opt(Type.String()),
});

export const ScheduledSparkApplicationSchema = Type.Object({
  apiVersion: Type.Literal(API_VERSION),
  kind: Type.Literal(ScheduledSparkApplicationNames.kind),
  metadata: ObjectMetaSchema,
  spec: ScheduledSparkApplicationSpecSchema,
  status: Opt(ScheduledSparkApplicationStatusSchema),
});

export type ScheduledSparkApplicationSpec = Static<typeof ScheduledSparkApplicationSpecSchema>;
export type ScheduledSparkApplicationStatus = Static<typeof ScheduledSparkApplicationStatusSchema>;
export type ScheduledSparkApplication = Static<typeof ScheduledSparkApplicationSchema>;
