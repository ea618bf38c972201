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

/** What Spark's submission client sets on the conf ConfigMap and the driver Service once the pod exists. */
export function driverPodOwnerReference(pod: { name: string; uid: string }): V1OwnerReference {
  return { apiVersion: "v1", kind: "Pod", name: pod.name, uid: pod.uid, controller: true };
}
