import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MonitoringSpec } from "../api/v1beta2/sparkapplication.js";
import { javaApp } from "./fixtures.test-helpers.js";
import { buildPrometheusConfigMap, mountsPrometheusConfigMap, withMonitoring } from "./monitoring.js";
import { DEFAULT_METRICS_PROPERTIES, DEFAULT_PROMETHEUS_CONFIGURATION } from "./prometheus-defaults.js";

const monitored = (monitoring: MonitoringSpec) => javaApp({ monitoring });
const prometheus = { jmxExporterJar: "/prometheus/jmx.jar" };

describe("withMonitoring", () => {
  it("leaves apps without Prometheus alone", () => {
    const app = monitored({ exposeDriverMetrics: true, exposeExecutorMetrics: true, metricsProperties: "x" });
    assert.equal(withMonitoring(app), app);
    assert.equal(buildPrometheusConfigMap(app), undefined);
  });

  it("points the java agent at a configuration file from the image when given", () => {
    const app = withMonitoring(
      monitored({
        exposeDriverMetrics: true,
        exposeExecutorMetrics: false,
        prometheus: { ...prometheus, configFile: "/etc/p.yaml", port: 9000 },
      }),
    );
    assert.equal(app.spec.driver.javaOptions, "-javaagent:/prometheus/jmx.jar=9000:/etc/p.yaml");
    assert.equal(app.spec.executor.javaOptions, undefined);
    assert.equal(app.spec.executor.annotations, undefined);
  });

  it("uses a metrics.properties file from the image when given", () => {
    const app = withMonitoring(
      monitored({
        exposeDriverMetrics: false,
        exposeExecutorMetrics: false,
        metricsPropertiesFile: "/etc/m.properties",
        prometheus,
      }),
    );
    assert.equal(app.spec.sparkConf?.["spark.metrics.conf"], "/etc/m.properties");
  });
});

describe("buildPrometheusConfigMap", () => {
  it("holds the defaults, or the app's own contents", () => {
    const defaults = buildPrometheusConfigMap(
      monitored({ exposeDriverMetrics: true, exposeExecutorMetrics: true, prometheus }),
    );
    assert.deepEqual(defaults?.data, {
      "metrics.properties": DEFAULT_METRICS_PROPERTIES,
      "prometheus.yaml": DEFAULT_PROMETHEUS_CONFIGURATION,
    });
    assert.equal(defaults?.metadata?.labels?.["sparkoperator.k8s.io/created-by-spark-operator"], "true");
    const own = buildPrometheusConfigMap(
      monitored({
        exposeDriverMetrics: true,
        exposeExecutorMetrics: true,
        metricsProperties: "m",
        prometheus: { ...prometheus, configuration: "p" },
      }),
    );
    assert.deepEqual(own?.data, { "metrics.properties": "m", "prometheus.yaml": "p" });
  });

  it("leaves out what comes from files in the image, and is not needed when both do", () => {
    const onlyProperties = monitored({
      exposeDriverMetrics: true,
      exposeExecutorMetrics: true,
      prometheus: { ...prometheus, configFile: "/etc/p.yaml" },
    });
    assert.deepEqual(Object.keys(buildPrometheusConfigMap(onlyProperties)?.data ?? {}), [
      "metrics.properties",
    ]);
    const neither = monitored({
      exposeDriverMetrics: true,
      exposeExecutorMetrics: true,
      metricsPropertiesFile: "/m",
      prometheus: { ...prometheus, configFile: "/p" },
    });
    assert.equal(buildPrometheusConfigMap(neither), undefined);
    assert.equal(mountsPrometheusConfigMap(neither.spec), false);
  });

  it("ships the JMX exporter rules users' dashboards expect", () => {
    assert.match(
      DEFAULT_PROMETHEUS_CONFIGURATION,
      /^\nlowercaseOutputName: true\nattrNameSnakeCase: true\nrules:\n/,
    );
    assert.equal(DEFAULT_PROMETHEUS_CONFIGURATION.match(/- pattern: /g)?.length, 13);
    assert.ok(
      DEFAULT_PROMETHEUS_CONFIGURATION.includes(
        "  - pattern: metrics<name=(\\S+)\\.(\\S+)\\.driver\\.(BlockManager|DAGScheduler|jvm)\\.(\\S+)><>Value\n" +
          '    name: spark_driver_$3_$4\n    type: GAUGE\n    labels:\n      app_namespace: "$1"\n      app_id: "$2"\n',
      ),
    );
  });
});
