/**
 * Native submission: every object spark-submit (cluster mode) would create for a SparkApplication, plus what
 * the kubeflow operator adds around it, built without running Spark.
 *
 * Create order (the act layer's job):
 *   1. `prometheusConfigMap` (owned by the SparkApplication), create or update: the pods mount it.
 *   2. `pod` (owned by the SparkApplication).
 *   3. `ownedByDriver(objects, createdPod)` -> `configMap`, `service`, `executorPodTemplate`,
 *      `persistentVolumeClaims`, each with the created pod as controller owner, then create them.
 * Creating the pod first is safe: the kubelet keeps it in ContainerCreating until the ConfigMaps it mounts
 * exist, and the driver resolves its Service only once running. Names depend only on the submission identity,
 * so after a crash the same objects are re-derived and created if absent.
 *
 * Where this differs from spark-submit + the kubeflow webhook: names and ids are derived, not random; local
 * files are never uploaded (spark.kubernetes.file.upload.path); executors get their webhook fields through a
 * pod template; the kubeflow webhook's bugs (executor env gated on driver env, executor lifecycle never found,
 * case-sensitive memory units) are not reproduced; spark-app-name never ends with '-'.
 */
import type { V1ConfigMap, V1PersistentVolumeClaim, V1Pod, V1Service } from "@kubernetes/client-node";
import type { SparkApplication } from "../api/v1beta2/sparkapplication.js";
import { ConfKey, SparkPath, SparkValue } from "../spark/constants.js";
import { buildDriverConfigMap, confFileNames } from "./driver-configmap.js";
import { buildDriverPod, driverLabels } from "./driver-pod.js";
import { buildDriverService } from "./driver-service.js";
import { driverMemory, sparkMajorVersion } from "./memory.js";
import { buildPrometheusConfigMap } from "./monitoring.js";
import {
  defaultLocalDirUuid,
  driverConfigMapName,
  driverServiceName,
  executorPodTemplateConfigMapName,
  type SubmissionIdentity,
} from "./names.js";
import { applicationRef, driverPodOwnerReference } from "./owners.js";
import { buildExecutorPodTemplate, buildExecutorPodTemplateConfigMap } from "./pod-templates.js";
import { addSchedulingGates, type RunSchedulingGates } from "./scheduling-gates.js";
import { driverProperties, resolveSubmission } from "./sparkconf.js";
import { buildSubmitRequest } from "./submit-request.js";

export interface BuildDriverOptions {
  /** Kubernetes API server for spark.master: `k8s://https://host:port` (or `https://host:port`). */
  master: string;
  /** SPARK_USER when the app has no proxyUser (spark-submit uses the submitting user). Default "spark". */
  sparkUser?: string;
  /** Properties the operator adds as if written in spec.sparkConf (e.g. spark.ui.proxyBase). */
  extraSparkConf?: Record<string, string>;
  /** Small text files for the conf ConfigMap, as spark-submit adds its SPARK_CONF_DIR files. */
  confDirFiles?: Record<string, string>;
  /** Gates for the driver pod and the executor template (queues, placement); none by default. */
  schedulingGates?: RunSchedulingGates;
}

export interface DriverObjects {
  pod: V1Pod;
  /** The spark.properties ConfigMap; owner reference to the pod still to be set (ownedByDriver). */
  configMap: V1ConfigMap;
  service: V1Service;
  /** The executor pod template ConfigMap (always: it carries the executors' owner reference to the app). */
  executorPodTemplate: V1ConfigMap;
  /** Driver volumes Spark creates claims for (storageClass and sizeLimit given). */
  persistentVolumeClaims: V1PersistentVolumeClaim[];
  prometheusConfigMap?: V1ConfigMap;
  /** The content of spark.properties. */
  properties: ReadonlyMap<string, string>;
}

export type DriverDependents = Pick<
  DriverObjects,
  "configMap" | "service" | "executorPodTemplate" | "persistentVolumeClaims"
>;

