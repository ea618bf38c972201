/**
 * A Python client from PyPI in a venv of the cache (~/.cache/sparkplane/<name>), pinned, made once: a
 * stamp file marks it done, so a warm run only checks a file. Used for the clients our users already have
 * (livy, Airflow's Livy provider, ...).
 */
import { execFile } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The venv's python, after `pip install` of `requirements` (exact pins) and a check that `importName` imports. */
export async function pythonVenv(name: string, requirements: string[], importName: string): Promise<string> {
  const dir = join(homedir(), ".cache", "sparkplane", name);
  const python = join(dir, "bin", "python");
  const stamp = join(dir, ".installed");
  if (existsSync(stamp)) return python;
  rmSync(dir, { recursive: true, force: true });
  await run("python3", ["-m", "venv", dir]);
  await run(join(dir, "bin", "pip"), ["install", "-q", "--disable-pip-version-check", ...requirements], {
    maxBuffer: 64 << 20,
    timeout: 1_200_000,
  });
  await run(python, ["-c", `import ${importName}`]);
  writeFileSync(stamp, `${requirements.join("\n")}\n`);
  return python;
}
