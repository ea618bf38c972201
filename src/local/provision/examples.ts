import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from "node:fs";
import { dirname, isAbsolute, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { runChecked } from "../../util/run.js";
import { cacheDir } from "../paths.js";
import { type ExampleLink, exampleLinks, OUR_EXAMPLES_JAR } from "./examples-layout.js";
import type { SparkInstall } from "./spark.js";
import { readStamp, writeStamp } from "./stamp.js";

export interface ExamplesBuild {
  /**
   * Laid out like the Spark image's /opt/spark/examples (jars/sparkplane-examples.jar, src/main/python/*.py,
   * and the names of Apache's examples jar: examples-layout.ts), so the node agent maps it there and the same
   * YAML runs on a real cluster with an image that has them.
   */
  dir: string;
  jar: string;
  key: string;
}

/** The repository's examples/ directory (sources of our own example Spark programs). */
export function examplesSourceDir(): string {
  // dist/src/local/provision -> repo root
  return join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..", "examples");
}

/** Bump when the build's output layout changes, so existing caches are rebuilt. */
const EXAMPLES_LAYOUT_VERSION = 3;

export const EXAMPLES_JAR_IN_IMAGE = "local:///opt/spark/examples/jars/sparkplane-examples.jar";

function examplesJar(dir: string): string {
  return join(dir, OUR_EXAMPLES_JAR);
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? listFiles(p) : [p];
  });
}

/** A user's Spark distribution's own examples (SPARK_HOME/examples), which win over our stand-ins. */
function userExamples(spark: SparkInstall): { examplesDir: string; files: string[] } | undefined {
  if (spark.source !== "user") return undefined;
  const examplesDir = join(spark.sparkHome, "examples");
  const files = listFiles(examplesDir).map((f) => relative(examplesDir, f));
  return files.length > 0 ? { examplesDir, files } : undefined;
}

/** Content hash of the sources, the Spark version and the links: a change in any rebuilds the jar. */
function examplesKey(sources: string[], root: string, sparkVersion: string, links: ExampleLink[]): string {
  const h = createHash("sha256").update(`${EXAMPLES_LAYOUT_VERSION}\0${sparkVersion}`);
  for (const f of sources.sort()) h.update(relative(root, f)).update(readFileSync(f));
  for (const l of links) h.update(`${l.path}\0${l.target}\0`);
  return h.digest("hex").slice(0, 16);
}

export function findExamples(spark: SparkInstall): ExamplesBuild | undefined {
  const root = examplesSourceDir();
  const sources = [...listFiles(join(root, "java")), ...listFiles(join(root, "python"))];
  const key = examplesKey(sources, root, spark.version, exampleLinks(spark.version, userExamples(spark)));
  const dir = join(cacheDir(), "examples", key);
  return readStamp<ExamplesBuild>(join(dir, "complete.json"))?.key === key
    ? { dir, jar: examplesJar(dir), key }
    : undefined;
}

/** javac against Spark's jars, then a jar; Python examples copied beside it; the links of examples-layout.ts. */
export async function buildExamples(
  spark: SparkInstall,
  detail: (s: string) => void = () => {},
): Promise<ExamplesBuild> {
  const root = examplesSourceDir();
  const javaSources = listFiles(join(root, "java")).filter((f) => f.endsWith(".java"));
  const pySources = listFiles(join(root, "python")).filter((f) => f.endsWith(".py"));
  const links = exampleLinks(spark.version, userExamples(spark));
  const key = examplesKey([...javaSources, ...pySources], root, spark.version, links);
  const dir = join(cacheDir(), "examples", key);
  const classes = join(dir, "classes");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(classes, { recursive: true });
  detail(`examples: javac ${javaSources.length} sources against Spark ${spark.version}`);
  await runChecked("javac", [
    "-proc:none",
    "--release",
    "17",
    "-cp",
    join(spark.sparkHome, "jars", "*"),
    "-d",
    classes,
    ...javaSources,
  ]);
  const jar = examplesJar(dir);
  mkdirSync(dirname(jar), { recursive: true });
  await runChecked("jar", ["cf", jar, "-C", classes, "."]);
  rmSync(classes, { recursive: true, force: true });
  const pyDir = join(dir, "src", "main", "python");
  mkdirSync(pyDir, { recursive: true });
  for (const py of pySources)
    copyFileSync(py, join(pyDir, relative(join(root, "python"), py).replaceAll("/", "_")));
  for (const link of links) {
    const path = join(dir, link.path);
    mkdirSync(dirname(path), { recursive: true });
    rmSync(path, { force: true });
    // A user's files are copied: their SPARK_HOME may be /opt/spark itself, which this dir is mounted over.
    if (isAbsolute(link.target)) copyFileSync(link.target, path);
    else symlinkSync(link.target, path);
  }
  const build = { dir, jar, key };
  writeStamp(join(dir, "complete.json"), build);
  return build;
}
