import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A pid file per process, so a later `up` or `down` can find processes whose parent was killed. */
export function writePidFile(dir: string, name: string, pid: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.pid`), `${pid}\n`);
}

export function removePidFile(dir: string, name: string): void {
  rmSync(join(dir, `${name}.pid`), { force: true });
}

/** Alive and not a zombie (a zombie has exited; it only waits for its parent to reap it). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** True when the pid is alive and its command line mentions our state dir (guards against pid reuse). */
export function ownedBy(pid: number, stateDir: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
    // Every path we pass lies inside the state dir; the supervisor gets it as a whole argument.
    return cmdline.includes(`${stateDir}/`) || cmdline.includes(`${stateDir} `);
  } catch {
    return false;
  }
}

export function readPidFiles(dir: string): { name: string; pid: number }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".pid"))
    .map((f) => ({ name: f.slice(0, -4), pid: Number(readFileSync(join(dir, f), "utf8").trim()) }))
    .filter((e) => Number.isInteger(e.pid) && e.pid > 1);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** SIGTERM, then SIGKILL after the grace period; resolves when the process is gone. */
export async function terminate(pid: number, graceMs = 10_000): Promise<void> {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  if (isAlive(pid)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {}
    while (isAlive(pid)) await sleep(20);
  }
}
