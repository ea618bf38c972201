/**
 * The immutable ConfigMap holding spark.properties (KubernetesClientUtils.buildConfigMap): the properties file,
 * any conf-dir files of the submitter, and the namespace under the key spark.kubernetes.namespace.
 */
import type { V1ConfigMap } from "@kubernetes/client-node";
import { ConfKey, SparkPath } from "../spark/constants.js";
import { storeProperties } from "./properties.js";

export interface DriverConfigMapInput {
  name: string;
  namespace: string;
  properties: ReadonlyMap<string, string>;
  /** Written as the date comment of spark.properties. */
  submitTime: Date;
  /** Small text files spark-submit would pick up from its SPARK_CONF_DIR (e.g. log4j2.properties). */
  confDirFiles?: Record<string, string>;
}

/** The file keys the driver mounts from the ConfigMap (everything except the namespace entry). */
export function confFileNames(confDirFiles: Record<string, string> | undefined): string[] {
  return [
    ...Object.keys(confDirFiles ?? {}).filter((name) => name !== SparkPath.PropertiesFileName),
    SparkPath.PropertiesFileName,
  ];
}

export function sparkPropertiesText(
  name: string,
  properties: ReadonlyMap<string, string>,
  submitTime: Date,
): string {
  return storeProperties(properties, {
    comments: `Java properties built from Kubernetes config map with name: ${name}`,
    date: submitTime,
  });
}

export function buildDriverConfigMap(input: DriverConfigMapInput): V1ConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: input.name, namespace: input.namespace },
    immutable: true,
    data: {
      ...input.confDirFiles,
      [SparkPath.PropertiesFileName]: sparkPropertiesText(input.name, input.properties, input.submitTime),
      [ConfKey.KubernetesNamespace]: input.namespace,
    },
  };
}
