import { ApiException, type CoreV1Api, type V1Container, type V1Pod } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { ContainerRunner, type Role } from "./container-runner.js";
import type { RunContext } from "./container-spec.js";
import { ConfigError, type PodRuntime } from "./downward.js";
import type { AgentNode } from "./node-object.js";
import { type PodDirs, podDirs, removePod } from "./pod-fs.js";
import { PodSandbox } from "./pod-sandbox.js";
import { probeOnce, probeTimings, readinessTarget } from "./probes.js";
import type { GroupUsage, ProcessMonitor } from "./processes.js";
import type { HostFs } from "./sandbox.js";
import {
  backoffMs,
  type ContainerRecord,
  isSidecar,
  type PodSnapshot,
  podPhase,
  podStatus,
  restartPolicy,
  shouldRestart,
  shouldRestartInit,
  type Terminated,
} from "./status.js";
import { describe, StatusReporter } from "./status-reporter.js";
import type { PodUsage } from "./usage.js";

export interface WorkerDeps {
  core: CoreV1Api;
  node: AgentNode;
  ctx: RunContext;
  agentDir: string;
  stateDir: string;
  pidsDir: string;
  bins: { sh: string; unshare?: string };
  hostFs: HostFs;
  monitor: ProcessMonitor;
  allocatable: PodRuntime["allocatable"];
  allocateIp(uid: string, wanted?: string): string | undefined;
  releaseIp(uid: string): void;
  renderHosts(pod: V1Pod, podIP: string): string;
  event(pod: V1Pod, type: "Normal" | "Warning", reason: string, message: string, onOwner?: boolean): void;
  backoffBaseMs: number;
  memory: "kill" | "report" | "off";
  /** Cap on grace periods when the agent itself stops. */
  stopGraceMs: number;
  log: Logger;
  onDone(uid: string): void;
}

/** Why a pod's containers stop: deleted (graceful, then finalised), gone (object removed), agent (shutdown), detach (left running), deadline. */
export type StopReason = "deleted" | "gone" | "agent" | "detach" | "deadline";

const RETRY_MS = 3000;
const isoNow = () => new Date().toISOString();

/** Runs one pod bound to one of the agent's nodes, from sandbox to finalisation. */
export class PodWorker {
  readonly uid: string;
  readonly dirs: PodDirs;
  podIP?: string;
  private pod: V1Pod;
  private readonly runners: ContainerRunner[];
  private readonly sandbox: PodSandbox;
  private readonly reporter: StatusReporter;
  private sandboxReady = false;
  private readonly startTime: string;
  private forced?: PodSnapshot["forced"];
  private mainDone = false;
  /** The pod was Succeeded/Failed when the worker started: its status is final, only its logs are served. */
  private frozen = false;
  private stopReason?: StopReason;
  private signalStop!: () => void;
  private stopSignal!: Promise<void>;
  private deadlineTimer?: NodeJS.Timeout;
  private readonly log: Logger;

  constructor(
    pod: V1Pod,
    private readonly d: WorkerDeps,
  ) {
    this.pod = pod;
    this.uid = pod.metadata!.uid!;
    const meta = { namespace: pod.metadata!.namespace!, name: pod.metadata!.name!, uid: this.uid };
    this.dirs = podDirs(d.agentDir, meta);
    this.log = d.log.child({ pod: `${meta.namespace}/${meta.name}` });
    this.startTime = pod.status?.startTime ? new Date(pod.status.startTime).toISOString() : isoNow();
    this.sandbox = new PodSandbox(() => this.pod, this.dirs, d.core, d.node.name, this.log);
    const runner = (spec: V1Container, role: Role) =>
      new ContainerRunner(spec, role, {
        pod: () => this.pod,
        uid: this.uid,
        dirs: this.dirs,
        sandbox: this.sandbox,
        runtime: () => this.runtime(),
        ctx: d.ctx,
        stateDir: d.stateDir,
        pidsDir: d.pidsDir,
        bins: d.bins,
        hostFs: d.hostFs,
        monitor: d.monitor,
        memory: d.memory,
        event: (type, reason, message, onOwner) => d.event(this.pod, type, reason, message, onOwner),
        report: () => this.report(),
        log: this.log,
      });
    this.runners = [
      ...(pod.spec?.initContainers ?? []).map((c) => runner(c, isSidecar(c) ? "sidecar" : "init")),
      ...pod.spec!.containers.map((c) => runner(c, "main")),
    ];
    this.reporter = new StatusReporter(
      d.core,
      meta.namespace,
      meta.name,
      () => podStatus(this.pod, this.snapshot(), isoNow()),
      this.log,
    );
    this.resetStopSignal();
  }

