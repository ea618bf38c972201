/**
 * The names under /opt/spark/examples that Spark images have and users' YAML names, and what answers each
 * locally: Apache's spark-examples jar (`jars/spark-examples.jar` in Spark 4 images,
 * `jars/spark-examples_<scala>-<version>.jar` in 3.x ones) is not distributed outside Spark's images, so our
 * stand-in jar answers those names — unless the Spark is a distribution of the user's own that has examples,
 * whose files then answer under their own names.
 */
import { posix } from "node:path";

export const OUR_EXAMPLES_JAR = "jars/sparkplane-examples.jar";
export const STAND_IN_JAR = "jars/spark-examples.jar";

/** A file of the examples dir: a path relative to it that links to `target` (relative to the dir, or absolute). */
export interface ExampleLink {
  path: string;
  target: string;
}

const VERSION = /^(\d+)\.(\d+)\.(\d+)$/;
/** Patch releases per earlier minor line that aliases cover (no Spark minor line has had more than 9). */
const PATCHES_PER_MINOR = 10;

/**
 * The versioned jar names of Spark images this Spark serves (its major, minors up to its own: the agent runs
 * them all on it, src/spark/version-choice.ts): Scala 2.12 and 2.13 for Spark 3, 2.13 for Spark 4+.
 */
export function versionedJarNames(sparkVersion: string): string[] {
  const m = VERSION.exec(sparkVersion);
  if (!m) return [];
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const scalas = major < 4 ? ["2.12", "2.13"] : ["2.13"];
  const names: string[] = [];
  for (let mi = 0; mi <= minor; mi++) {
    const last = mi === minor ? Math.max(patch, PATCHES_PER_MINOR - 1) : PATCHES_PER_MINOR - 1;
    for (let p = 0; p <= last; p++)
      for (const s of scalas) names.push(`jars/spark-examples_${s}-${major}.${mi}.${p}.jar`);
  }
  return names;
}

/**
 * The links to make beside our own jar and Python examples: the stand-in names, each to our jar; a user's
 * distribution's own example files (paths relative to its examples dir) replace any stand-in of the same name
 * and, when it has an examples jar of its own, all of them.
 */
export function exampleLinks(
  sparkVersion: string,
  user?: { examplesDir: string; files: readonly string[] },
): ExampleLink[] {
  const theirs = (user?.files ?? []).filter((f) => !f.startsWith("jars/") || f.endsWith(".jar"));
  const hasOwnJar = theirs.some((f) => /^jars\/spark-examples.*\.jar$/.test(f));
  const ours = hasOwnJar ? [] : [STAND_IN_JAR, ...versionedJarNames(sparkVersion)];
  const links = new Map<string, string>();
  for (const name of ours) links.set(name, posix.relative(posix.dirname(name), OUR_EXAMPLES_JAR));
  for (const f of theirs) if (f !== OUR_EXAMPLES_JAR) links.set(f, posix.join(user!.examplesDir, f));
  return [...links].map(([path, target]) => ({ path, target }));
}
