/** The SparkQueue controller's API access, rule by rule with the code path that needs it. */
import { SPARKPLANE_GROUP, SparkQueueNames } from "../../../api/sparkplane/constants.js";
import type { ControllerRbac } from "../../rbac-rule.js";

export const SPARK_QUEUE_RBAC: ControllerRbac = {
  namespaced: [
    {
      rule: { apiGroups: [""], resources: ["pods"], verbs: ["list", "watch", "patch"] },
      why:
        "list/watch: the shared Spark pod informer. patch: a queued driver's scheduling gate removed on " +
        "admission (sparkqueue/controller.ts admit).",
    },
    {
      rule: { apiGroups: [""], resources: ["pods/status"], verbs: ["patch"] },
      why: "A waiting driver's sparkplane.io/QueueAdmitted condition saying why (sparkqueue/controller.ts markPod).",
    },
  ],
  cluster: [
    {
      rule: { apiGroups: [SPARKPLANE_GROUP], resources: [SparkQueueNames.plural], verbs: ["list", "watch"] },
      why: "The SparkQueue informer (controllers/caches.ts SPARK_QUEUES), read by the controller and its gate provider.",
    },
    {
      rule: {
        apiGroups: [SPARKPLANE_GROUP],
        resources: [`${SparkQueueNames.plural}/status`],
        verbs: ["patch"],
      },
      why: "Running and waiting apps, used resources (sparkqueue/queue-status.ts, merge patch).",
    },
    {
      rule: { apiGroups: [""], resources: ["nodes"], verbs: ["list", "watch"] },
      why: "The Node informer (controllers/caches.ts NODES): the allocatable capacity queued apps are admitted into.",
    },
  ],
};
