import type { SubmitBenchResult } from "./result.js";

/** The figures as a few aligned lines for the terminal. */
export function formatResult(r: SubmitBenchResult): string {
  const lines: string[] = [];
  lines.push(
    `sparkplane bench submit — ${r.date} — commit ${r.commit} — Kubernetes ${r.kubernetesVersion}` +
      (r.controlPlaneGOGC === null ? "" : ` — control plane GOGC=${r.controlPlaneGOGC}`),
    `machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGB} GB, Linux ${r.machine.kernel}, Node ${r.machine.node}; ` +
      `load ${r.machine.loadAverageAtStart.join(" ")} -> ${r.machine.loadAverageAtEnd.join(" ")}`,
  );
  for (const run of r.runs) {
    const mode = run.mode === "rate" ? `${run.ratePerSec} apps/s` : `burst (${run.concurrency} in flight)`;
    lines.push(
      "",
      `${run.submitter}${run.queue ? " through a SparkQueue" : ""}: ${run.apps} apps, ${mode}, --workers ${run.workers}, node ${run.operatorNodeArgs.join(" ")}`,
      `  ${run.queue ? "admitted drivers      " : "driver pods           "} ${run.appsWithDriverPod}/${run.apps} in ${run.burstSeconds} s (creates took ${run.createSeconds} s, ${run.createErrors} errors)`,
      `  throughput             ${run.throughputAppsPerSec} apps/s (peak 5 s window ${run.peakThroughput5sAppsPerSec})`,
      `  latency (ms)           p50 ${run.latencyMs.p50}  p95 ${run.latencyMs.p95}  p99 ${run.latencyMs.p99}  max ${run.latencyMs.max}`,
      ...(run.admissionMs
        ? [
            `  admission              ${run.admittedAtSubmission} at submission (created ungated), ${run.admissionMs.count} through the gate` +
              (run.admissionMs.count > 0
                ? `: p50 ${run.admissionMs.p50}  p95 ${run.admissionMs.p95}  p99 ${run.admissionMs.p99}  max ${run.admissionMs.max} ms (gated driver pod -> gate removed)`
                : ""),
          ]
        : []),
      `  operator CPU           ${run.operatorCpuSeconds} s (${run.operatorCpuMsPerApp} ms/app; start-up ${run.operatorStartupCpuSeconds} s)`,
      `  operator memory        peak RSS ${run.operatorPeakRssMB} MB (with children ${run.operatorTreePeakRssMB} MB), after settling ${run.operatorRssAfterSettleMB} MB (heap ${run.operatorHeapUsedAfterSettleMB} MB)`,
      `  API requests           ${run.apiRequestsPerApp} per app by the operator; all clients per app: ${Object.entries(
        run.apiRequestsAllClientsPerApp,
      )
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}`,
      `  operator requests/app  ${Object.entries(run.apiRequestsOperatorPerApp)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}`,
      `  API server CPU/app     ${run.apiserverCpuMsPerAppByWindow
        .map((w) => `${w.cpuMsPerApp} ms up to ${w.pods}`)
        .join(", ")}`,
      `  CPU s by process       ${Object.entries(run.cpuSecondsByProcess)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}`,
      `  peak RSS MB by process ${Object.entries(run.peakRssMBByProcess)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}`,
      `  operator internals     submit mean ${run.operatorSubmitMeanMs} ms, queue wait mean ${run.operatorQueueWaitMeanMs} ms, ${run.reconciles} reconciles, settled ${run.settleSeconds} s after the last pod`,
    );
    if (run.steady)
      lines.push(
        `  steady (${run.steady.seconds} s)        RSS ${run.steady.rssMB.min}..${run.steady.rssMB.max} MB with ${run.apps} apps cached` +
          (run.steady.apiserverCpuMsPerSecPerPendingPod === undefined
            ? ""
            : `; API server ${run.steady.apiserverCpuMsPerSecPerPendingPod} ms CPU/s per pending driver`),
      );
    if (run.cpuProfile)
      lines.push(`  CPU profile            ${run.cpuProfile} (sparkplane bench profile FILE)`);
    for (const f of run.controlPlaneProfiles ?? [])
      lines.push(`  Go CPU profile         ${f} (go tool pprof -top FILE)`);
  }
  if (r.comparison) {
    lines.push(
      "",
      `native vs spark-submit: ${r.comparison.throughputRatio}× the throughput, ` +
        `${r.comparison.latencyP50Ratio}× lower p50 latency, ${r.comparison.cpuPerAppRatio}× less operator CPU per app`,
    );
  }
  return lines.join("\n");
}