  get name(): string {
    return `${this.pod.metadata!.namespace}/${this.pod.metadata!.name}`;
  }

  /** A container's state, for the log endpoint. */
  container(name: string): { record: ContainerRecord; running: boolean } | undefined {
    const r = this.runners.find((x) => x.name === name);
    return r && { record: r.record, running: Boolean(r.proc?.running) };
  }

  /** Running containers' process groups, for one /proc scan over all of a node's pods. */
  runningPids(): number[] {
    return this.runners.map((r) => r.runningPid).filter((p): p is number => p !== undefined);
  }

  /** What the pod's containers used (Summary API). */
  usage(live: ReadonlyMap<number, GroupUsage>): PodUsage {
    return {
      namespace: this.pod.metadata!.namespace!,
      name: this.pod.metadata!.name!,
      uid: this.uid,
      startTime: this.startTime,
      containers: this.runners.map((r) => r.usage(live)),
    };
  }

  get nodeName(): string {
    return this.d.node.name;
  }

  snapshot(): PodSnapshot {
    return {
      podIP: this.podIP,
      hostIP: this.d.node.internalIP,
      startTime: this.startTime,
      sandboxReady: this.sandboxReady,
      init: this.runners.filter((r) => r.role !== "main").map((r) => r.record),
      containers: this.runners.filter((r) => r.role === "main").map((r) => r.record),
      forced: this.forced,
    };
  }

  /** A newer version of the pod from the watch. */
  update(pod: V1Pod): void {
    this.pod = pod;
    if (pod.metadata?.deletionTimestamp) this.requestStop("deleted");
  }

  requestStop(reason: StopReason): void {
    if (this.stopReason === reason || (this.stopReason && this.stopReason !== "deadline")) return;
    this.stopReason = reason;
    this.signalStop();
  }

  refreshHosts(): void {
    if (this.podIP && this.sandboxReady) this.sandbox.writeHosts(this.d.renderHosts(this.pod, this.podIP));
  }

  /** Runs the pod until it is stopped; resolves once the worker is done with it. */
  async run(): Promise<void> {
    if (this.pod.metadata?.deletionTimestamp) this.requestStop("deleted");
    void this.work().catch((err) => this.log.error({ err: describe(err) }, "pod worker failed"));
    await this.stopSignal;
    await this.afterStop();
  }

  private report(): void {
    if (!this.frozen) this.reporter.report();
  }

  private resetStopSignal(): void {
    this.stopSignal = new Promise<void>((r) => {
      this.signalStop = r;
    });
    if (this.stopReason) this.signalStop();
  }

  /** Waits; true when the pod is stopping meanwhile. */
  private async sleepOrStop(ms: number): Promise<boolean> {
    let t: NodeJS.Timeout | undefined;
    await Promise.race([this.stopSignal, new Promise<void>((r) => (t = setTimeout(r, ms)))]);
    clearTimeout(t);
    return this.stopReason !== undefined;
  }

  private runtime(): PodRuntime {
    return { podIP: this.podIP ?? "", hostIP: this.d.node.internalIP, allocatable: this.d.allocatable };
  }

  private async work(): Promise<void> {
    const phase = this.pod.status?.phase;
    this.frozen = phase === "Succeeded" || phase === "Failed";
    for (const r of this.runners) r.restore();
    if (this.frozen) {
      for (const r of this.runners) r.proc?.kill();
      return;
    }
    if (this.stopReason) return;
    this.podIP = this.d.allocateIp(this.uid, this.pod.status?.podIP ?? undefined);
    if (!this.podIP) {
      this.forced = {
        phase: "Failed",
        reason: "OutOfAddresses",
        message: `node ${this.d.node.name} has no free pod address`,
      };
      return this.report();
    }
    this.report();
    const active = this.pod.spec?.activeDeadlineSeconds;
    if (active) {
      const left = Date.parse(this.startTime) + active * 1000 - Date.now();
      this.deadlineTimer = setTimeout(() => this.requestStop("deadline"), Math.max(0, left));
      this.deadlineTimer.unref();
    }
    if (!(await this.prepareSandbox())) return;
    void this.readinessLoop().catch((err) =>
      this.log.warn({ err: describe(err) }, "readiness probes stopped"),
    );
    if (await this.runInit()) await this.runMain();
    await this.stopSidecars();
    if (!this.stopReason) {
      this.log.info({ phase: podPhase(this.pod, this.snapshot()) }, "pod finished");
      this.report();
      // Its processes are gone: the address may serve another pod (status keeps it, as for any finished pod).
      this.d.releaseIp(this.uid);
    }
  }

