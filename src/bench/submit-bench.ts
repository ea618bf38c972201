/**
 * `sparkplane bench submit`: how fast the operator turns SparkApplications into driver pods, and what it
 * costs. A fresh embedded control plane (no agent: driver pods stay Pending), the operator in its own
 * process, N SparkApplications created by this process at a rate or as one burst, a watch on driver pods.
 * See bench/README.md for the method of every figure.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, release, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parse } from "yaml";
import { SPARKPLANE_API_VERSION, SparkQueueNames } from "../api/sparkplane/constants.js";
import { GROUP, SparkApplicationNames, VERSION } from "../api/v1beta2/constants.js";
import { loadKubeConfig } from "../kube/config.js";
import { auditedRequestsSince, auditLogOffset, countByVerbAndResource } from "../local/audit.js";
import { down, status, up } from "../local/cluster.js";
import { readClusterState } from "../local/cluster-state.js";
import { OPERATOR_NODE_FLAGS, PROFILING_ENV, SPARKPLANE_BIN } from "../local/components.js";
import { statePaths } from "../local/paths.js";
import { freePort } from "../local/ports.js";
import { examplesSourceDir } from "../local/provision/examples.js";
import { provision } from "../local/provision/index.js";
import { ensureSparkServiceAccount } from "../local/spark-rbac.js";
import { diffCounts, sumOf } from "../util/prom-text.js";
import { createApps } from "./app-load.js";
import { type DriverPodWatch, watchDriverPods } from "./driver-pod-watch.js";
import { profileGoComponents } from "./go-profile.js";
import { KubeHttp, readKubeconfig } from "./kube-http.js";
import { operatorMetrics, stopOperator, waitReady } from "./operator-process.js";
import {
  API_REQUEST_METHOD,
  apiserverMetrics,
  OPERATOR_USER,
  operatorIdentity,
  operatorRequestsOf,
  requestsByVerb,
} from "./operator-requests.js";
import { cpuTimes, memoryMB, treeRssMB } from "./proc.js";
import type { RunResult, SubmitBenchOptions, SubmitBenchResult, SubmitterKind } from "./result.js";
import {
  costPerItemByWindow,
  type ProgressSample,
  peakWindowRate,
  ratePerSecond,
  round,
  summarize,
} from "./stats.js";

/** Runs the benchmark; the result is also what `--json` writes. */
export async function runSubmitBench(opts: SubmitBenchOptions): Promise<SubmitBenchResult> {
  const log = opts.log;
  const loadAverageAtStart = loadavg().map((v) => round(v, 2));
  log(`load average at start: ${loadAverageAtStart.join(" ")} (${cpus().length} CPUs)`);
  await provision({ quiet: true });
  // The supervisor and the components it starts inherit this process's environment.
  if (opts.gogc !== undefined) process.env.GOGC = String(opts.gogc);
  else delete process.env.GOGC;
  if (opts.cpuProfDir) process.env[PROFILING_ENV] = "1";
  else delete process.env[PROFILING_ENV];
  const plan: { submitter: SubmitterKind; apps: number }[] =
    opts.submitter === "both"
      ? [
          { submitter: "native", apps: opts.apps },
          { submitter: "spark-submit", apps: opts.sparkSubmitApps },
        ]
      : [{ submitter: opts.submitter, apps: opts.apps }];
  const runs: RunResult[] = [];
  let kubernetesVersion = "";
  // A fresh control plane for every run, so that no run pays for (or counts) the aftermath of another.
  for (const p of plan) {
    const stateDir = mkdtempSync(join(tmpdir(), "sparkplane-bench-"));
    log(`[${p.submitter}] starting a fresh embedded control plane in ${stateDir} (no agent, no operator)`);
    const t0 = Date.now();
    const cluster = await up({
      stateDir,
      agent: false,
      operator: false,
      ...(opts.keep ? {} : { exitWith: process.pid }),
    });
    kubernetesVersion = cluster.kubernetesVersion;
    log(
      `[${p.submitter}] control plane ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${cluster.server}`,
    );
    const admin = new KubeHttp(readKubeconfig(cluster.kubeconfig));
    try {
      const operatorKubeconfig = await operatorIdentity(admin, stateDir);
      runs.push(
        await runOne(opts, {
          ...p,
          stateDir,
          admin,
          adminKubeconfig: cluster.kubeconfig,
          operatorKubeconfig,
        }),
      );
    } finally {
      admin.close();
      if (opts.keep) log(`[${p.submitter}] cluster kept running: sparkplane down --state-dir ${stateDir}`);
      else {
        await down(stateDir);
        rmSync(stateDir, { recursive: true, force: true });
      }
    }
  }
  const primary = runs[0];
  const result: SubmitBenchResult = {
    benchmark: "submit",
    date: new Date().toISOString(),
    commit: gitCommit(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? "",
      memoryGB: round(totalmem() / 2 ** 30, 1),
      kernel: release(),
      node: process.version,
      loadAverageAtStart,
      loadAverageAtEnd: loadavg().map((v) => round(v, 2)),
    },
    kubernetesVersion,
    controlPlaneGOGC: opts.gogc ?? null,
    apiRequestMethod: API_REQUEST_METHOD,
    ...primary,
    runs,
  };
  const native = runs.find((r) => r.submitter === "native");
  const sparkSubmit = runs.find((r) => r.submitter === "spark-submit");
  if (native && sparkSubmit) {
    result.comparison = {
      nativeThroughputAppsPerSec: native.throughputAppsPerSec,
      sparkSubmitThroughputAppsPerSec: sparkSubmit.throughputAppsPerSec,
      throughputRatio: round(native.throughputAppsPerSec / sparkSubmit.throughputAppsPerSec, 1),
      latencyP50Ratio: round(sparkSubmit.latencyMs.p50 / native.latencyMs.p50, 1),
      cpuPerAppRatio: round(sparkSubmit.operatorCpuMsPerApp / native.operatorCpuMsPerApp, 1),
    };
  }
  return result;
}

