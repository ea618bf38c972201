import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { V1Pod } from "@kubernetes/client-node";
import type { SparkApplication, SparkApplicationStatus } from "../api/v1beta2/sparkapplication.js";
import { parsePromText, type Sample, sumOf } from "../util/prom-text.js";
import { KubeflowAppMetric, KubeflowExecutorMetric, WorkQueueMetric } from "./metrics/names.js";
import { OperatorMetrics } from "./metrics.js";

/** `# TYPE` of every family in the text. */
function typesOf(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) out.set(m[1]!, m[2]!);
  return out;
}

function app(
  name: string,
  state: string,
  extra: Partial<SparkApplication["metadata"]> = {},
): SparkApplication {
  return {
    apiVersion: "sparkoperator.k8s.io/v1beta2",
    kind: "SparkApplication",
    metadata: { name, namespace: "ns1", creationTimestamp: new Date(Date.now() - 4000), ...extra },
    spec: {},
    status: { applicationState: { state } },
  } as unknown as SparkApplication;
}

const status = (state: string, extra: Record<string, unknown> = {}) =>
  ({ applicationState: { state }, ...extra }) as SparkApplicationStatus;

const pod = (phase: string, role = "executor", labels: Record<string, string> = {}): V1Pod => ({
  metadata: { name: `p-${phase}`, namespace: "ns1", labels: { "spark-role": role, ...labels } },
  status: { phase },
});

async function scrape(m: OperatorMetrics): Promise<{ text: string; samples: Sample[] }> {
  const text = await m.registry.metrics();
  return { text, samples: parsePromText(text) };
}

