/** The cost controller's API access, rule by rule with the code path that needs it. */
import { GROUP, SparkApplicationNames } from "../../../api/v1beta2/constants.js";
import type { ControllerRbac, ExplainedRule } from "../../rbac-rule.js";

export const COST_RBAC: ControllerRbac = {
  namespaced: [
    {
      rule: {
        apiGroups: [GROUP],
        resources: [SparkApplicationNames.plural],
        verbs: ["list", "watch", "patch"],
      },
      why:
        "list/watch: the shared SparkApplication informer. patch: an ended pod's cost added to the app's " +
        "sparkplane.io/cost ledger (cost/controller.ts, merge patch with the resourceVersion read).",
    },
    {
      rule: { apiGroups: [""], resources: ["pods"], verbs: ["list", "watch"] },
      why: "The shared Spark pod informer: each pod's requests and lifetime.",
    },
  ],
  cluster: [
    {
      rule: { apiGroups: [""], resources: ["nodes"], verbs: ["list", "watch"] },
      why: "The Node informer (controllers/caches.ts NODES): the kubelet address of the nodes running Spark pods.",
    },
  ],
};

/** With --node-stats-interval above 0 (chart: controller.nodeStatsInterval): what each node says pods used. */
export const COST_NODE_STATS_RULES: readonly ExplainedRule[] = [
  {
    rule: { apiGroups: [""], resources: ["nodes/stats"], verbs: ["get"] },
    why:
      "The used CPU of Spark pods for the cost ledger: GET /stats/summary on each node's kubelet, which " +
      "authorizes it as nodes/stats (cost/node-usage.ts NodeUsage), for the nodes running Spark pods.",
  },
];
