import { spawn } from "node:child_process";
import {
  appendFileSync,
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
} from "node:fs";
import { isAlive, removePidFile, writePidFile } from "../local/pidfiles.js";
import { statFields } from "../util/proc-stat.js";
import { parseExitFile, shellSafeEnv } from "./sandbox.js";

export interface ProcessExit {
  code: number;
  startError: boolean;
  /** Set when the wrapper itself was killed (no exit file): the signal's name. */
  signal?: string;
}

export interface SpawnSpec {
  /** Pid file name under the state's pids/ (so `sparkplane down` reaps it even after an agent crash). */
  pidName: string;
  pidsDir: string;
  script: string;
  argv: string[];
  env: Record<string, string>;
  logFile: string;
  exitFile: string;
  /** Absolute path of unshare(1) to run in private mount + UTS namespaces; undefined: no namespaces. */
  unshare?: string;
  sh: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  if (pid <= 1) return;
  try {
    process.kill(-pid, signal);
  } catch {}
}

export function readExit(exitFile: string): ProcessExit | undefined {
  try {
    const parsed = parseExitFile(readFileSync(exitFile, "utf8"));
    return parsed ? { code: parsed.code, startError: parsed.startError } : undefined;
  } catch {
    return undefined;
  }
}

const SIGNAL_NUMBERS: Record<string, number> = {
  SIGKILL: 9,
  SIGTERM: 15,
  SIGINT: 2,
  SIGHUP: 1,
  SIGSEGV: 11,
  SIGABRT: 6,
};

/**
 * One container run: the wrapper script (see sandbox.ts) as the leader of its own process group. Spawned
 * by this agent, or adopted from an earlier one (then watched by polling, its exit code read from the
 * file the wrapper writes).
 */
export class ContainerProcess {
  readonly exited: Promise<ProcessExit>;
  private done = false;

  private constructor(
    readonly pid: number,
    private readonly exitFile: string,
    private readonly pidName: string,
    private readonly pidsDir: string,
    waitExit: Promise<{ signal?: string }>,
  ) {
    this.exited = waitExit.then((w) => {
      this.done = true;
      // Anything the command left behind in its group goes with it, as when a container's pid 1 exits.
      signalGroup(pid, "SIGKILL");
      removePidFile(pidsDir, pidName);
      const fromFile = readExit(exitFile);
      if (fromFile) return fromFile;
      const sig = w.signal ?? "SIGKILL";
      return { code: 128 + (SIGNAL_NUMBERS[sig] ?? 9), startError: false, signal: sig };
    });
  }

  static spawn(spec: SpawnSpec): ContainerProcess {
    const { env, viaEnvCommand } = shellSafeEnv(spec.env);
    const command = viaEnvCommand.length > 0 ? ["env", ...viaEnvCommand, ...spec.argv] : spec.argv;
    const wrapper = [spec.sh, spec.script, ...command];
    const [file, ...args] = spec.unshare
      ? [spec.unshare, "--mount", "--uts", "--propagation", "private", "--", ...wrapper]
      : wrapper;
    const fd = openSync(spec.logFile, "a");
    try {
      const child = spawn(file!, args, { detached: true, stdio: ["ignore", fd, fd], env });
      const waitExit = new Promise<{ signal?: string }>((resolve) => {
        child.once("exit", (_code, signal) => resolve({ signal: signal ?? undefined }));
        child.once("error", (err) => {
          appendFileSync(spec.logFile, `sparkplane: cannot start ${file}: ${err.message}\n`);
          resolve({});
        });
      });
      child.unref();
      const pid = child.pid ?? -1;
      if (pid > 0) writePidFile(spec.pidsDir, spec.pidName, pid);
      return new ContainerProcess(pid, spec.exitFile, spec.pidName, spec.pidsDir, waitExit);
    } finally {
      closeSync(fd);
    }
  }

  /** A run started by an earlier agent, still alive (checked by the caller with ownedBy). */
  static adopt(pid: number, exitFile: string, pidName: string, pidsDir: string): ContainerProcess {
    const waitExit = (async () => {
      while (isAlive(pid)) await sleep(500);
      return {};
    })();
    return new ContainerProcess(pid, exitFile, pidName, pidsDir, waitExit);
  }

  get running(): boolean {
    return !this.done;
  }

