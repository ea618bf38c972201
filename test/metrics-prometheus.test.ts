import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { OperatorLabel } from "../src/api/v1beta2/constants.js";
import { mergePatchOptions } from "../src/kube/patch.js";
import { requireFullToolset } from "../src/local/provision/index.js";
import {
  ControllerRuntimeMetric,
  KubeflowAppMetric,
  KubeflowExecutorMetric,
  WorkQueueMetric,
} from "../src/operator/metrics/names.js";
import { basicApp, type OperatorHarness, operatorHarness, state } from "./operator-fixture.js";
import { eventually } from "./poll.js";
import { type PrometheusServer, startPrometheus } from "./prometheus-server.js";

const root = join(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "..", "..");
const JOB = "sparkplane-operator";
const LONG = 90_000;

/** Runs `promtool check metrics` on the text: its exit code and everything it printed. */
function promtoolCheckMetrics(
  promtool: string,
  text: string,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(promtool, ["check", "metrics"], { stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (b: Buffer) => (output += b));
    child.stderr.on("data", (b: Buffer) => (output += b));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, output }));
    child.stdin.end(text);
  });
}

interface DashboardTarget {
  expr: string;
  legendFormat?: string;
  panel: string;
}

function dashboardTargets(dashboard: {
  panels: { title: string; targets?: { expr?: string; legendFormat?: string }[] }[];
}): DashboardTarget[] {
  return dashboard.panels.flatMap((p) =>
    (p.targets ?? []).map((t) => ({ expr: t.expr ?? "", legendFormat: t.legendFormat, panel: p.title })),
  );
}

