import type { CoreV1Api, CustomObjectsApi, V1Service } from "@kubernetes/client-node";
import { GROUP, OperatorLabel, SparkApplicationNames, VERSION } from "../../../api/v1beta2/constants.js";
import type { SparkApplication } from "../../../api/v1beta2/sparkapplication.js";
import { type JsonClient, MERGE_PATCH, namespacedPath } from "../../../kube/json-client.js";
import { createIfAbsent, ignoreNotFound } from "../../../kube/retry.js";
import type { CreateUIServiceAction, DeleteDriverResourcesAction } from "./decide/index.js";

/** Keeps a SparkApplication until its pods, ConfigMaps and Services are gone, even with no garbage collector. */
export const CLEANUP_FINALIZER = "sparkoperator.k8s.io/cleanup";

export interface ActClients {
  core: CoreV1Api;
  custom: CustomObjectsApi;
  /** Plain-JSON calls for the per-app hot path (see JsonClient). */
  json: JsonClient;
}

/** The path of a SparkApplication (or its status). */
export function sparkAppPath(app: SparkApplication, subresource?: string): string {
  return namespacedPath(
    `${GROUP}/${VERSION}`,
    app.metadata.namespace ?? "default",
    SparkApplicationNames.plural,
    app.metadata.name ?? "",
    subresource,
  );
}

/**
 * Deletes one run's objects. Everything the operator and Spark create for an app carries the app-name label
 * (the native submitter sets it on the driver objects and, through Spark conf, on executors), so label
 * selectors find it all without a garbage collector; the named driver pod and UI Service are deleted by name
 * as well, for objects made by other submitters.
 */
export async function deleteDriverResources(
  c: ActClients,
  app: SparkApplication,
  action: DeleteDriverResourcesAction,
): Promise<void> {
  const namespace = app.metadata.namespace ?? "default";
  const byApp = `${OperatorLabel.AppName}=${app.metadata.name}`;
  await Promise.all([
    ignoreNotFound(c.core.deleteNamespacedPod({ name: action.driverPodName, namespace })),
    ignoreNotFound(c.core.deleteNamespacedService({ name: action.uiServiceName, namespace })),
    ignoreNotFound(c.core.deleteCollectionNamespacedPod({ namespace, labelSelector: byApp })),
    ignoreNotFound(c.core.deleteCollectionNamespacedConfigMap({ namespace, labelSelector: byApp })),
    deleteServicesByLabel(c, namespace, byApp),
    action.sparkApplicationId
      ? ignoreNotFound(
          c.core.deleteCollectionNamespacedPod({
            namespace,
            labelSelector: `spark-app-selector=${action.sparkApplicationId},spark-role=executor`,
          }),
        )
      : undefined,
  ]);
}

/** Services have no deletecollection verb: list by label, delete each. */
async function deleteServicesByLabel(c: ActClients, namespace: string, labelSelector: string): Promise<void> {
  const list = await c.core.listNamespacedService({ namespace, labelSelector });
  await Promise.all(
    list.items.map((s) =>
      ignoreNotFound(c.core.deleteNamespacedService({ name: s.metadata!.name!, namespace })),
    ),
  );
}

/** Creates the UI Service, or reads it when it exists; either answer carries the cluster IP it was given. */
export async function createUIService(
  c: ActClients,
  app: SparkApplication,
  action: CreateUIServiceAction,
): Promise<V1Service> {
  const namespace = app.metadata.namespace ?? "default";
  const { object } = await createIfAbsent<V1Service>(
    () =>
      c.json.create(namespacedPath("v1", namespace, "services"), {
        metadata: {
          name: action.serviceName,
          labels: { ...action.labels, [OperatorLabel.AppName]: app.metadata.name ?? "" },
          annotations: action.annotations,
          ownerReferences: [appOwnerReference(app)],
        },
        spec: {
          type: action.serviceType,
          selector: { [OperatorLabel.AppName]: app.metadata.name ?? "", "spark-role": "driver" },
          ports: [
            { name: action.portName, port: action.port, targetPort: action.targetPort, protocol: "TCP" },
          ],
        },
      }),
    () => c.json.get(namespacedPath("v1", namespace, "services", action.serviceName)),
  );
  return object;
}

export function appOwnerReference(app: SparkApplication) {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: SparkApplicationNames.kind,
    name: app.metadata.name ?? "",
    uid: app.metadata.uid ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** One metadata merge-patch: the finalizer and the recorded spec hash together (fewer API writes). */
export async function patchAppMetadata(
  c: ActClients,
  app: SparkApplication,
  patch: { finalizers?: string[]; annotations?: Record<string, string | null> },
): Promise<SparkApplication> {
  return c.json.request<SparkApplication>(
    "PATCH",
    sparkAppPath(app),
    { metadata: { ...patch, resourceVersion: app.metadata.resourceVersion } },
    MERGE_PATCH,
  );
}
