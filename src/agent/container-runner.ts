import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { V1Container, V1Pod } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { parseKubernetesQuantity } from "../api/quantity.js";
import { ownedBy } from "../local/pidfiles.js";
import { buildContainerRun, containerWorkDir, type RunContext } from "./container-spec.js";
import { ConfigError, type PodRuntime } from "./downward.js";
import {
  type ContainerFile,
  type PodDirs,
  readContainerFile,
  runPaths,
  writeContainerFile,
} from "./pod-fs.js";
import { readLogTail } from "./pod-logs.js";
import type { PodSandbox } from "./pod-sandbox.js";
import { readinessTarget } from "./probes.js";
import {
  ContainerProcess,
  type GroupUsage,
  type ProcessExit,
  type ProcessMonitor,
  readExit,
} from "./processes.js";
import { type HostFs, planMounts, wrapperScript } from "./sandbox.js";
import { SPARK_VERSION_SUBSTITUTED } from "./spark-version.js";
import { type ContainerRecord, logTailMessage, type Terminated, terminationReason } from "./status.js";
import { describe } from "./status-reporter.js";
import { type ContainerUsage, cpuFileOf, parseTimes, ticksToNanos } from "./usage.js";

export type Role = "init" | "sidecar" | "main";

/** What a container runner needs from its pod and the agent. */
export interface RunnerEnv {
  pod: () => V1Pod;
  uid: string;
  dirs: PodDirs;
  sandbox: PodSandbox;
  runtime: () => PodRuntime;
  ctx: RunContext;
  stateDir: string;
  pidsDir: string;
  bins: { sh: string; unshare?: string };
  hostFs: HostFs;
  monitor: ProcessMonitor;
  memory: "kill" | "report" | "off";
  /** onOwner: also on the pod's controller when that is not a Pod (a driver's SparkApplication). */
  event(type: "Normal" | "Warning", reason: string, message: string, onOwner?: boolean): void;
  report(): void;
  log: Logger;
}

const isoNow = () => new Date().toISOString();

/**
 * One container of a pod: starts its runs as processes (wrapper script, mounts, log file), records how
 * they end (on disk too, for a restarted agent), adopts a run an earlier agent started, enforces or reports
 * its memory limit.
 */
export class ContainerRunner {
  record: ContainerRecord;
  file: ContainerFile = { restartCount: 0 };
  proc?: ContainerProcess;
  private oomKilled = false;
  /** The current run's CPU (ns) when last read from /proc: what counts if its wrapper leaves no total. */
  private runCpuNanos = 0;

  constructor(
    readonly spec: V1Container,
    readonly role: Role,
    private readonly env: RunnerEnv,
  ) {
    const initialising = role === "main" && Boolean(env.pod().spec?.initContainers?.length);
    this.record = {
      name: spec.name,
      restartCount: 0,
      current: { state: "waiting", reason: initialising ? "PodInitializing" : "ContainerCreating" },
    };
  }

  get name(): string {
    return this.spec.name;
  }

  private get pidName(): string {
    return `agent-${this.env.uid}-${this.spec.name}`;
  }

  private get monitorId(): string {
    return `${this.env.uid}/${this.spec.name}`;
  }

  containerID(n: number): string {
    return `sparkplane://${this.env.uid}-${this.spec.name}-${n}`;
  }

  /** Rebuilds the container's state from disk: adopts a live run, or records how a run ended meanwhile. */
  restore(): void {
    const f = readContainerFile(this.env.dirs, this.spec.name);
    if (!f?.current) return;
    const cur = f.current;
    this.file = f;
    this.runCpuNanos = 0;
    this.record = {
      name: this.spec.name,
      restartCount: cur.n,
      current: this.record.current,
      last: f.last,
      containerID: this.containerID(cur.n),
      ...(readinessTarget(this.spec) ? { probeReady: false } : {}),
    };
    const paths = runPaths(this.env.dirs, this.spec.name, cur.n);
    if (cur.finished) {
      this.record.current = { state: "terminated", ...cur.finished };
    } else if (cur.pid && ownedBy(cur.pid, this.env.stateDir)) {
      this.proc = ContainerProcess.adopt(cur.pid, paths.exitFile, this.pidName, this.env.pidsDir);
      this.record.current = { state: "running", startedAt: cur.startedAt };
      this.watch(paths);
      this.env.log.info({ container: this.spec.name, pid: cur.pid }, "adopted a running container");
    } else {
      const recorded = readExit(paths.exitFile);
      this.recordExit(
        recorded ?? { code: 137, startError: false },
        recorded ? undefined : "(the process ended while the sparkplane agent was not running)",
      );
    }
  }

