import { spawn } from "node:child_process";
import { existsSync } from "node:fs";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program with an argv (never through a shell) and collects its output. Never throws on exit code. */
export function run(
  cmd: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; onLine?: (line: string) => void } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const timer = opts.timeoutMs ? setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs) : undefined;
    const feed = (chunk: Buffer, into: "out" | "err") => {
      const s = chunk.toString();
      if (into === "out") stdout += s;
      else stderr += s;
      if (opts.onLine) for (const line of s.split("\n")) if (line.trim()) opts.onLine(line);
    };
    child.stdout.on("data", (c: Buffer) => feed(c, "out"));
    child.stderr.on("data", (c: Buffer) => feed(c, "err"));
    child.on("error", (err) => {
      if (timer) clearTimeout(timer);
      // Node reports a missing working directory as ENOENT of the program itself: say which it is.
      const why =
        opts.cwd && !existsSync(opts.cwd) ? `working directory ${opts.cwd} does not exist` : err.message;
      resolvePromise({ code: 127, stdout, stderr: stderr + why });
    });
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      resolvePromise({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

/** Like run, but throws with the tail of the output when the program fails. */
export async function runChecked(
  cmd: string,
  args: readonly string[],
  opts: Parameters<typeof run>[2] = {},
): Promise<RunResult> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    const tail = (r.stderr || r.stdout).trim().split("\n").slice(-25).join("\n");
    throw new Error(`${cmd} ${args.join(" ")} exited with ${r.code}:\n${tail}`);
  }
  return r;
}