/** CPU profiles of the API server, controller-manager and scheduler, from the first create on. */
function profileControlPlane(
  stateDir: string,
  dir: string,
  submitter: SubmitterKind,
  seconds: number,
  log: (line: string) => void,
): Promise<string[]> {
  const state = readClusterState(statePaths(stateDir).clusterJson);
  const endpoint = readKubeconfig(statePaths(stateDir).kubeconfig);
  if (!state) return Promise.resolve([]);
  const at = (port: number) => `https://127.0.0.1:${port}`;
  log(`profiling the control plane for ${seconds} s (Go pprof)`);
  return profileGoComponents(
    [
      { name: `${submitter}-kube-apiserver`, server: at(state.ports.apiserver) },
      { name: `${submitter}-kube-controller-manager`, server: at(state.ports.controllerManager) },
      { name: `${submitter}-kube-scheduler`, server: at(state.ports.scheduler) },
    ],
    endpoint,
    seconds,
    dir,
    log,
  );
}

function controlPlanePids(stateDir: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of status(stateDir).components) if (c.pid !== undefined && c.alive) out[c.name] = c.pid;
  return out;
}

function totalCpu(pid: number): number {
  try {
    const t = cpuTimes(pid);
    return t.self + t.children;
  } catch {
    return Number.NaN;
  }
}

const BENCH_QUEUE = "bench";

function appTemplate(): Record<string, unknown> {
  return parse(readFileSync(join(examplesSourceDir(), "spark-pi.yaml"), "utf8")) as Record<string, unknown>;
}

interface RunContext {
  submitter: SubmitterKind;
  apps: number;
  stateDir: string;
  admin: KubeHttp;
  adminKubeconfig: string;
  operatorKubeconfig: string;
}

