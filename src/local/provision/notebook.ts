/**
 * JupyterLab for `sparkplane notebook`: a virtualenv in the cache with pinned JupyterLab, nbclient and
 * ipykernel, pyspark's Spark Connect client dependencies, and the provisioned pyspark on its path (a .pth
 * file, as for the Connect client). Not in `sparkplane provision`: made on first use (about 250 MB).
 */
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { runChecked } from "../../util/run.js";
import { cacheDir } from "../paths.js";
import { CONNECT_CLIENT_PINS } from "./connect-client.js";
import type { SparkInstall } from "./spark.js";
import { readStamp, writeStamp } from "./stamp.js";

export const NOTEBOOK_PINS = ["jupyterlab==4.6.6", "nbclient==0.11.0", "ipykernel==7.4.0"] as const;

export interface NotebookInstall {
  dir: string;
  python: string;
  jupyter: string;
  /** Where kernel specs of this venv live (`<prefix>/share/jupyter/kernels`, found by its Jupyter). */
  kernelsDir: string;
  pins: string[];
}

export function notebookDir(spark: SparkInstall): string {
  return join(cacheDir(), `notebook-${spark.version}`);
}

const pinsOf = () => [...NOTEBOOK_PINS, ...CONNECT_CLIENT_PINS];

export function findNotebook(spark: SparkInstall): NotebookInstall | undefined {
  const stamp = readStamp<NotebookInstall>(join(notebookDir(spark), "complete.json"));
  return stamp && stamp.pins.join(" ") === pinsOf().join(" ") ? stamp : undefined;
}

/** Creates the virtualenv when absent or made with other pins; `detail` hears each step. */
export async function ensureNotebook(
  spark: SparkInstall,
  detail: (s: string) => void = () => {},
): Promise<NotebookInstall> {
  const found = findNotebook(spark);
  if (found) return found;
  const dir = notebookDir(spark);
  rmSync(dir, { recursive: true, force: true });
  detail("JupyterLab: creating a virtualenv");
  await runChecked(spark.python, ["-m", "venv", dir]);
  detail(`JupyterLab: pip install ${NOTEBOOK_PINS.join(" ")} and the Spark Connect client (about 250 MB)`);
  await runChecked(
    join(dir, "bin", "pip"),
    ["install", "--no-input", "--disable-pip-version-check", ...pinsOf()],
    { timeoutMs: 1_200_000 },
  );
  const python = join(dir, "bin", "python");
  const site = (
    await runChecked(python, ["-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
  ).stdout.trim();
  writeFileSync(join(site, "sparkplane-pyspark.pth"), `${dirname(spark.sparkHome)}\n`);
  detail("JupyterLab: checking the imports");
  await runChecked(python, ["-c", "import jupyterlab, nbclient, ipykernel, pyspark.sql.connect.session"]);
  const install: NotebookInstall = {
    dir,
    python,
    jupyter: join(dir, "bin", "jupyter"),
    kernelsDir: join(dir, "share", "jupyter", "kernels"),
    pins: pinsOf(),
  };
  if (!existsSync(install.jupyter))
    throw new Error(`pip installed JupyterLab but ${install.jupyter} is missing`);
  writeStamp(join(dir, "complete.json"), install);
  return install;
}