describe("OperatorMetrics: the kubeflow operator's metrics", () => {
  it("serves every kubeflow SparkApplication and executor metric name, lint-safe types", async () => {
    const { text } = await scrape(new OperatorMetrics({ processMetrics: false }));
    const types = typesOf(text);
    const untyped = [
      KubeflowAppMetric.Count,
      KubeflowAppMetric.SubmitCount,
      KubeflowAppMetric.FailedSubmissionCount,
      KubeflowAppMetric.RunningCount,
      KubeflowAppMetric.SuccessCount,
      KubeflowAppMetric.FailureCount,
      KubeflowExecutorMetric.RunningCount,
      KubeflowExecutorMetric.SuccessCount,
      KubeflowExecutorMetric.FailureCount,
    ];
    for (const n of untyped) assert.equal(types.get(n), "untyped", n);
    for (const n of [
      KubeflowAppMetric.SuccessExecutionTimeSeconds,
      KubeflowAppMetric.FailureExecutionTimeSeconds,
      KubeflowAppMetric.SubmitLatencySeconds,
      KubeflowAppMetric.StartLatencySeconds,
    ]) {
      assert.equal(types.get(n), "summary", n);
    }
    for (const h of [
      KubeflowAppMetric.SubmitLatencySecondsHistogram,
      KubeflowAppMetric.StartLatencySecondsHistogram,
    ]) {
      assert.equal(types.has(h), false, `${h} itself is no family`);
      for (const s of ["_bucket", "_sum", "_count"]) assert.equal(types.get(h + s), "untyped", h + s);
    }
    for (const n of Object.values(WorkQueueMetric)) assert.ok(types.has(n), n);
    assert.match(text, /^# HELP spark_application_count Total number of SparkApplication$/m);
  });

  it("counts a lifecycle with kubeflow's default buckets and the namespace label", async () => {
    const m = new OperatorMetrics({ processMetrics: false });
    const a = app("a", "");
    const submitted = status("SUBMITTED", { submissionAttempts: 1 });
    m.apps.observeTransition(a, undefined, submitted);
    m.apps.observeTransition(a, submitted, status("RUNNING", { executionAttempts: 1 }));
    const start = new Date(Date.now() - 90_000).toISOString();
    m.apps.observeTransition(
      a,
      status("RUNNING"),
      status("COMPLETED", { lastSubmissionAttemptTime: start, terminationTime: new Date().toISOString() }),
    );
    const { samples } = await scrape(m);
    const ns = { namespace: "ns1" };
    assert.equal(sumOf(samples, "spark_application_count", ns), 1);
    assert.equal(sumOf(samples, "spark_application_submit_count", ns), 1);
    assert.equal(sumOf(samples, "spark_application_success_count", ns), 1);
    assert.equal(sumOf(samples, "spark_application_success_execution_time_seconds_count", ns), 1);
    const exec = sumOf(samples, "spark_application_success_execution_time_seconds_sum", ns);
    assert.ok(exec >= 89 && exec <= 91, `execution time ${exec}`);
    assert.equal(sumOf(samples, "spark_application_submit_latency_seconds_count", ns), 1);
    assert.equal(sumOf(samples, "spark_application_start_latency_seconds_histogram_count", ns), 1);
    const submitLe = samples
      .filter((s) => s.name === "spark_application_submit_latency_seconds_histogram_bucket")
      .map((s) => s.labels.le);
    assert.deepEqual(submitLe, ["0.5", "1", "2", "4", "8", "16", "32", "64", "128", "256", "+Inf"]);
    const startLe = samples
      .filter((s) => s.name === "spark_application_start_latency_seconds_histogram_bucket")
      .map((s) => s.labels.le);
    assert.deepEqual(startLe, ["30", "60", "90", "120", "150", "180", "210", "240", "270", "300", "+Inf"]);
    assert.equal(
      samples.some((s) => s.name === "spark_application_submit_latency_seconds" && s.labels.quantile),
      false,
      "kubeflow's summaries have no quantiles",
    );
  });

  it("--metrics-prefix, --metrics-labels and the bucket flags", async () => {
    const m = new OperatorMetrics({
      processMetrics: false,
      apps: { prefix: "team-a_", labels: ["app_type", "namespace"], startLatencyBuckets: [1, 2] },
    });
    const a = app("a", "", { labels: { "app-type": "batch" } });
    m.apps.observeTransition(a, undefined, status("FAILED"));
    m.apps.observeTransition(app("b", ""), status("SUBMITTED"), status("RUNNING", { executionAttempts: 1 }));
    const { samples, text } = await scrape(m);
    assert.equal(
      sumOf(samples, "team_a_spark_application_count", { app_type: "batch", namespace: "ns1" }),
      1,
    );
    assert.equal(sumOf(samples, "team_a_spark_application_failure_count", { app_type: "batch" }), 1);
    assert.equal(
      samples.filter((s) => s.name === "team_a_spark_application_start_latency_seconds_histogram_bucket")
        .length,
      3,
    );
    assert.ok(
      samples.some((s) => s.labels.app_type === "Unknown"),
      "an app without the label: Unknown",
    );
    assert.doesNotMatch(text, /^spark_application_/m, "every app metric carries the prefix");
    assert.match(text, /^# TYPE workqueue_depth gauge$/m, "work-queue names carry no prefix");
  });

  it("running apps and executors, and apps by state, are counted from the caches, only while acting", async () => {
    const m = new OperatorMetrics({ processMetrics: false });
    let active = true;
    m.setClusterView({
      apps: () => [app("r1", "RUNNING"), app("r2", "RUNNING"), app("c", "COMPLETED"), app("n", "")],
      pods: () => [pod("Running"), pod("Running"), pod("Pending"), pod("Running", "driver")],
      active: () => active,
    });
    let { samples } = await scrape(m);
    assert.equal(sumOf(samples, "spark_application_running_count", { namespace: "ns1" }), 2);
    assert.equal(sumOf(samples, "spark_executor_running_count", { namespace: "ns1" }), 2);
    assert.equal(sumOf(samples, "sparkplane_applications", { state: "RUNNING" }), 2);
    assert.equal(sumOf(samples, "sparkplane_applications", { state: "COMPLETED" }), 1);
    assert.equal(sumOf(samples, "sparkplane_applications", { state: "NEW" }), 1);
    active = false;
    ({ samples } = await scrape(m));
    for (const n of [
      "spark_application_running_count",
      "spark_executor_running_count",
      "sparkplane_applications",
    ]) {
      assert.equal(samples.filter((s) => s.name === n).length, 0, `a standby serves no ${n}`);
    }
  });

  it("executor counters follow executor pods' phase changes (not the driver's), while acting", async () => {
    const m = new OperatorMetrics({ processMetrics: false });
    let active = true;
    m.setClusterView({ apps: () => [], pods: () => [], active: () => active });
    m.apps.observeExecutorPod(pod("Running"), pod("Succeeded"));
    m.apps.observeExecutorPod(pod("Running"), pod("Failed"));
    m.apps.observeExecutorPod(pod("Failed"), pod("Failed"));
    m.apps.observeExecutorPod(pod("Running", "driver"), pod("Failed", "driver"));
    active = false;
    m.apps.observeExecutorPod(pod("Running"), pod("Failed"));
    const { samples } = await scrape(m);
    assert.equal(sumOf(samples, "spark_executor_success_count"), 1);
    assert.equal(sumOf(samples, "spark_executor_failure_count"), 1);
  });
});

describe("OperatorMetrics: controller-runtime's work-queue, reconcile and leader-election metrics", () => {
  it("labels name and controller, in-flight gauges from the queue, results by outcome", async () => {
    const m = new OperatorMetrics({ processMetrics: false });
    const hooks = m.controllers.queueHooks("sparkapplication");
    hooks.add?.();
    hooks.depth?.(3);
    hooks.retry?.();
    const reconciled = m.controllers.watch("sparkapplication", { processingSeconds: () => [2, 0.5] }, 4);
    reconciled(0.01, "success");
    reconciled(0.02, "error");
    reconciled(0.03, "requeue_after");
    m.setLeaderElection("sparkplane-operator", () => true);
    const { samples } = await scrape(m);
    const l = { name: "sparkapplication", controller: "sparkapplication" };
    assert.equal(sumOf(samples, "workqueue_depth", l), 3);
    assert.equal(sumOf(samples, "workqueue_adds_total", l), 1);
    assert.equal(sumOf(samples, "workqueue_retries_total", l), 1);
    assert.equal(sumOf(samples, "workqueue_unfinished_work_seconds", l), 2.5);
    assert.equal(sumOf(samples, "workqueue_longest_running_processor_seconds", l), 2);
    const c = { controller: "sparkapplication" };
    for (const result of ["success", "error", "requeue_after"]) {
      assert.equal(sumOf(samples, "controller_runtime_reconcile_total", { ...c, result }), 1, result);
    }
    assert.equal(sumOf(samples, "controller_runtime_reconcile_errors_total", c), 1);
    assert.equal(sumOf(samples, "controller_runtime_reconcile_time_seconds_count", c), 3);
    assert.equal(sumOf(samples, "controller_runtime_max_concurrent_reconciles", c), 4);
    assert.equal(sumOf(samples, "controller_runtime_active_workers", c), 2);
    assert.equal(sumOf(samples, "leader_election_master_status", { name: "sparkplane-operator" }), 1);
    assert.equal(sumOf(samples, "sparkplane_reconcile_duration_seconds_count", { ...c, result: "error" }), 1);
  });

  it("process metrics without the gauges prom-client names *_total", async () => {
    const { text } = await scrape(new OperatorMetrics());
    const types = typesOf(text);
    assert.ok(types.has("process_cpu_seconds_total") && types.has("process_resident_memory_bytes"));
    for (const [name, type] of types) {
      if (name.endsWith("_total")) assert.equal(type, "counter", `${name} is a ${type}`);
    }
  });
});