  /** Starts the next run; false (with a waiting reason reported) when the container cannot be configured yet. */
  async start(stopped: () => boolean): Promise<boolean> {
    const { spec, env } = this;
    let run: ReturnType<typeof buildContainerRun>;
    try {
      const data = await env.sandbox.data();
      run = buildContainerRun(env.pod(), spec, env.sandbox.plans, env.dirs, env.runtime(), data, env.ctx);
    } catch (err) {
      const message = err instanceof ConfigError ? err.message : describe(err);
      this.record.current = {
        state: "waiting",
        reason: err instanceof ConfigError ? err.reason : "ContainerCreating",
        message,
      };
      env.event("Warning", "Failed", `Error: ${message}`);
      env.report();
      return false;
    }
    if (stopped()) return false;
    if (run.sparkNote) env.event("Normal", SPARK_VERSION_SUBSTITUTED, run.sparkNote, true);
    const n = this.file.current ? this.file.current.n + 1 : 0;
    const paths = runPaths(env.dirs, spec.name, n);
    for (const dir of [
      dirname(paths.logFile),
      dirname(paths.script),
      containerWorkDir(env.dirs.podDir, spec.name),
    ])
      mkdirSync(dir, { recursive: true });
    for (const m of run.mounts) if (m.createSource) mkdirSync(m.source, { recursive: true });
    const ops = env.ctx.namespaces ? planMounts(run.mounts, run.workingDir, env.hostFs, paths.staging) : [];
    const pod = env.pod();
    const title = `pod ${pod.metadata?.namespace}/${pod.metadata?.name} (${env.uid}) container ${spec.name} run ${n}`;
    const hostname = env.ctx.namespaces ? run.hostname : undefined;
    writeFileSync(
      paths.script,
      wrapperScript({ title, ops, hostname, workingDir: run.workingDir, exitFile: paths.exitFile }),
    );
    rmSync(paths.exitFile, { force: true });
    rmSync(cpuFileOf(paths.exitFile), { force: true });
    this.proc = ContainerProcess.spawn({
      pidName: this.pidName,
      pidsDir: env.pidsDir,
      script: paths.script,
      argv: run.argv,
      env: run.env,
      logFile: paths.logFile,
      exitFile: paths.exitFile,
      unshare: env.ctx.namespaces ? env.bins.unshare : undefined,
      sh: env.bins.sh,
    });
    const startedAt = isoNow();
    this.file = {
      restartCount: n,
      current: { n, pid: this.proc.pid, startedAt },
      last: this.record.last,
      ...(this.file.cpuNanos === undefined ? {} : { cpuNanos: this.file.cpuNanos }),
    };
    this.runCpuNanos = 0;
    writeContainerFile(env.dirs, spec.name, this.file);
    this.record = {
      name: spec.name,
      restartCount: n,
      current: { state: "running", startedAt },
      last: this.record.last,
      containerID: this.containerID(n),
      // Unready until its readiness probe passes (the pod worker's readiness loop decides).
      ...(readinessTarget(spec) ? { probeReady: false } : {}),
    };
    this.watch(paths);
    env.log.info(
      { container: spec.name, run: n, pid: this.proc.pid, kind: run.kind, argv: run.argv.slice(0, 6) },
      "container started",
    );
    env.event("Normal", "Started", `Started container ${spec.name}`);
    env.report();
    return true;
  }

