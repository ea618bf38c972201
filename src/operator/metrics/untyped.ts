import {
  Counter,
  type CounterConfiguration,
  Gauge,
  type GaugeConfiguration,
  Histogram,
  type HistogramConfiguration,
  type Registry,
} from "prom-client";

/*
 * kubeflow's operator names some counters and gauges `*_count` and two histograms `*_histogram`; Prometheus's
 * own linter (`promtool check metrics`) refuses those names for those types ("counter metrics should have
 * _total suffix", "non-histogram and non-summary metrics should not have _count suffix", "metric name should
 * not include type 'histogram'"). Served as `untyped`, the same series keep their names and labels (PromQL,
 * dashboards and alerts written for kubeflow work unchanged: PromQL does not look at the type) and the
 * linter has nothing to object to.
 */

type PromType = "counter" | "gauge" | "histogram" | "summary" | "untyped";

/** A counter exposed as `# TYPE <name> untyped`. */
export class UntypedCounter<T extends string = string> extends Counter<T> {
  constructor(config: CounterConfiguration<T>) {
    super(config);
    (this as unknown as { type: PromType }).type = "untyped";
  }
}

/** A gauge exposed as `# TYPE <name> untyped` (kubeflow's `*_running_count` gauges). */
export class UntypedGauge<T extends string = string> extends Gauge<T> {
  constructor(config: GaugeConfiguration<T>) {
    super(config);
    (this as unknown as { type: PromType }).type = "untyped";
  }
}

interface MetricValue {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}

/**
 * A histogram whose `_bucket`, `_sum` and `_count` series are served as three untyped families of those
 * names (a histogram family named `*_histogram` is what the linter refuses). Observe it as a histogram.
 */
export class SplitUntypedHistogram<T extends string = string> {
  readonly histogram: Histogram<T>;

  constructor(config: Omit<HistogramConfiguration<T>, "registers"> & { registers: Registry[] }) {
    const { registers, ...rest } = config;
    this.histogram = new Histogram<T>({ ...rest, registers: [] });
    for (const suffix of ["_bucket", "_sum", "_count"]) {
      const view = this.view(`${config.name}${suffix}`, `${config.help} (${suffix.slice(1)})`);
      for (const r of registers) r.registerMetric(view as unknown as Histogram<T>);
    }
  }

  observe(labels: Partial<Record<T, string | number>>, value: number): void {
    this.histogram.observe(labels, value);
  }

  private view(name: string, help: string) {
    const histogram = this.histogram;
    return {
      name,
      help,
      type: "untyped" as PromType,
      async get() {
        const all = (await histogram.get()).values as MetricValue[];
        return {
          name,
          help,
          type: "untyped",
          values: all.filter((v) => v.metricName === name),
          aggregator: "sum",
        };
      },
      reset: () => histogram.reset(),
    };
  }
}