  /** Runs the main containers' readiness probes until the pod stops; reports each change of verdict. */
  private async readinessLoop(): Promise<void> {
    const probed = this.runners
      .filter((r) => r.role === "main")
      .map((r) => ({ r, target: readinessTarget(r.spec), timing: probeTimings(r.spec.readinessProbe ?? {}) }))
      .filter((p) => p.target !== undefined);
    if (probed.length === 0) return;
    const runs = new Map<string, { since?: string; fails: number; next: number }>();
    for (const p of probed) {
      p.r.record.probeReady = false;
      runs.set(p.r.name, { fails: 0, next: 0 });
    }
    const tickMs = Math.min(1000, ...probed.map((p) => p.timing.periodMs));
    while (!this.stopReason && !this.mainDone) {
      let changed = false;
      for (const { r, target, timing } of probed) {
        const run = runs.get(r.name)!;
        const cur = r.record.current;
        if (cur.state !== "running") {
          if (r.record.probeReady !== false) changed = true;
          r.record.probeReady = false;
          run.since = undefined;
          continue;
        }
        if (run.since !== cur.startedAt) {
          // A new run (its record starts unready): first probe after the initial delay.
          run.since = cur.startedAt;
          run.fails = 0;
          run.next = Date.now() + timing.initialMs;
          if (r.record.probeReady !== false) changed = true;
          r.record.probeReady = false;
        }
        if (Date.now() < run.next || !this.podIP) continue;
        run.next = Date.now() + timing.periodMs;
        const ok = await probeOnce(this.podIP, target!, timing.timeoutMs);
        run.fails = ok ? 0 : run.fails + 1;
        const ready = ok || (r.record.probeReady === true && run.fails < timing.failures);
        if (ready !== r.record.probeReady) changed = true;
        r.record.probeReady = ready;
      }
      if (changed) this.report();
      if (await this.sleepOrStop(tickMs)) return;
    }
  }

  private async prepareSandbox(): Promise<boolean> {
    while (!this.stopReason) {
      try {
        await this.sandbox.prepare(this.runtime());
        this.sandboxReady = true;
        this.refreshHosts();
        this.report();
        return true;
      } catch (err) {
        const message = err instanceof ConfigError ? err.message : describe(err);
        this.log.warn({ err: message }, "cannot set up the pod's volumes yet; retrying");
        this.d.event(this.pod, "Warning", "FailedMount", message);
        for (const r of this.runners) {
          if (!r.proc && r.record.current.state === "waiting")
            r.record.current = { state: "waiting", reason: "ContainerCreating", message };
        }
        this.report();
        if (await this.sleepOrStop(RETRY_MS)) return false;
      }
    }
    return false;
  }

  /** Init containers in order (sidecars once started); false when one failed for good or the pod stops. */
  private async runInit(): Promise<boolean> {
    for (const r of this.runners.filter((x) => x.role !== "main")) {
      if (this.stopReason) return false;
      if (r.role === "sidecar") {
        void this.containerLoop(r);
        while (r.record.current.state !== "running") if (await this.sleepOrStop(100)) return false;
        continue;
      }
      if (r.record.current.state === "terminated" && r.record.current.exitCode === 0) continue;
      const result = await this.containerLoop(r);
      if (result?.exitCode !== 0) return false;
    }
    for (const r of this.runners) {
      if (r.role === "main" && r.record.current.state === "waiting" && !r.record.last) {
        r.record.current = { state: "waiting", reason: "ContainerCreating" };
      }
    }
    return true;
  }

  private async runMain(): Promise<void> {
    await Promise.all(this.runners.filter((r) => r.role === "main").map((r) => this.containerLoop(r)));
    this.mainDone = true;
  }

  private async stopSidecars(): Promise<void> {
    if (this.stopReason) return;
    await Promise.all(
      this.runners
        .filter((r) => r.role === "sidecar" && r.proc)
        .map((r) => r.proc!.terminate(this.graceMs())),
    );
  }

