/**
 * Prometheus monitoring as the kubeflow operator configures it before submitting: a `<app>-prom-conf`
 * ConfigMap (metrics.properties, prometheus.yaml), the JMX exporter java agent appended to the driver and/or
 * executor javaOptions, scrape annotations, and spark.metrics.namespace / spark.metrics.conf.
 */
import type { V1ConfigMap } from "@kubernetes/client-node";
import type { SparkApplication } from "../api/v1beta2/sparkapplication.js";
import { ConfKey } from "../spark/constants.js";
import { applicationOwnerReference, applicationRef } from "./owners.js";
import {
  DEFAULT_METRICS_PROPERTIES,
  DEFAULT_PROMETHEUS_CONFIGURATION,
  DEFAULT_PROMETHEUS_PORT,
  DEFAULT_PROMETHEUS_PORT_NAME,
  METRICS_PROPERTIES_KEY,
  PROMETHEUS_CONFIG_KEY,
  PROMETHEUS_CONFIG_MAP_SUFFIX,
  PROMETHEUS_MOUNT_PATH,
  PrometheusAnnotation,
} from "./prometheus-defaults.js";

/** Label the kubeflow operator puts on the ConfigMaps it creates. */
export const CREATED_BY_SPARK_OPERATOR_LABEL = "sparkoperator.k8s.io/created-by-spark-operator";

type Spec = SparkApplication["spec"];

export function prometheusEnabled(spec: Spec): boolean {
  return spec.monitoring?.prometheus !== undefined;
}

const hasMetricsPropertiesFile = (spec: Spec) => Boolean(spec.monitoring?.metricsPropertiesFile);
const hasPrometheusConfigFile = (spec: Spec) => Boolean(spec.monitoring?.prometheus?.configFile);

export function prometheusConfigMapName(appName: string): string {
  return `${appName}-${PROMETHEUS_CONFIG_MAP_SUFFIX}`;
}

export function prometheusPort(spec: Spec): number {
  return spec.monitoring?.prometheus?.port ?? DEFAULT_PROMETHEUS_PORT;
}

export function prometheusPortName(spec: Spec): string {
  return spec.monitoring?.prometheus?.portName ?? DEFAULT_PROMETHEUS_PORT_NAME;
}

/** Whether pods mount the `<app>-prom-conf` ConfigMap (it exists unless both files come from the image). */
export function mountsPrometheusConfigMap(spec: Spec): boolean {
  return prometheusEnabled(spec) && !(hasMetricsPropertiesFile(spec) && hasPrometheusConfigFile(spec));
}

/** The spec as the kubeflow operator submits it once monitoring is configured (a copy; the input is untouched). */
export function withMonitoring(app: SparkApplication): SparkApplication {
  const spec = app.spec;
  const prometheus = spec.monitoring?.prometheus;
  if (!spec.monitoring || !prometheus) return app;
  const port = prometheusPort(spec);
  const javaAgent = hasPrometheusConfigFile(spec)
    ? `-javaagent:${prometheus.jmxExporterJar}=${port}:${prometheus.configFile}`
    : `-javaagent:${prometheus.jmxExporterJar}=${port}:${PROMETHEUS_MOUNT_PATH}/${PROMETHEUS_CONFIG_KEY}`;
  const metricsConf = hasMetricsPropertiesFile(spec)
    ? spec.monitoring.metricsPropertiesFile!
    : `${PROMETHEUS_MOUNT_PATH}/${METRICS_PROPERTIES_KEY}`;
  const sparkConf = {
    ...spec.sparkConf,
    [ConfKey.MetricsNamespace]: `${app.metadata.namespace}.${app.metadata.name}`,
    [ConfKey.MetricsConf]: metricsConf,
  };
  const scrape = {
    [PrometheusAnnotation.Scrape]: "true",
    [PrometheusAnnotation.Port]: String(port),
    [PrometheusAnnotation.Path]: "/metrics",
  };
  const withAgent = <T extends { javaOptions?: string; annotations?: Record<string, string> }>(
    pod: T,
  ): T => ({
    ...pod,
    annotations: { ...pod.annotations, ...scrape },
    javaOptions: pod.javaOptions === undefined ? javaAgent : `${pod.javaOptions} ${javaAgent}`,
  });
  return {
    ...app,
    spec: {
      ...spec,
      sparkConf,
      driver: spec.monitoring.exposeDriverMetrics ? withAgent(spec.driver) : spec.driver,
      executor: spec.monitoring.exposeExecutorMetrics ? withAgent(spec.executor) : spec.executor,
    },
  };
}

/** The `<app>-prom-conf` ConfigMap, owned by the SparkApplication; undefined when monitoring needs none. */
export function buildPrometheusConfigMap(app: SparkApplication): V1ConfigMap | undefined {
  const spec = app.spec;
  if (!prometheusEnabled(spec) || (hasMetricsPropertiesFile(spec) && hasPrometheusConfigFile(spec)))
    return undefined;
  const data: Record<string, string> = {};
  if (!hasMetricsPropertiesFile(spec)) {
    data[METRICS_PROPERTIES_KEY] = spec.monitoring?.metricsProperties ?? DEFAULT_METRICS_PROPERTIES;
  }
  if (!hasPrometheusConfigFile(spec)) {
    data[PROMETHEUS_CONFIG_KEY] =
      spec.monitoring?.prometheus?.configuration ?? DEFAULT_PROMETHEUS_CONFIGURATION;
  }
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: prometheusConfigMapName(applicationRef(app).name),
      namespace: app.metadata.namespace,
      labels: { [CREATED_BY_SPARK_OPERATOR_LABEL]: "true" },
      ownerReferences: [applicationOwnerReference(app)],
    },
    data,
  };
}