export function buildDriverObjects(
  app: SparkApplication,
  identity: SubmissionIdentity,
  options: BuildDriverOptions,
): DriverObjects {
  const { namespace } = applicationRef(app);
  if ((app.spec.mode ?? "cluster") !== "cluster")
    throw new Error("native submission supports cluster mode only");
  const executorTemplate = addSchedulingGates(
    buildExecutorPodTemplate(app),
    options.schedulingGates?.executor,
  );
  const request = buildSubmitRequest(app, {
    master: options.master,
    submissionId: identity.submissionId,
    ...(options.extraSparkConf ? { extraSparkConf: options.extraSparkConf } : {}),
    executorPodTemplateFile: SparkPath.PodTemplateFile,
  });
  const resolved = resolveSubmission(request, identity.submitTimeMs);
  const conf = resolved.conf;
  const podName = conf.get(ConfKey.DriverPodName) ?? `${identity.resourcePrefix}-driver`;
  const serviceName = driverServiceName(identity);
  const configMapName = driverConfigMapName(identity);
  const templateMapName = executorPodTemplateConfigMapName(identity);
  const memory = driverMemory(conf, resolved.resourceType, sparkMajorVersion(app.spec.sparkVersion));
  const properties = driverProperties(conf, {
    appId: identity.appId,
    driverPodName: podName,
    serviceName,
    namespace,
    defaultOverheadFactor: memory.defaultOverheadFactor,
    resourceType: resolved.resourceType,
  });
  const { pod, claims } = buildDriverPod({
    app,
    resolved,
    appId: identity.appId,
    resourcePrefix: identity.resourcePrefix,
    podName,
    namespace,
    memory,
    configMapName,
    confFileNames: confFileNames(options.confDirFiles),
    executorPodTemplateConfigMapName: templateMapName,
    defaultLocalDir: `${SparkPath.LocalDirPrefix}${defaultLocalDirUuid(identity)}`,
    sparkUser: options.sparkUser ?? "spark",
    sparkVersion: app.spec.sparkVersion,
  });
  addSchedulingGates(pod, options.schedulingGates?.driver);
  const appName = conf.get(ConfKey.AppName) ?? SparkValue.DefaultAppName;
  const objects: DriverObjects = {
    pod,
    configMap: buildDriverConfigMap({
      name: configMapName,
      namespace,
      properties,
      submitTime: new Date(identity.submitTimeMs),
      ...(options.confDirFiles ? { confDirFiles: options.confDirFiles } : {}),
    }),
    service: buildDriverService({
      name: serviceName,
      namespace,
      appId: identity.appId,
      conf,
      selector: driverLabels(conf, identity.appId, appName, app.spec.sparkVersion),
      sparkVersion: app.spec.sparkVersion,
    }),
    executorPodTemplate: buildExecutorPodTemplateConfigMap(executorTemplate, templateMapName, namespace),
    persistentVolumeClaims: claims.map((claim) => ({ ...claim, metadata: { ...claim.metadata, namespace } })),
    properties,
  };
  const prometheus = buildPrometheusConfigMap(app);
  if (prometheus) objects.prometheusConfigMap = prometheus;
  return objects;
}

/** The objects Spark makes the driver pod own, with that owner set (the pod's UID is known once created). */
export function ownedByDriver(objects: DriverObjects, driverPod: V1Pod): DriverDependents {
  const name = driverPod.metadata?.name;
  const uid = driverPod.metadata?.uid;
  if (!name || !uid)
    throw new Error("the driver pod must have been created (metadata.name and metadata.uid)");
  const owned = <T extends { metadata?: V1Pod["metadata"] }>(object: T): T => ({
    ...object,
    metadata: { ...object.metadata, ownerReferences: [driverPodOwnerReference({ name, uid })] },
  });
  return {
    configMap: owned(objects.configMap),
    service: owned(objects.service),
    executorPodTemplate: owned(objects.executorPodTemplate),
    persistentVolumeClaims: objects.persistentVolumeClaims.map(owned),
  };
}