  /** SIGTERM to the wrapper (which passes it to the command), SIGKILL to the whole group after the grace period. */
  async terminate(graceMs: number): Promise<ProcessExit> {
    if (this.done || this.pid <= 1) return this.exited;
    try {
      process.kill(this.pid, "SIGTERM");
    } catch {}
    const timer = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), Math.max(0, graceMs)).unref());
    if ((await Promise.race([this.exited, timer])) === "timeout") this.kill();
    return this.exited;
  }

  kill(): void {
    signalGroup(this.pid, "SIGKILL");
  }
}

/**
 * Process group, resident set size (pages) and CPU ticks from /proc/<pid>/stat: utime + stime of the process
 * and cutime + cstime of its children it has waited for (so a group's sum counts each tick once).
 */
export function parseStat(text: string): { pgrp: number; rssPages: number; cpuTicks: number } | undefined {
  const fields = statFields(text);
  if (!fields) return undefined;
  const pgrp = Number(fields[2]);
  const rssPages = Number(fields[21]);
  const cpuTicks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return Number.isFinite(pgrp) && Number.isFinite(rssPages) && Number.isFinite(cpuTicks)
    ? { pgrp, rssPages, cpuTicks }
    : undefined;
}

const PAGE_SIZE = 4096;

/** Proportional set size (bytes) from /proc/<pid>/smaps_rollup: shared pages split among their users. */
export function parsePss(text: string): number | undefined {
  const m = /^Pss:\s+(\d+) kB$/m.exec(text);
  return m ? Number(m[1]) * 1024 : undefined;
}

export interface GroupUsage {
  /** Sum of the processes' PSS (RSS where PSS is unavailable). */
  memoryBytes: number;
  cpuTicks: number;
}

/**
 * Memory and CPU per process group, for the groups asked about. Memory is the sum of PSS, so pages forked
 * children share with their parent are not counted twice.
 */
export function groupUsage(groups: ReadonlySet<number>): Map<number, GroupUsage> {
  const out = new Map<number, GroupUsage>();
  if (groups.size === 0) return out;
  for (const d of readdirSync("/proc")) {
    if (d.charCodeAt(0) < 48 || d.charCodeAt(0) > 57) continue;
    try {
      const s = parseStat(readFileSync(`/proc/${d}/stat`, "utf8"));
      if (!s || !groups.has(s.pgrp)) continue;
      let bytes = s.rssPages * PAGE_SIZE;
      try {
        bytes = parsePss(readFileSync(`/proc/${d}/smaps_rollup`, "utf8")) ?? bytes;
      } catch {}
      const g = out.get(s.pgrp) ?? { memoryBytes: 0, cpuTicks: 0 };
      g.memoryBytes += bytes;
      g.cpuTicks += s.cpuTicks;
      out.set(s.pgrp, g);
    } catch {}
  }
  return out;
}

interface Watched {
  logFile: string;
  indexFile: string;
  size: number;
  pid?: number;
  memoryLimit?: number;
  onMemory?: (rss: number) => void;
}

/**
 * One timer for every running container: records log growth in the log's index (for timestamps) each
 * second, and every few seconds sums each process group's memory (PSS) and calls back when it exceeds its limit.
 */
export class ProcessMonitor {
  private readonly watched = new Map<string, Watched>();
  private timer?: NodeJS.Timeout;
  private ticks = 0;

  constructor(private readonly memoryEveryTicks = 2) {}

  add(id: string, w: Omit<Watched, "size">): void {
    const size = existsSync(w.logFile) ? statSync(w.logFile).size : 0;
    this.watched.set(id, { ...w, size });
    this.timer ??= setInterval(() => this.tick(), 1000);
    this.timer.unref();
  }

  /** Records the log's final growth and stops watching. */
  remove(id: string): void {
    const w = this.watched.get(id);
    if (w) this.index(w);
    this.watched.delete(id);
    if (this.watched.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  stop(): void {
    for (const id of [...this.watched.keys()]) this.remove(id);
  }

  private index(w: Watched): void {
    try {
      const size = statSync(w.logFile).size;
      if (size > w.size) {
        appendFileSync(w.indexFile, `${size} ${Date.now()}\n`);
        w.size = size;
      }
    } catch {}
  }

  private tick(): void {
    for (const w of this.watched.values()) this.index(w);
    if (++this.ticks % this.memoryEveryTicks !== 0) return;
    const limited = [...this.watched.values()].filter((w) => w.pid && w.memoryLimit && w.onMemory);
    const usage = groupUsage(new Set(limited.map((w) => w.pid!)));
    for (const w of limited) {
      const used = usage.get(w.pid!)?.memoryBytes ?? 0;
      if (used > w.memoryLimit!) w.onMemory!(used);
    }
  }
}
