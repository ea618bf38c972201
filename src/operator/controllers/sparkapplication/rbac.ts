/** The SparkApplication controller's API access, rule by rule with the code path that needs it. */
import { GROUP, SparkApplicationNames } from "../../../api/v1beta2/constants.js";
import type { ControllerRbac } from "../../rbac-rule.js";

const apps = SparkApplicationNames.plural;

export const SPARK_APPLICATION_RBAC: ControllerRbac = {
  namespaced: [
    {
      rule: { apiGroups: [GROUP], resources: [apps], verbs: ["list", "watch", "patch", "delete"] },
      why:
        "list/watch: the SparkApplication informer (controllers/caches.ts). patch: the cleanup finalizer and the " +
        "spec-hash annotation, and removing the finalizer (sparkapplication/actions.ts patchAppMetadata, " +
        "sparkapplication/controller.ts removeFinalizer). delete: deletion after timeToLiveSeconds (deleteApp).",
    },
    {
      rule: { apiGroups: [GROUP], resources: [`${apps}/status`], verbs: ["update"] },
      why: "The whole status is written with the resourceVersion read (sparkapplication/controller.ts writeStatus, PUT).",
    },
    {
      rule: { apiGroups: [GROUP], resources: [`${apps}/finalizers`], verbs: ["update"] },
      why:
        "The driver pod, UI Service and Prometheus ConfigMap name their SparkApplication as owner with " +
        "blockOwnerDeletion (submit/owners.ts, sparkapplication/actions.ts); where the OwnerReferencesPermissionEnforcement " +
        "admission plugin is on (OpenShift, hardened clusters) that needs update on the owner's finalizers.",
    },
    {
      rule: {
        apiGroups: [""],
        resources: ["pods"],
        verbs: ["list", "watch", "get", "create", "delete", "deletecollection"],
      },
      why:
        "list/watch: the informer of Spark pods (label spark-role, controllers/caches.ts). create/get: the driver " +
        "pod, created if absent and read back when it exists (submitters/native.ts ensure). delete/deletecollection: " +
        "a run's driver by name and its pods by label on retry, spec change and deletion (sparkapplication/actions.ts " +
        "deleteDriverResources).",
    },
    {
      rule: { apiGroups: [""], resources: ["services"], verbs: ["list", "watch", "get", "create", "delete"] },
      why:
        "list/watch: the informer of the operator's Services (controllers/caches.ts) and the clean-up by label " +
        "(Services have no deletecollection). create/get: the driver's headless Service (submitters/native.ts) " +
        "and the Spark UI Service (sparkapplication/actions.ts createUIService). delete: clean-up (deleteDriverResources).",
    },
    {
      rule: { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "create", "deletecollection"] },
      why:
        "create/get: the driver's spark.properties ConfigMap, the executor pod template and the Prometheus " +
        "JMX ConfigMap (submitters/native.ts ensure). deletecollection: clean-up by app label (deleteDriverResources).",
    },
    {
      rule: { apiGroups: [""], resources: ["persistentvolumeclaims"], verbs: ["get", "create"] },
      why: "On-demand claims of the driver's volumes, owned by the driver pod (submitters/native.ts ensure).",
    },
  ],
};
