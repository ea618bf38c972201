/** Shared readers of Linux's /proc/<pid>/stat (the agent's container usage, the benchmarks' process CPU). */
import { execFileSync } from "node:child_process";

let clockTicks: number | undefined;

/** USER_HZ, the unit of utime/stime in /proc/<pid>/stat (`getconf CLK_TCK`; 100 on practically every Linux). */
export function clockTicksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/**
 * The fields of a /proc/<pid>/stat line from field 3 (state) on: the command name (field 2) may hold spaces
 * and parentheses, so they are counted from the last ")". Field n (1-based, as in proc(5)) is at index n - 3.
 */
export function statFields(stat: string): string[] | undefined {
  const close = stat.lastIndexOf(")");
  return close < 0 ? undefined : stat.slice(close + 2).split(" ");
}
