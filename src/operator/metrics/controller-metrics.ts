import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { ReconcileOutcome, WorkQueueMetrics } from "../../kube/workqueue.js";
import {
  ControllerRuntimeMetric,
  RECONCILE_TIME_BUCKETS,
  SparkplaneMetric,
  WORKQUEUE_BUCKETS,
  WorkQueueMetric,
} from "./names.js";

/** What the in-flight gauges read from a queue at scrape time. */
export interface WatchedQueue {
  /** Seconds each key handed out and not yet done has been processed. */
  processingSeconds(): number[];
}

/**
 * controller-runtime's work-queue and reconcile metrics, per controller, with its names, labels, buckets
 * and meanings; plus sparkplane's reconcile histogram (finer buckets, by result).
 */
export class ControllerMetrics {
  private readonly queues = new Map<string, { queue: WatchedQueue; workers: number }>();
  private readonly q: ReturnType<typeof queueMetrics>;
  private readonly r: ReturnType<typeof reconcileMetrics>;

  constructor(registry: Registry) {
    this.q = queueMetrics(registry, () => this.queues);
    this.r = reconcileMetrics(registry, () => this.queues);
  }

  /** The hooks a WorkQueue calls, labelled as controller-runtime labels them (name = controller = the controller's name). */
  queueHooks(controller: string): WorkQueueMetrics {
    const l = { name: controller, controller };
    this.q.depth.set(l, 0);
    this.q.adds.inc(l, 0);
    this.q.retries.inc(l, 0);
    return {
      depth: (d) => this.q.depth.set(l, d),
      add: () => this.q.adds.inc(l),
      retry: () => this.q.retries.inc(l),
      queueLatency: (s) => this.q.queueDuration.observe(l, s),
      workDuration: (s) => this.q.workDuration.observe(l, s),
    };
  }

  /** Registers the controller's queue for the in-flight gauges and its worker count; returns the reconcile hook. */
  watch(
    controller: string,
    queue: WatchedQueue,
    workers: number,
  ): (seconds: number, outcome: ReconcileOutcome) => void {
    this.queues.set(controller, { queue, workers: Math.max(1, workers) });
    const c = { controller };
    for (const errors of [this.r.errors, this.r.terminalErrors, this.r.panics]) errors.inc(c, 0);
    return (seconds, outcome) => {
      this.r.total.inc({ controller, result: outcome });
      if (outcome === "error") this.r.errors.inc(c);
      this.r.time.observe(c, seconds);
      this.r.duration.observe({ controller, result: outcome === "error" ? "error" : "ok" }, seconds);
    };
  }
}

type Watched = () => Map<string, { queue: WatchedQueue; workers: number }>;

function queueMetrics(registry: Registry, watched: Watched) {
  const labelNames = ["name", "controller"] as const;
  const registers = [registry];
  const buckets = [...WORKQUEUE_BUCKETS];
  const inFlight = (name: string, help: string, of: (seconds: number[]) => number) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        for (const [controller, { queue }] of watched()) {
          this.set({ name: controller, controller }, of(queue.processingSeconds()));
        }
      },
    });
  return {
    depth: new Gauge({
      name: WorkQueueMetric.Depth,
      help: "Current depth of workqueue",
      labelNames,
      registers,
    }),
    adds: new Counter({
      name: WorkQueueMetric.Adds,
      help: "Total number of adds handled by workqueue",
      labelNames,
      registers,
    }),
    retries: new Counter({
      name: WorkQueueMetric.Retries,
      help: "Total number of retries handled by workqueue",
      labelNames,
      registers,
    }),
    queueDuration: new Histogram({
      name: WorkQueueMetric.QueueDuration,
      help: "How long in seconds an item stays in workqueue before being requested",
      labelNames,
      buckets,
      registers,
    }),
    workDuration: new Histogram({
      name: WorkQueueMetric.WorkDuration,
      help: "How long in seconds processing an item from workqueue takes.",
      labelNames,
      buckets,
      registers,
    }),
    unfinished: inFlight(
      WorkQueueMetric.UnfinishedWork,
      "How many seconds of work has been done that is in progress and hasn't been observed by work_duration. " +
        "Large values indicate stuck threads. One can deduce the number of stuck threads by observing the rate " +
        "at which this increases.",
      (s) => s.reduce((a, b) => a + b, 0),
    ),
    longest: inFlight(
      WorkQueueMetric.LongestRunningProcessor,
      "How many seconds has the longest running processor for workqueue been running.",
      (s) => s.reduce((a, b) => Math.max(a, b), 0),
    ),
  };
}

function reconcileMetrics(registry: Registry, watched: Watched) {
  const registers = [registry];
  const controller = ["controller"] as const;
  const perController = (
    name: string,
    help: string,
    of: (w: { queue: WatchedQueue; workers: number }) => number,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: controller,
      registers,
      collect() {
        this.reset();
        for (const [c, w] of watched()) this.set({ controller: c }, of(w));
      },
    });
  return {
    total: new Counter({
      name: ControllerRuntimeMetric.ReconcileTotal,
      help: "Total number of reconciliations per controller",
      labelNames: ["controller", "result"] as const,
      registers,
    }),
    errors: new Counter({
      name: ControllerRuntimeMetric.ReconcileErrors,
      help: "Total number of reconciliation errors per controller",
      labelNames: controller,
      registers,
    }),
    terminalErrors: new Counter({
      name: ControllerRuntimeMetric.TerminalReconcileErrors,
      help: "Total number of terminal reconciliation errors per controller",
      labelNames: controller,
      registers,
    }),
    panics: new Counter({
      name: ControllerRuntimeMetric.ReconcilePanics,
      help: "Total number of reconciliation panics per controller",
      labelNames: controller,
      registers,
    }),
    time: new Histogram({
      name: ControllerRuntimeMetric.ReconcileTime,
      help: "Length of time per reconciliation per controller",
      labelNames: controller,
      buckets: [...RECONCILE_TIME_BUCKETS],
      registers,
    }),
    duration: new Histogram({
      name: SparkplaneMetric.ReconcileDuration,
      help: "Duration of one reconcile, by controller and result (ok or error); finer buckets than controller-runtime's",
      labelNames: ["controller", "result"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    maxConcurrent: perController(
      ControllerRuntimeMetric.MaxConcurrentReconciles,
      "Maximum number of concurrent reconciles per controller",
      (w) => w.workers,
    ),
    active: perController(
      ControllerRuntimeMetric.ActiveWorkers,
      "Number of currently used workers per controller",
      (w) => w.queue.processingSeconds().length,
    ),
  };
}