  /** Runs a container until it ends without a restart (returns how), or the pod stops (undefined). */
  private async containerLoop(r: ContainerRunner): Promise<Terminated | undefined> {
    const stopped = () => this.stopReason !== undefined;
    for (;;) {
      if (stopped()) return undefined;
      if (!r.proc && r.record.current.state !== "terminated") {
        while (!(await r.start(stopped))) if (await this.sleepOrStop(RETRY_MS)) return undefined;
      }
      if (r.proc) {
        const exit = await Promise.race([r.proc.exited, this.stopSignal.then(() => undefined)]);
        if (stopped() || !exit) return undefined;
        r.recordExit(exit);
      }
      const term = r.record.current as Terminated;
      const policy = restartPolicy(this.pod);
      const restart =
        r.role === "init"
          ? shouldRestartInit(policy, term.exitCode)
          : r.role === "sidecar"
            ? !this.mainDone
            : shouldRestart(policy, term.exitCode);
      if (!restart) return term;
      const delay = backoffMs(
        r.record.restartCount,
        Date.parse(term.finishedAt) - Date.parse(term.startedAt),
        this.d.backoffBaseMs,
      );
      r.backOff(
        term,
        `back-off ${Math.round(delay / 1000)}s restarting failed container=${r.name} pod=${this.pod.metadata!.name}`,
      );
      if (await this.sleepOrStop(delay)) return undefined;
    }
  }

  private graceMs(): number {
    const secs =
      this.pod.metadata?.deletionGracePeriodSeconds ?? this.pod.spec?.terminationGracePeriodSeconds ?? 30;
    return Math.max(0, secs) * 1000;
  }

  private async terminateAll(graceMs: number): Promise<void> {
    const live = this.runners.filter((r) => r.proc);
    if (live.length)
      this.d.event(
        this.pod,
        "Normal",
        "Killing",
        `Stopping container${live.length > 1 ? "s" : ""} ${live.map((r) => r.name).join(", ")}`,
      );
    await Promise.all(live.map((r) => r.terminate(graceMs)));
  }

  private async afterStop(): Promise<void> {
    for (;;) {
      const reason = this.stopReason!;
      if (this.deadlineTimer && reason !== "deadline") clearTimeout(this.deadlineTimer);
      if (reason === "detach") {
        for (const r of this.runners) r.detach();
        this.sandbox.stop();
        return this.d.onDone(this.uid);
      }
      const phaseBefore = podPhase(this.pod, this.snapshot());
      await this.terminateAll(
        reason === "gone"
          ? 0
          : reason === "agent"
            ? Math.min(this.graceMs(), this.d.stopGraceMs)
            : this.graceMs(),
      );
      if (reason === "deadline") {
        this.forced ??= {
          phase: "Failed",
          reason: "DeadlineExceeded",
          message: "Pod was active on the node longer than the specified deadline",
        };
        this.report();
        if (this.stopReason === "deadline") {
          this.stopReason = undefined;
          this.resetStopSignal();
          await this.stopSignal;
        }
        continue;
      }
      this.sandbox.stop();
      if (reason === "agent") {
        if (!this.frozen && phaseBefore !== "Succeeded" && phaseBefore !== "Failed") {
          this.forced = {
            phase: "Failed",
            reason: "Terminated",
            message: "Pod was terminated in response to imminent node shutdown.",
          };
        }
        this.report();
        await this.reporter.flush(5000);
      } else if (reason === "deleted") {
        this.report();
        await this.reporter.flush();
        await this.finalize();
      }
      if (reason !== "agent") removePod(this.dirs);
      this.d.releaseIp(this.uid);
      return this.d.onDone(this.uid);
    }
  }

  /** Deletes the pod object for good once its processes are gone (as the kubelet does: grace period 0). */
  private async finalize(): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await this.d.core.deleteNamespacedPod({
          name: this.pod.metadata!.name!,
          namespace: this.pod.metadata!.namespace!,
          gracePeriodSeconds: 0,
          body: { gracePeriodSeconds: 0, preconditions: { uid: this.uid } },
        });
        return;
      } catch (err) {
        if (err instanceof ApiException && (err.code === 404 || err.code === 409)) return;
        this.log.warn({ err: describe(err) }, "cannot finalise the pod's deletion; retrying");
        await new Promise((r) => setTimeout(r, 1000 * (attempt + 1)));
      }
    }
  }
}
