/** The SparkConnect controller's API access, rule by rule with the code path that needs it. */
import { SparkConnectNames } from "../../../api/v1alpha1/constants.js";
import { GROUP } from "../../../api/v1beta2/constants.js";
import type { ControllerRbac } from "../../rbac-rule.js";

const connects = SparkConnectNames.plural;

export const SPARK_CONNECT_RBAC: ControllerRbac = {
  namespaced: [
    {
      rule: { apiGroups: [GROUP], resources: [connects], verbs: ["list", "watch"] },
      why: "The SparkConnect informer (sparkconnect/index.ts).",
    },
    {
      rule: { apiGroups: [GROUP], resources: [`${connects}/status`], verbs: ["update"] },
      why: "State, server pod, executors, connection URL (sparkconnect/controller.ts writeStatus, PUT).",
    },
    {
      rule: { apiGroups: [GROUP], resources: [`${connects}/finalizers`], verbs: ["update"] },
      why:
        "The server pod, its Service and ConfigMap name their SparkConnect as owner with blockOwnerDeletion " +
        "(submit/connect-server.ts); needed where OwnerReferencesPermissionEnforcement is on.",
    },
    {
      rule: {
        apiGroups: [""],
        resources: ["pods"],
        verbs: ["list", "watch", "get", "create", "delete", "deletecollection"],
      },
      why:
        "list/watch: the shared Spark pod informer. create/get: the server pod (sparkconnect/controller.ts). " +
        "delete/deletecollection: an idle session's server and executors (deletePods).",
    },
    {
      rule: { apiGroups: [""], resources: ["services", "configmaps"], verbs: ["get", "create"] },
      why: "The server's Service and its spark.properties ConfigMap, created if absent (sparkconnect/controller.ts).",
    },
  ],
};
