/** Readers of a Linux process's CPU time and memory from /proc (no dependencies, no child processes). */
import { readdirSync, readFileSync } from "node:fs";
import { clockTicksPerSecond, statFields } from "../util/proc-stat.js";

export interface CpuTimes {
  /** utime + stime of the process itself. */
  self: number;
  /** cutime + cstime: children it has waited for (e.g. finished spark-submit JVMs). */
  children: number;
}

/**
 * utime + stime and cutime + cstime of /proc/<pid>/stat, in seconds. The command name (field 2) may hold
 * spaces and parentheses, so fields are counted from the last ")".
 */
export function parseStatCpu(stat: string, ticksPerSecond: number): CpuTimes {
  const rest = statFields(stat) ?? [];
  // utime, stime, cutime, cstime are fields 14..17.
  const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(rest[i]));
  if (![utime, stime, cutime, cstime].every((v) => Number.isFinite(v))) {
    throw new Error("unexpected /proc/<pid>/stat format");
  }
  return {
    self: ((utime as number) + (stime as number)) / ticksPerSecond,
    children: ((cutime as number) + (cstime as number)) / ticksPerSecond,
  };
}

/** The parent pid in /proc/<pid>/stat (field 4). */
export function parseStatPpid(stat: string): number {
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
}

/** The process's CPU time so far, in seconds. */
export function cpuTimes(pid: number): CpuTimes {
  return parseStatCpu(readFileSync(`/proc/${pid}/stat`, "utf8"), clockTicksPerSecond());
}

/** A "Name:   123 kB" line of /proc/<pid>/status, in MB (MiB); undefined if absent. */
export function parseStatusKbField(status: string, field: string): number | undefined {
  const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m").exec(status);
  return m ? Number(m[1]) / 1024 : undefined;
}

export interface MemoryMB {
  /** Resident set size now. */
  rss: number;
  /** Peak resident set size (VmHWM). */
  peakRss: number;
}

export function memoryMB(pid: number): MemoryMB {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return {
    rss: parseStatusKbField(status, "VmRSS") ?? Number.NaN,
    peakRss: parseStatusKbField(status, "VmHWM") ?? Number.NaN,
  };
}

/** The pids of the process's descendants (children, grandchildren, ...) alive now. */
export function descendants(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = parseStatPpid(readFileSync(`/proc/${entry}/stat`, "utf8"));
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  const todo = [rootPid];
  while (todo.length > 0) {
    for (const c of children.get(todo.pop() as number) ?? []) {
      out.push(c);
      todo.push(c);
    }
  }
  return out;
}

/** VmRSS of the process and all its descendants, in MB. */
export function treeRssMB(rootPid: number): number {
  let total = 0;
  for (const pid of [rootPid, ...descendants(rootPid)]) {
    try {
      total += memoryMB(pid).rss || 0;
    } catch {
      // exited meanwhile
    }
  }
  return total;
}
