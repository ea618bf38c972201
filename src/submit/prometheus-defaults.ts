/**
 * The monitoring defaults SparkApplication users get from the kubeflow operator when they enable Prometheus
 * without their own files: a metrics.properties enabling the JMX sink and JVM sources, and a JMX exporter
 * configuration turning Spark's JMX beans into spark_driver_* / spark_executor_* metrics.
 */

export const PROMETHEUS_CONFIG_MAP_SUFFIX = "prom-conf";
export const PROMETHEUS_MOUNT_PATH = "/etc/metrics/conf";
export const METRICS_PROPERTIES_KEY = "metrics.properties";
export const PROMETHEUS_CONFIG_KEY = "prometheus.yaml";
export const DEFAULT_PROMETHEUS_PORT = 8090;
export const DEFAULT_PROMETHEUS_PORT_NAME = "jmx-exporter";
export const PrometheusAnnotation = {
  Scrape: "prometheus.io/scrape",
  Port: "prometheus.io/port",
  Path: "prometheus.io/path",
} as const;

export const DEFAULT_METRICS_PROPERTIES = [
  "",
  "*.sink.jmx.class=org.apache.spark.metrics.sink.JmxSink",
  "driver.source.jvm.class=org.apache.spark.metrics.source.JvmSource",
  "executor.source.jvm.class=org.apache.spark.metrics.source.JvmSource",
].join("\n");

interface Rule {
  pattern: string;
  name: string;
  type: "GAUGE" | "COUNTER";
  labels: [string, string][];
}

const app = (): [string, string][] => [
  ["app_namespace", "$1"],
  ["app_id", "$2"],
];
const executor = (): [string, string][] => [...app(), ["executor_id", "$3"]];
const NAME = "metrics<name=(\\S+)\\.(\\S+)";

const RULES: Rule[] = [
  {
    pattern: `${NAME}\\.driver\\.(BlockManager|DAGScheduler|jvm)\\.(\\S+)><>Value`,
    name: "spark_driver_$3_$4",
    type: "GAUGE",
    labels: app(),
  },
  {
    pattern: `${NAME}\\.driver\\.(\\S+)\\.StreamingMetrics\\.streaming\\.(\\S+)><>Value`,
    name: "spark_streaming_driver_$4",
    type: "GAUGE",
    labels: app(),
  },
  {
    pattern: `${NAME}\\.driver\\.spark\\.streaming\\.(\\S+)\\.(\\S+)><>Value`,
    name: "spark_structured_streaming_driver_$4",
    type: "GAUGE",
    labels: [...app(), ["query_name", "$3"]],
  },
  {
    pattern: `${NAME}\\.(\\S+)\\.executor\\.(\\S+)><>Value`,
    name: "spark_executor_$4",
    type: "GAUGE",
    labels: executor(),
  },
  ...["DAGScheduler", "HiveExternalCatalog", "CodeGenerator", "LiveListenerBus"].map(
    (source): Rule => ({
      pattern: `${NAME}\\.driver\\.${source}\\.(.*)><>Count`,
      name: `spark_driver_${source}_$3_count`,
      type: "COUNTER",
      labels: app(),
    }),
  ),
  {
    pattern: `${NAME}\\.driver\\.LiveListenerBus\\.(.*)><>Value`,
    name: "spark_driver_LiveListenerBus_$3",
    type: "GAUGE",
    labels: app(),
  },
  {
    pattern: `${NAME}\\.(.*)\\.executor\\.(.*)><>Count`,
    name: "spark_executor_$4_count",
    type: "COUNTER",
    labels: executor(),
  },
  {
    pattern: `${NAME}\\.([0-9]+)\\.(jvm|NettyBlockTransfer)\\.(.*)><>Value`,
    name: "spark_executor_$4_$5",
    type: "GAUGE",
    labels: executor(),
  },
  ...["HiveExternalCatalog", "CodeGenerator"].map(
    (source): Rule => ({
      pattern: `${NAME}\\.([0-9]+)\\.${source}\\.(.*)><>Count`,
      name: `spark_executor_${source}_$4_count`,
      type: "COUNTER",
      labels: executor(),
    }),
  ),
];

function renderRule(rule: Rule): string {
  const labels = rule.labels.map(([key, value]) => `      ${key}: "${value}"`);
  return [
    `  - pattern: ${rule.pattern}`,
    `    name: ${rule.name}`,
    `    type: ${rule.type}`,
    "    labels:",
    ...labels,
  ].join("\n");
}

export const DEFAULT_PROMETHEUS_CONFIGURATION = [
  "",
  "lowercaseOutputName: true",
  "attrNameSnakeCase: true",
  "rules:",
  ...RULES.map(renderRule),
  "",
].join("\n");
