import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import {
  type AppMetricsConfig,
  type ClusterView,
  DEFAULT_APP_METRICS_CONFIG,
  SparkAppMetrics,
} from "./metrics/app-metrics.js";
import { ControllerMetrics } from "./metrics/controller-metrics.js";
import { ControllerRuntimeMetric, SparkplaneMetric } from "./metrics/names.js";

export type { AppMetricsConfig, ClusterView } from "./metrics/app-metrics.js";
export { DEFAULT_APP_METRICS_CONFIG } from "./metrics/app-metrics.js";

/**
 * Gauges prom-client's default metrics name `*_total` (the linter wants that suffix for counters only);
 * dropped so `promtool check metrics` is clean.
 */
const LINT_FAILING_DEFAULT_METRICS = [
  "nodejs_active_handles_total",
  "nodejs_active_requests_total",
  "nodejs_active_resources_total",
];

/**
 * Everything /metrics serves: the kubeflow operator's SparkApplication and executor metrics, controller-runtime's
 * work-queue, reconcile and leader-election metrics, sparkplane's own, and the process's (CPU, memory, event loop).
 * See docs/metrics.md.
 */
export class OperatorMetrics {
  readonly registry = new Registry();
  readonly apps: SparkAppMetrics;
  readonly controllers: ControllerMetrics;
  /** Submission itself (building and creating a run's driver objects). */
  readonly submitDuration = new Histogram({
    name: SparkplaneMetric.SubmitDuration,
    help: "Time to create a run's driver objects, by submitter",
    labelNames: ["submitter"],
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10],
    registers: [this.registry],
  });
  /** Requested resources × lifetime of Spark pods as they end (controllers/cost). */
  readonly requestedCpuSeconds = new Counter({
    name: SparkplaneMetric.RequestedCpuSeconds,
    help: "Requested CPU cores times the lifetime of Spark pods that ended, by namespace and queue",
    labelNames: ["namespace", "queue"],
    registers: [this.registry],
  });
  readonly requestedMemoryGiBSeconds = new Counter({
    name: SparkplaneMetric.RequestedMemoryGiBSeconds,
    help: "Requested memory (GiB) times the lifetime of Spark pods that ended, by namespace and queue",
    labelNames: ["namespace", "queue"],
    registers: [this.registry],
  });
  /** CPU that ended Spark pods used, as their nodes reported (controllers/cost/node-usage.ts). */
  readonly usedCpuSeconds = new Counter({
    name: SparkplaneMetric.UsedCpuSeconds,
    help: "CPU core-seconds that Spark pods which ended used, as their nodes' /stats/summary reported, by namespace and queue",
    labelNames: ["namespace", "queue"],
    registers: [this.registry],
  });
  private leader: { name: string; isLeader: () => boolean } | undefined;

  constructor(opts: { processMetrics?: boolean; apps?: Partial<AppMetricsConfig> } = {}) {
    this.apps = new SparkAppMetrics(this.registry, { ...DEFAULT_APP_METRICS_CONFIG, ...opts.apps });
    this.controllers = new ControllerMetrics(this.registry);
    const self = this;
    new Gauge({
      name: ControllerRuntimeMetric.LeaderElectionMasterStatus,
      help:
        "Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master. " +
        "'name' is the string used to identify the lease. Please make sure to group by name.",
      labelNames: ["name"],
      registers: [this.registry],
      collect() {
        this.reset();
        if (self.leader) this.set({ name: self.leader.name }, self.leader.isLeader() ? 1 : 0);
      },
    });
    if (opts.processMetrics !== false) {
      collectDefaultMetrics({ register: this.registry });
      for (const name of LINT_FAILING_DEFAULT_METRICS) this.registry.removeSingleMetric(name);
    }
  }

  /** The caches the scrape-time gauges count from (running apps and executors, apps by state). */
  setClusterView(view: ClusterView): void {
    this.apps.setClusterView(view);
  }

  /** The Lease this replica competes for (leader_election_master_status). */
  setLeaderElection(name: string, isLeader: () => boolean): void {
    this.leader = { name, isLeader };
  }
}
