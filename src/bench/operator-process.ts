/** The benchmarked operator process: readiness, its /metrics, and stopping it so its CPU profile is written. */
import type { ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { parsePromText, type Sample } from "../util/prom-text.js";

export async function operatorMetrics(port: number): Promise<Sample[]> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  return parsePromText(await res.text());
}

export async function waitReady(port: number, gone: () => boolean, logFile: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (gone()) throw new Error(`the operator exited during start-up; see ${logFile}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      await res.text();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the operator was not ready in 120 s; see ${logFile}`);
    await sleep(100);
  }
}

/** SIGTERM (so a CPU profile is written), SIGKILL after 30 s. */
export async function stopOperator(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const giveUp = new AbortController();
  const killed = await Promise.race([
    exited.then(() => false),
    sleep(30_000, true, { signal: giveUp.signal }).catch(() => false),
  ]);
  giveUp.abort();
  if (killed) {
    child.kill("SIGKILL");
    await exited;
  }
}
