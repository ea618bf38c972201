/**
 * Pod templates carrying the SparkApplication fields Spark's configuration cannot carry (env with valueFrom,
 * volumes, affinity, tolerations, sidecars, priority class ...) on top of spec.<role>.template, and the owner
 * reference to the SparkApplication.
 *
 * Both are always built, as kubeflow (v2.4.0+) writes them: the driver builds every executor from the executor
 * template (spark.kubernetes.executor.podTemplateFile), so every executor references its SparkApplication. The
 * driver template is for spark-submit runs only (native submission builds the driver pod itself).
 */
import type { V1ConfigMap, V1Pod } from "@kubernetes/client-node";
import { stringify } from "yaml";
import type { SparkApplication } from "../api/v1beta2/sparkapplication.js";
import { SparkConfigMap, SparkContainer } from "../spark/constants.js";
import { applyKubeflowPodMutations, type PodRole } from "./pod-mutations.js";

/** The executor template: spec.executor.template with the webhook's mutations and the app's owner reference. */
export function buildExecutorPodTemplate(app: SparkApplication): V1Pod {
  return buildPodTemplate(app, "executor");
}

/** The driver template for a spark-submit run (the app's controller owner reference included). */
export function buildDriverPodTemplate(app: SparkApplication): V1Pod {
  return buildPodTemplate(app, "driver");
}

function buildPodTemplate(app: SparkApplication, role: PodRole): V1Pod {
  const template = app.spec[role].template;
  const containerName = role === "driver" ? SparkContainer.Driver : SparkContainer.Executor;
  const pod: V1Pod = {
    apiVersion: "v1",
    kind: "Pod",
    ...(template?.metadata ? { metadata: structuredClone(template.metadata) } : {}),
    spec: template?.spec ? structuredClone(template.spec) : { containers: [] },
  };
  const spec = pod.spec!;
  spec.containers ??= [];
  // Spark takes the container with the default name, else the first one.
  const sparkContainer = spec.containers.find((c) => c.name === containerName) ?? spec.containers[0];
  if (!sparkContainer) spec.containers.push({ name: containerName });
  applyKubeflowPodMutations(pod, sparkContainer?.name ?? containerName, app, role);
  return pod;
}

/** The ConfigMap holding the template, mounted into the driver at /opt/spark/pod-template. */
export function buildExecutorPodTemplateConfigMap(
  template: V1Pod,
  name: string,
  namespace: string,
): V1ConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace },
    immutable: true,
    data: { [SparkConfigMap.PodTemplateKey]: stringify(template) },
  };
}
