/** Owner references of the objects a submission creates, and the SparkApplication fields they need. */
import type { V1OwnerReference } from "@kubernetes/client-node";
import { API_VERSION, SparkApplicationNames } from "../api/v1beta2/constants.js";
import type { SparkApplication } from "../api/v1beta2/sparkapplication.js";

export interface ApplicationRef {
  name: string;
  namespace: string;
  uid: string;
}

/** name, namespace and uid of a SparkApplication read from the API server (all are set there). */
export function applicationRef(app: SparkApplication): ApplicationRef {
  const { name, namespace, uid } = app.metadata;
  if (!name || !namespace) throw new Error("SparkApplication needs metadata.name and metadata.namespace");
  return { name, namespace, uid: uid ?? "" };
}

/** The driver pod (and the `<app>-prom-conf` ConfigMap) belong to the SparkApplication, as the kubeflow webhook sets. */
export function applicationOwnerReference(app: SparkApplication): V1OwnerReference {
  const { name, uid } = applicationRef(app);
  return {
    apiVersion: API_VERSION,
    kind: SparkApplicationNames.kind,
    name,
    uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/**
 * Executors reference their SparkApplication too, through the executor pod template (kubeflow since v2.4.0),
 * so tools that walk owners (Kueue, `kubectl get pods` owner queries) find the app. Not as controller: Spark
 * appends the driver pod as the executors' controller. Without blockOwnerDeletion: the driver's service
 * account, which creates the executors, would need update rights on the app's finalizers to set it.
 */
export function executorApplicationOwnerReference(app: SparkApplication): V1OwnerReference {
  const { name, uid } = applicationRef(app);
  return { apiVersion: API_VERSION, kind: SparkApplicationNames.kind, name, uid };
}

/** `references` with `reference` appended unless an identical one is there already (as kubeflow merges). */
export function withOwnerReference(
  references: readonly V1OwnerReference[] | undefined,
  reference: V1OwnerReference,
): V1OwnerReference[] {
  const fields = ["apiVersion", "kind", "name", "uid", "controller", "blockOwnerDeletion"] as const;
  const same = (r: V1OwnerReference) => fields.every((f) => r[f] === reference[f]);
  return references?.some(same) ? [...references] : [...(references ?? []), reference];
}

/** What Spark's submission client sets on the conf ConfigMap and the driver Service once the pod exists. */
export function driverPodOwnerReference(pod: { name: string; uid: string }): V1OwnerReference {
  return { apiVersion: "v1", kind: "Pod", name: pod.name, uid: pod.uid, controller: true };
}