async function runOne(opts: SubmitBenchOptions, ctx: RunContext): Promise<RunResult> {
  const { admin, submitter, apps } = ctx;
  const log = (line: string) => opts.log(`[${submitter}] ${line}`);
  const ns = `bench-${submitter}`;
  await admin.createIfAbsent("/api/v1/namespaces", { metadata: { name: ns } });
  await ensureSparkServiceAccount(loadKubeConfig(ctx.adminKubeconfig), ns);

  const port = await freePort();
  // The operator runs as `sparkplane up` runs it; --node-arg comes after (e.g. --no-optimize-for-size).
  const nodeArgs: string[] = [...OPERATOR_NODE_FLAGS, ...(opts.nodeArgs ?? [])];
  if (opts.cpuProfDir) {
    mkdirSync(opts.cpuProfDir, { recursive: true });
    nodeArgs.push(
      "--cpu-prof",
      `--cpu-prof-dir=${opts.cpuProfDir}`,
      `--cpu-prof-name=operator-${submitter}.cpuprofile`,
    );
  }
  const operatorLog = join(ctx.stateDir, "logs", `operator-${submitter}.log`);
  const args = [
    ...nodeArgs,
    SPARKPLANE_BIN,
    "operator",
    `--kubeconfig=${ctx.operatorKubeconfig}`,
    `--namespaces=${ns}`,
    `--workers=${opts.workers}`,
    `--submitter=${submitter}`,
    `--metrics-port=${port}`,
    "--log-level=warn",
    ...(opts.queue ? ["--no-queue-capacity-check"] : []),
    ...opts.operatorArgs,
  ];
  log(`operator: node ${args.join(" ")}`);
  const operator = spawn(process.execPath, args, {
    stdio: ["ignore", openSync(operatorLog, "a"), openSync(operatorLog, "a")],
  });
  const exited = new Promise<number | null>((resolve) => operator.once("exit", (code) => resolve(code)));
  let operatorGone = false;
  void exited.then(() => {
    operatorGone = true;
  });
  const pid = operator.pid!;
  log(`operator pid ${pid}; log ${operatorLog}`);
  let podWatch: DriverPodWatch | undefined;
  let sampler: NodeJS.Timeout | undefined;
  try {
    await waitReady(port, () => operatorGone, operatorLog);
    const startupCpu = totalCpu(pid);

    if (opts.queue) {
      await admin.createIfAbsent(`/apis/${SPARKPLANE_API_VERSION}/${SparkQueueNames.plural}`, {
        apiVersion: SPARKPLANE_API_VERSION,
        kind: SparkQueueNames.kind,
        metadata: { name: BENCH_QUEUE },
        spec: { quota: { cpu: apps * 10, memory: `${apps * 10}Gi` } },
      });
      log(`apps go through SparkQueue ${BENCH_QUEUE}; a driver pod counts once its gate is removed`);
    }
    const pods = await watchDriverPods(admin, ns, apps, log, opts.queue === true);
    podWatch = pods;
    const podAt = pods.seenAt;

    const before = await apiserverMetrics(admin);
    const auditLog = statePaths(ctx.stateDir).auditLog;
    const auditOffset = auditLogOffset(auditLog);
    const cpPids = controlPlanePids(ctx.stateDir);
    const cpuBefore = Object.fromEntries(Object.entries(cpPids).map(([n, p]) => [n, totalCpu(p)]));
    const benchCpuBefore = process.cpuUsage();
    const cpuStart = cpuTimes(pid);
    let treePeak = 0;
    const apiserverPid = cpPids["kube-apiserver"];
    const apiserverCpu = () => (apiserverPid === undefined ? Number.NaN : totalCpu(apiserverPid));
    const apiserverSeries: ProgressSample[] = [{ done: 0, cost: apiserverCpu() }];
    let ticks = 0;
    sampler = setInterval(() => {
      try {
        treePeak = Math.max(treePeak, treeRssMB(pid));
      } catch {}
      if (++ticks % 4 === 0) apiserverSeries.push({ done: podAt.size, cost: apiserverCpu() });
    }, 250);

    // The SparkApplications.
    const template = appTemplate();
    if (opts.queue) (template.spec as Record<string, unknown>).batchSchedulerOptions = { queue: BENCH_QUEUE };
    const nameOf = (i: number) => `${submitter === "native" ? "n" : "s"}-${i}`;
    const mode = opts.rate ? `${opts.rate} apps/s` : `one burst, ${opts.concurrency} in flight`;
    log(`creating ${apps} SparkApplications (${mode}); operator --workers ${opts.workers}`);
    const goProfiles = opts.cpuProfDir
      ? profileControlPlane(ctx.stateDir, opts.cpuProfDir, submitter, opts.cpuProfSeconds ?? 30, log)
      : undefined;
    const load = createApps(admin, {
      path: `/apis/${GROUP}/${VERSION}/namespaces/${ns}/${SparkApplicationNames.plural}`,
      count: apps,
      body: (i) =>
        JSON.stringify({
          ...template,
          metadata: { ...(template.metadata as object), name: nameOf(i), namespace: ns },
        }),
      ...(opts.rate ? { rate: opts.rate } : {}),
      concurrency: opts.concurrency,
      log,
    });
    const progress = setInterval(
      () => log(`  ${load.created}/${apps} created, ${podAt.size}/${apps} driver pods`),
      5000,
    );
    await load.finished;
    const { sentAt, createdAt, firstSent, done: createsDone, errors: createErrors } = load;
    log(`created ${apps} in ${((createsDone - firstSent) / 1000).toFixed(1)} s (${createErrors} errors)`);

    const timeoutMs = opts.timeoutMs ?? 120_000 + apps * (submitter === "native" ? 100 : 10_000);
    const giveUp = new AbortController();
    const timedOut = await Promise.race([
      pods.allSeen.then(() => false),
      sleep(timeoutMs, true, { signal: giveUp.signal }).catch(() => false),
      exited.then(() => true),
    ]);
    giveUp.abort();
    clearInterval(progress);
    if (operatorGone) throw new Error(`the operator exited; see ${operatorLog}`);
    if (timedOut) log(`timed out after ${timeoutMs} ms: ${podAt.size}/${apps} driver pods`);
    const podTimes = [...podAt.values()];
    const lastPod = podTimes.length ? Math.max(...podTimes) : performance.now();
    log(
      `${podAt.size} driver pods in ${((lastPod - firstSent) / 1000).toFixed(1)} s; waiting for the operator to settle`,
    );

    // Settled: the operator's queue is empty and it sent no API request for 3 s in a row.
    const settleStart = performance.now();
    let quietSince = performance.now();
    let lastCount = operatorRequestsOf(await apiserverMetrics(admin));
    while (performance.now() - settleStart < 180_000) {
      await sleep(500);
      const count = operatorRequestsOf(await apiserverMetrics(admin));
      const metrics = await operatorMetrics(port);
      const depth =
        sumOf(metrics, "workqueue_depth", { name: "sparkapplication" }) +
        sumOf(metrics, "workqueue_depth", { name: "sparkqueue" });
      if (count !== lastCount || depth > 0) quietSince = performance.now();
      lastCount = count;
      if (performance.now() - quietSince >= 3000) break;
    }
    const settled = quietSince; // the last moment anything happened
    const cpuEnd = cpuTimes(pid);
    const benchCpu = process.cpuUsage(benchCpuBefore);
    const cpuAfter = Object.fromEntries(Object.entries(cpPids).map(([n, p]) => [n, totalCpu(p)]));
    const after = await apiserverMetrics(admin);
    clearInterval(sampler);
    sampler = undefined;
    apiserverSeries.push({ done: podAt.size, cost: apiserverCpu() });
    const operatorByVerb = countByVerbAndResource(auditedRequestsSince(auditLog, auditOffset, OPERATOR_USER));
    const mem = memoryMB(pid);
    const om = await operatorMetrics(port);
    log(`settled ${((settled - lastPod) / 1000).toFixed(1)} s after the last driver pod`);

    let steady: RunResult["steady"];
    if (opts.steady) {
      log(`steady: watching the operator's memory for ${opts.steadySeconds} s`);
      const rss: number[] = [];
      const steadyApiserverCpu = apiserverCpu();
      const steadyStart = performance.now();
      for (let s = 0; s < opts.steadySeconds; s++) {
        await sleep(1000);
        rss.push(memoryMB(pid).rss);
      }
      const apiserverCpuPerSec =
        (apiserverCpu() - steadyApiserverCpu) / ((performance.now() - steadyStart) / 1000);
      steady = {
        seconds: opts.steadySeconds,
        rssMB: {
          min: round(Math.min(...rss), 1),
          max: round(Math.max(...rss), 1),
          last: round(rss[rss.length - 1] ?? Number.NaN, 1),
        },
        apiserverCpuMsPerSecPerPendingPod: round((apiserverCpuPerSec * 1000) / Math.max(1, podAt.size), 4),
      };
    }

    const opRequests = operatorRequestsOf(after) - operatorRequestsOf(before);
    const byVerb = diffCounts(requestsByVerb(before), requestsByVerb(after));
    const perApp: Record<string, number> = {};
    for (const [k, v] of [...byVerb].sort((a, b) => b[1] - a[1])) {
      if (v / apps >= 0.01) perApp[k] = round(v / apps, 2);
    }
    const latencies: number[] = [];
    const fromRequest: number[] = [];
    const admission: number[] = [];
    for (let i = 0; i < apps; i++) {
      const at = podAt.get(nameOf(i));
      if (at === undefined || createdAt[i] === undefined) continue;
      latencies.push(at - (createdAt[i] as number));
      fromRequest.push(at - (sentAt[i] as number));
      const gated = pods.gatedAt.get(nameOf(i));
      if (gated !== undefined) admission.push(at - gated);
    }
    const createDurations = createdAt.map((c, i) => c - (sentAt[i] as number)).filter(Number.isFinite);
    const histMean = (name: string, scale = 1) => {
      const count = sumOf(om, `${name}_count`);
      return count > 0 ? round((sumOf(om, `${name}_sum`) / count) * scale, 2) : Number.NaN;
    };
    const cpuSelf = cpuEnd.self - cpuStart.self;
    const cpuAll = cpuSelf + (cpuEnd.children - cpuStart.children);
    const cpuSecondsByProcess: Record<string, number> = {
      operator: round(cpuAll, 2),
      bench: round((benchCpu.user + benchCpu.system) / 1e6, 2),
    };
    for (const [n, v] of Object.entries(cpuAfter)) cpuSecondsByProcess[n] = round(v - (cpuBefore[n] ?? 0), 2);

    const peakRssMBByProcess: Record<string, number> = { operator: round(mem.peakRss, 1) };
    for (const [n, p] of Object.entries(cpPids)) {
      try {
        peakRssMBByProcess[n] = round(memoryMB(p).peakRss, 1);
      } catch {}
    }

    const result: RunResult = {
      submitter,
      namespace: ns,
      apps,
      appsWithDriverPod: podAt.size,
      queue: opts.queue === true,
      mode: opts.rate ? "rate" : "burst",
      ratePerSec: opts.rate ?? null,
      concurrency: opts.rate ? null : opts.concurrency,
      workers: opts.workers,
      operatorNodeArgs: nodeArgs,
      throughputAppsPerSec: round(ratePerSecond(podAt.size, firstSent, lastPod), 2),
      peakThroughput5sAppsPerSec: round(peakWindowRate(podTimes, 5000), 1),
      burstSeconds: round((lastPod - firstSent) / 1000, 2),
      createSeconds: round((createsDone - firstSent) / 1000, 2),
      createErrors,
      latencyMs: summarize(latencies),
      latencyFromRequestMs: summarize(fromRequest),
      ...(opts.queue
        ? { admissionMs: summarize(admission), admittedAtSubmission: podAt.size - admission.length }
        : {}),
      createRequestMs: summarize(createDurations),
      operatorCpuSeconds: round(cpuAll, 2),
      operatorCpuSecondsSelf: round(cpuSelf, 2),
      operatorCpuMsPerApp: round((cpuAll * 1000) / apps, 2),
      operatorStartupCpuSeconds: round(startupCpu, 2),
      operatorPeakRssMB: round(mem.peakRss, 1),
      operatorTreePeakRssMB: round(Math.max(treePeak, mem.peakRss), 1),
      operatorRssAfterSettleMB: round(mem.rss, 1),
      operatorHeapUsedAfterSettleMB: round(sumOf(om, "nodejs_heap_size_used_bytes") / 2 ** 20, 1),
      apiRequestsPerApp: round(opRequests / apps, 2),
      apiRequestsOperator: opRequests,
      apiRequestsAllClientsPerApp: perApp,
      apiRequestsOperatorPerApp: Object.fromEntries(
        [...operatorByVerb].filter(([, v]) => v / apps >= 0.01).map(([k, v]) => [k, round(v / apps, 2)]),
      ),
      apiserverCpuMsPerAppByWindow: costPerItemByWindow(
        apiserverSeries,
        opts.windowApps ?? Math.max(100, Math.round(apps / 5)),
        1000,
      ).map((w) => ({ pods: w.done, cpuMsPerApp: w.costPerItem })),
      settleSeconds: round((settled - lastPod) / 1000, 2),
      cpuSecondsByProcess,
      peakRssMBByProcess,
      operatorSubmitMeanMs: histMean("sparkplane_submit_duration_seconds", 1000),
      operatorQueueWaitMeanMs: histMean("workqueue_queue_duration_seconds", 1000),
      reconciles: sumOf(om, "sparkplane_reconcile_duration_seconds_count"),
      ...(steady ? { steady } : {}),
    };
    await pods.stop();
    podWatch = undefined;
    await stopOperator(operator, exited);
    if (opts.cpuProfDir) {
      const file = join(opts.cpuProfDir, `operator-${submitter}.cpuprofile`);
      if (readdirSync(opts.cpuProfDir).includes(`operator-${submitter}.cpuprofile`)) result.cpuProfile = file;
      result.controlPlaneProfiles = (await goProfiles) ?? [];
    }
    log(
      `${result.throughputAppsPerSec} apps/s, latency p50 ${result.latencyMs.p50} ms p99 ${result.latencyMs.p99} ms, ` +
        `operator ${result.operatorCpuSeconds} CPU s, peak RSS ${result.operatorPeakRssMB} MB, ${result.apiRequestsPerApp} API requests/app`,
    );
    return result;
  } finally {
    if (sampler) clearInterval(sampler);
    await podWatch?.stop();
    if (!operatorGone) await stopOperator(operator, exited);
  }
}

function gitCommit(): string {
  const root = join(SPARKPLANE_BIN, "..", "..");
  try {
    const sha = execFileSync("git", ["rev-parse", "--short=12", "HEAD"], {
      cwd: root,
      encoding: "utf8",
    }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], {
      cwd: root,
      encoding: "utf8",
    }).trim();
    return dirty ? `${sha}+dirty` : sha;
  } catch {
    return "unknown";
  }
}
