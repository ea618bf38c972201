import { existsSync, readdirSync, rmSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { run, runChecked } from "../../util/run.js";
import { atLeast, parseVersion } from "../../util/version-compare.js";
import { cacheDir } from "../paths.js";
import { MIN_JAVA, MIN_PYTHON, SPARK_VERSION } from "../versions.js";
import { readStamp, writeStamp } from "./stamp.js";

export interface SparkInstall {
  sparkHome: string;
  sparkSubmit: string;
  /** The interpreter that has pyspark installed (PYSPARK_PYTHON for Python apps). */
  python: string;
  version: string;
  source: "pypi" | "user";
}

function installDir(version: string): string {
  return join(cacheDir(), "spark", `pyspark-${version}`);
}

/**
 * SPARK_HOME when it names a Spark of the user's own; undefined when unset or inside the cache, i.e. one of
 * the provisioned Sparks (as `eval "$(sparkplane env)"` exports): the cache's stamps then describe it, and
 * taking it for a user's Spark would key the examples by "user-provided" and find them missing.
 */
export function userSparkHome(sparkHome: string | undefined, cache: string): string | undefined {
  if (!sparkHome) return undefined;
  const inside = relative(resolve(cache), resolve(sparkHome));
  return inside === "" || (!inside.startsWith("..") && !isAbsolute(inside)) ? undefined : sparkHome;
}

/** The provisioned Spark of a version; SPARK_HOME (a user's own Spark) stands for the default version only. */
export function findSpark(version = SPARK_VERSION): SparkInstall | undefined {
  const userHome = userSparkHome(process.env.SPARK_HOME, cacheDir());
  if (userHome && version === SPARK_VERSION) {
    const sparkSubmit = join(userHome, "bin", "spark-submit");
    if (!existsSync(sparkSubmit))
      throw new Error(`SPARK_HOME=${userHome} has no bin/spark-submit: fix or unset it`);
    return {
      sparkHome: userHome,
      sparkSubmit,
      python: process.env.PYSPARK_PYTHON ?? "python3",
      version: "user-provided",
      source: "user",
    };
  }
  const stamp = readStamp<SparkInstall>(join(installDir(version), "complete.json"));
  return stamp?.version === version ? stamp : undefined;
}

export async function requireJava(): Promise<void> {
  const r = await run("java", ["-version"]);
  const v = r.code === 0 ? parseVersion(r.stderr || r.stdout) : undefined;
  if (!v)
    throw new Error(
      `Java ${MIN_JAVA} or newer is needed to run Spark, and no \`java\` was found on PATH: install a JDK (e.g. \`apt-get install openjdk-17-jdk-headless\`).`,
    );
  if (!atLeast(v, [MIN_JAVA]))
    throw new Error(
      `Java ${v.join(".")} is too old for Spark: install Java ${MIN_JAVA} or newer (e.g. \`apt-get install openjdk-17-jdk-headless\`).`,
    );
}

async function requirePython(): Promise<string> {
  const python = process.env.SPARKPLANE_PYTHON ?? "python3";
  const r = await run(python, ["--version"]);
  const v = r.code === 0 ? parseVersion(r.stdout || r.stderr) : undefined;
  if (!v || !atLeast(v, MIN_PYTHON)) {
    throw new Error(
      `Python ${MIN_PYTHON.join(".")} or newer with the venv module is needed to install Spark from PyPI; ` +
        `${v ? `found ${v.join(".")}` : `no \`${python}\` on PATH`}. Install it (e.g. \`apt-get install python3 python3-venv\`) ` +
        "or set SPARK_HOME to an existing Spark installation.",
    );
  }
  return python;
}

/** Installs PyPI pyspark into its own virtualenv (staged, then renamed into place) and checks it. */
export async function installSpark(
  version = SPARK_VERSION,
  detail: (s: string) => void = () => {},
): Promise<SparkInstall> {
  await requireJava();
  const python = await requirePython();
  const dir = installDir(version);
  // No stamp means an earlier attempt did not finish: start over (a virtualenv cannot be moved, so no staging dir).
  rmSync(dir, { recursive: true, force: true });
  detail(`Spark ${version}: creating a virtualenv`);
  await runChecked(python, ["-m", "venv", dir]);
  detail(`Spark ${version}: pip install pyspark==${version} (about 320 MB)`);
  await runChecked(join(dir, "bin", "pip"), [
    "install",
    "--no-input",
    "--disable-pip-version-check",
    `pyspark==${version}`,
  ]);
  const venvPython = join(dir, "bin", "python");
  const where = await runChecked(venvPython, [
    "-c",
    "import os, pyspark; print(os.path.dirname(pyspark.__file__))",
  ]);
  const sparkHome = where.stdout.trim();
  const install: SparkInstall = {
    sparkHome,
    sparkSubmit: join(sparkHome, "bin", "spark-submit"),
    python: venvPython,
    version,
    source: "pypi",
  };
  detail(`Spark ${version}: checking spark-submit --version and the Kubernetes jars`);
  await checkSpark(install);
  writeStamp(join(dir, "complete.json"), install);
  return install;
}

/** spark-submit runs, and the jars include Spark's Kubernetes resource manager. */
export async function checkSpark(spark: SparkInstall): Promise<string> {
  const r = await runChecked(spark.sparkSubmit, ["--version"], {
    env: { ...process.env, SPARK_HOME: spark.sparkHome },
    timeoutMs: 120_000,
  });
  const banner = r.stderr + r.stdout;
  const jars = readdirSync(join(spark.sparkHome, "jars"));
  if (!jars.some((j) => j.startsWith("spark-kubernetes_"))) {
    throw new Error(
      `${spark.sparkHome}/jars has no spark-kubernetes_*.jar: this Spark cannot run on Kubernetes`,
    );
  }
  const version = /version (\d+\.\d+\.\d+)/.exec(banner)?.[1];
  if (!version) throw new Error(`spark-submit --version printed no version:\n${banner.slice(0, 500)}`);
  return version;
}
