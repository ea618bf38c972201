/** The ScheduledSparkApplication controller's API access, rule by rule with the code path that needs it. */
import {
  GROUP,
  ScheduledSparkApplicationNames,
  SparkApplicationNames,
} from "../../../api/v1beta2/constants.js";
import type { ControllerRbac } from "../../rbac-rule.js";

const scheduled = ScheduledSparkApplicationNames.plural;

export const SCHEDULED_SPARK_APPLICATION_RBAC: ControllerRbac = {
  namespaced: [
    {
      rule: {
        apiGroups: [GROUP],
        resources: [SparkApplicationNames.plural],
        verbs: ["list", "watch", "create", "delete"],
      },
      why:
        "list/watch: its runs through the shared SparkApplication informer. create/delete: a run, and runs past " +
        "the history limits (scheduledsparkapplication/controller.ts createRun, act).",
    },
    {
      rule: { apiGroups: [GROUP], resources: [scheduled], verbs: ["list", "watch"] },
      why: "The ScheduledSparkApplication informer (scheduledsparkapplication/index.ts).",
    },
    {
      rule: { apiGroups: [GROUP], resources: [`${scheduled}/status`], verbs: ["update"] },
      why: "Last and next run, run history (scheduledsparkapplication/controller.ts writeStatus, PUT of the status subresource).",
    },
    {
      rule: { apiGroups: [GROUP], resources: [`${scheduled}/finalizers`], verbs: ["update"] },
      why:
        "Runs name their ScheduledSparkApplication as owner with blockOwnerDeletion (scheduledsparkapplication/decide/decide.ts); " +
        "needed where OwnerReferencesPermissionEnforcement is on.",
    },
  ],
};