  /** Records how the current run ended (state, exit code, reason, the log's tail for failures). */
  recordExit(exit: ProcessExit, note?: string): Terminated {
    this.env.monitor.remove(this.monitorId);
    const run = this.file.current!;
    const term: Terminated = {
      exitCode: exit.code,
      reason: terminationReason(exit.code, { oomKilled: this.oomKilled, startError: exit.startError }),
      startedAt: run.startedAt,
      finishedAt: isoNow(),
      containerID: this.containerID(run.n),
    };
    const tail =
      exit.code !== 0
        ? logTailMessage(readLogTail(runPaths(this.env.dirs, this.spec.name, run.n).logFile))
        : undefined;
    const message = [tail, note].filter(Boolean).join("\n");
    if (message) term.message = message;
    this.record.current = { state: "terminated", ...term };
    this.file.current = { ...run, finished: term };
    this.file.cpuNanos = (this.file.cpuNanos ?? 0) + this.finalRunCpu(run.n);
    this.runCpuNanos = 0;
    writeContainerFile(this.env.dirs, this.spec.name, this.file);
    this.proc = undefined;
    this.oomKilled = false;
    this.env.log.info(
      { container: this.spec.name, exitCode: term.exitCode, reason: term.reason },
      "container exited",
    );
    this.env.report();
    return term;
  }

  /** A finished run's CPU: its wrapper's `times`, or the last reading when the wrapper was killed first. */
  private finalRunCpu(n: number): number {
    let total: number | undefined;
    try {
      total = parseTimes(
        readFileSync(cpuFileOf(runPaths(this.env.dirs, this.spec.name, n).exitFile), "utf8"),
      );
    } catch {}
    return Math.max(total ?? 0, this.runCpuNanos);
  }

  /** CPU of all runs so far (`live`: /proc readings by process group) and the current run's memory. */
  usage(live: ReadonlyMap<number, GroupUsage>): ContainerUsage {
    const proc = this.proc?.running ? this.proc : undefined;
    const now = proc ? live.get(proc.pid) : undefined;
    if (now) this.runCpuNanos = Math.max(this.runCpuNanos, ticksToNanos(now.cpuTicks));
    const cur = this.record.current;
    const startTime = cur.state === "waiting" ? undefined : cur.startedAt;
    return {
      name: this.spec.name,
      ...(startTime ? { startTime } : {}),
      cpuNanos: (this.file.cpuNanos ?? 0) + (this.proc ? this.runCpuNanos : 0),
      ...(now ? { memoryBytes: now.memoryBytes } : {}),
    };
  }

  /** The pid of the running run's process group, if any. */
  get runningPid(): number | undefined {
    return this.proc?.running ? this.proc.pid : undefined;
  }

  /** The run ended and will be restarted after `message`'s back-off. */
  backOff(term: Terminated, message: string): void {
    this.record.last = term;
    this.file.last = term;
    writeContainerFile(this.env.dirs, this.spec.name, this.file);
    this.record.current = { state: "waiting", reason: "CrashLoopBackOff", message };
    this.env.event("Warning", "BackOff", message);
    this.env.report();
  }

  /** SIGTERM, SIGKILL after the grace period; records the exit. */
  async terminate(graceMs: number): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    const exit = await proc.terminate(graceMs);
    if (this.proc === proc) this.recordExit(exit);
  }

  detach(): void {
    this.env.monitor.remove(this.monitorId);
  }

  private watch(paths: ReturnType<typeof runPaths>): void {
    const limit = this.spec.resources?.limits?.memory;
    const bytes = limit === undefined ? undefined : parseKubernetesQuantity(String(limit));
    let reported = false;
    this.env.monitor.add(this.monitorId, {
      logFile: paths.logFile,
      indexFile: paths.indexFile,
      pid: this.proc!.pid,
      memoryLimit: this.env.memory === "off" ? undefined : bytes,
      onMemory: (rss) => {
        const msg = `container ${this.spec.name} uses ${Math.round(rss / 2 ** 20)}Mi, over its ${limit} memory limit`;
        if (this.env.memory === "kill" && !this.oomKilled) {
          this.oomKilled = true;
          this.env.log.warn({ container: this.spec.name, rss }, "memory limit exceeded: killing");
          this.env.event("Warning", "OOMKilling", `${msg}: killed`);
          this.proc?.kill();
        } else if (this.env.memory === "report" && !reported) {
          reported = true;
          this.env.event("Warning", "MemoryLimitExceeded", msg);
        }
      },
    });
  }
}