describe("the operator's /metrics: promtool, a real Prometheus, the Grafana dashboard", () => {
  let h: OperatorHarness;
  let prom: PrometheusServer | undefined;
  let metricsUrl: string;
  const tools = requireFullToolset().prometheus;

  before(async () => {
    h = await operatorHarness(
      "metrics",
      {},
      {
        metricsPort: 0,
        leaderElection: {
          namespace: "default",
          name: `sparkplane-metrics-${randomBytes(3).toString("hex")}`,
        },
      },
    );
    metricsUrl = `http://127.0.0.1:${(h.operator.http.address() as AddressInfo).port}/metrics`;
  });
  after(async () => {
    const pid = prom?.pid;
    await prom?.stop();
    await h?.stop();
    if (pid !== undefined) assert.throws(() => process.kill(pid, 0), /ESRCH/, "Prometheus is gone");
  });

  const waitState = (name: string, wanted: string[]) =>
    h.until(
      `${name} to be ${wanted.join(" or ")}`,
      async () => {
        const app = await h.get(name);
        return wanted.includes(state(app)) ? app : false;
      },
      LONG,
    );
  const driverOf = (name: string) =>
    h.until(
      `${name}'s driver pod`,
      () => h.core.readNamespacedPod({ name: `${name}-driver`, namespace: h.ns }).catch(() => undefined),
      LONG,
    );
  /** An executor pod as Spark's driver would create it, then its phases as the kubelet would report them. */
  const executor = async (app: string, id: number, phases: ("Running" | "Succeeded" | "Failed")[]) => {
    const driver = await driverOf(app);
    const name = `${app}-exec-${id}`;
    await h.core.createNamespacedPod({
      namespace: h.ns,
      body: {
        metadata: {
          name,
          labels: {
            "spark-role": "executor",
            "spark-exec-id": String(id),
            "spark-app-selector": driver.metadata?.labels?.["spark-app-selector"] ?? "",
            [OperatorLabel.AppName]: app,
          },
        },
        spec: { containers: [{ name: "spark-kubernetes-executor", image: "spark:3.5.9" }] },
      },
    });
    for (const phase of phases) {
      await h.core.patchNamespacedPodStatus(
        { name, namespace: h.ns, body: { status: { phase } } },
        mergePatchOptions,
      );
    }
  };

  test("apps in every state, then promtool check metrics is clean and every kubeflow series is present", async () => {
    await h.until("this replica to lead", async () => h.operator.isLeader(), LONG);
    await h.create(basicApp("done"));
    await h.create(basicApp("broken"));
    await h.create(basicApp("busy"));
    await h.create(
      basicApp("nosubmit", {
        driver: { cores: 1, memory: "512m", serviceAccount: "spark", labels: { bad: "not a label value!" } },
      }),
    );
    for (const app of ["done", "broken", "busy"]) {
      await driverOf(app);
      await h.setPodPhase(`${app}-driver`, "Running");
      await waitState(app, ["RUNNING"]);
    }
    await executor("done", 1, ["Running", "Succeeded"]);
    await executor("broken", 1, ["Running", "Failed"]);
    await executor("busy", 1, ["Running"]);
    await h.setPodPhase("done-driver", "Succeeded");
    await h.setPodPhase("broken-driver", "Failed", 1);
    await waitState("done", ["COMPLETED"]);
    await waitState("broken", ["FAILED"]);
    await waitState("nosubmit", ["SUBMISSION_FAILED", "FAILED"]);

    const text = await eventually(
      "every kubeflow series",
      async () => {
        const t = await (await fetch(metricsUrl)).text();
        const has = (n: string) => new RegExp(`^${n}(\\{| )`, "m").test(t);
        return has("spark_executor_success_count") && has("spark_executor_failure_count") ? t : false;
      },
      { timeoutMs: LONG },
    );
    const names = [
      ...Object.values(KubeflowAppMetric).map((n) => (n.endsWith("_histogram") ? `${n}_bucket` : n)),
      ...Object.values(KubeflowExecutorMetric),
      ...Object.values(WorkQueueMetric),
      ...Object.values(ControllerRuntimeMetric),
      "sparkplane_applications",
      "process_cpu_seconds_total",
      "process_resident_memory_bytes",
    ];
    const summaries = new Set<string>([
      KubeflowAppMetric.SuccessExecutionTimeSeconds,
      KubeflowAppMetric.FailureExecutionTimeSeconds,
      KubeflowAppMetric.SubmitLatencySeconds,
      KubeflowAppMetric.StartLatencySeconds,
    ]);
    const missing = names.filter((n) => {
      const sample = summaries.has(n) || n.endsWith("_seconds") ? `${n}(_count|_bucket)?` : n;
      return !new RegExp(`^${sample}(\\{| )`, "m").test(text);
    });
    assert.deepEqual(missing, [], "every series is present");
    const check = await promtoolCheckMetrics(tools.promtool, text);
    console.log(`promtool check metrics: exit ${check.code}, output ${JSON.stringify(check.output)}`);
    assert.equal(check.output, "", "no problems reported");
    assert.equal(check.code, 0);
    // The same text with kubeflow's own TYPE line for one family: promtool objects, which is why it is untyped.
    const asKubeflow = text.replace(
      "# TYPE spark_application_count untyped",
      "# TYPE spark_application_count counter",
    );
    const refused = await promtoolCheckMetrics(tools.promtool, asKubeflow);
    assert.equal(refused.code, 3, refused.output);
    assert.match(refused.output, /spark_application_count counter metrics should have "_total" suffix/);
  });

  test("a real Prometheus scrapes the operator and counts the apps", async () => {
    const port = (h.operator.http.address() as AddressInfo).port;
    prom = await startPrometheus({ binary: tools.prometheus, job: JOB, targets: [`127.0.0.1:${port}`] });
    const p = prom;
    await eventually("the target to be up", async () => (await p.targets()).some((t) => t.health === "up"), {
      timeoutMs: LONG,
    });
    const count = await eventually(
      "sum(spark_application_count) == 4",
      async () => {
        const r = await p.query("sum(spark_application_count)");
        const v = r.data?.result[0]?.value[1];
        return v === "4" ? v : false;
      },
      { timeoutMs: LONG },
    );
    assert.equal(count, "4");
    const running = await p.query(`sum(spark_application_running_count{namespace="${h.ns}"})`);
    assert.equal(running.data?.result[0]?.value[1], "1", "busy is running");
    const byState = await p.query(`sum by (state) (sparkplane_applications{namespace="${h.ns}"})`);
    const states = Object.fromEntries((byState.data?.result ?? []).map((r) => [r.metric.state, r.value[1]]));
    assert.equal(states.RUNNING, "1");
    assert.equal(states.COMPLETED, "1");
    assert.ok(
      Number(states.FAILED ?? 0) + Number(states.SUBMISSION_FAILED ?? 0) === 2,
      JSON.stringify(states),
    );
  });

  test("every PromQL expression of the Grafana dashboard answers with the series its legend names", async () => {
    assert.ok(prom, "Prometheus runs (previous test)");
    const p = prom;
    const dashboard = JSON.parse(
      readFileSync(join(root, "charts", "sparkplane", "dashboards", "sparkplane.json"), "utf8"),
    );
    const vars: Record<string, string> = { namespace: h.ns, job: JOB, __rate_interval: "1m" };
    const substitute = (expr: string) =>
      expr.replace(/\$\{?(\w+)\}?/g, (whole, name: string) => vars[name] ?? whole);
    const targets = dashboardTargets(dashboard);
    assert.ok(targets.length >= 20, `${targets.length} targets`);
    const results: string[] = [];
    for (const t of targets) {
      const expr = substitute(t.expr);
      assert.doesNotMatch(expr, /\$/, `${t.panel}: every template variable substituted in ${expr}`);
      const wanted = [...(t.legendFormat ?? "").matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]!);
      const answer = await eventually(
        `${t.panel}: ${expr}`,
        async () => {
          const r = await p.query(expr);
          if (r.status !== "success") throw new Error(`${expr}: ${r.errorType}: ${r.error}`);
          const series = r.data?.result ?? [];
          const labelled =
            series.length > 0 && series.every((s) => wanted.every((l) => s.metric[l] !== undefined));
          return labelled ? r : false;
        },
        { timeoutMs: LONG, intervalMs: 1000 },
      );
      results.push(`${t.panel} | ${expr} -> ${answer.data?.result.length} series`);
    }
    console.log(results.join("\n"));
    for (const v of dashboard.templating.list as { name: string; query?: { query?: string } }[]) {
      const m = /^label_values\((\w+),\s*(\w+)\)$/.exec(v.query?.query ?? "");
      if (!m) continue;
      const values = await p.labelValues(m[2]!, m[1]!);
      assert.ok(values.includes(vars[v.name]!), `$${v.name}: ${values.join()} includes ${vars[v.name]}`);
    }
  });
});
