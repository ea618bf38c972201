/**
 * Which provisioned Spark runs a Spark-image container. The pod says which Spark it wants:
 *   1. its `spark-version` label: native submission and the SparkConnect controller set it from
 *      spec.sparkVersion, spark-submit from its own version, and a driver sets its own version on the
 *      executors it creates, so driver and executors always run the same Spark;
 *   2. else the image tag, when it starts with a version (`spark:4.0.1`, `apache/spark:4.0.0-scala2.13-java17`);
 *   3. else the default Spark (the first provisioned one, SPARK_VERSION).
 * A wanted version runs on the provisioned Spark `chooseSparkVersion` picks (that version, else the newest of
 * its minor line, else of its major), with a note saying so; another major is an error naming the version,
 * where it came from, what is provisioned and how to add it.
 */
import type { V1Pod } from "@kubernetes/client-node";
import { WaitingReason } from "../kube/container-reasons.js";
import { SPARK4_VERSION } from "../local/versions.js";
import { SparkLabel } from "../spark/constants.js";
import { chooseSparkVersion } from "../spark/version-choice.js";
import { imageRepository } from "./config.js";
import { ConfigError } from "./downward.js";
import type { SparkRuntime } from "./spark-image.js";

/** The kubelet's reason for an image that is not on the node and may not be pulled: the same situation. */
export const SPARK_NOT_PROVISIONED_REASON = WaitingReason.ErrImageNeverPull;

/** The event reason when a pod's Spark runs on another provisioned version (a patch or minor apart). */
export const SPARK_VERSION_SUBSTITUTED = "SparkVersionSubstituted";

/** The command that installs the Spark 4 beside the default Spark. */
const PROVISION_SPARK4 = "sparkplane provision";

export interface WantedSpark {
  version: string;
  /** Where the version came from, for messages. */
  from: string;
}

/** A version at the start of an image tag: at least MAJOR.MINOR (a tag `v3` says too little). */
const TAG_VERSION = /^\d+\.\d+(?:\.\d+)?/;

/** The Spark version a container's pod asks for, or undefined for "the default Spark". */
export function wantedSpark(pod: V1Pod, image: string | undefined): WantedSpark | undefined {
  const label = pod.metadata?.labels?.[SparkLabel.Version];
  if (label) return { version: label, from: `the pod's ${SparkLabel.Version} label` };
  const ref = (image ?? "").split("@")[0] ?? "";
  const repo = imageRepository(ref);
  const tag = ref.length > repo.length ? ref.slice(repo.length + 1) : "";
  const version = TAG_VERSION.exec(tag)?.[0];
  return version ? { version, from: `the image tag of ${image}` } : undefined;
}

const majorOf = (version: string) => Number(/^v?(\d+)/.exec(version)?.[1] ?? Number.NaN);

const minorOf = (version: string) => /^v?(\d+\.\d+)/.exec(version)?.[1];

/** Why `chosen` serves `wanted`, by the rule of version-choice.ts. */
function servedAs(wanted: string, chosen: string): string {
  if (minorOf(wanted) !== undefined && minorOf(wanted) === minorOf(chosen))
    return "the newest of its minor line here";
  if (majorOf(wanted) === majorOf(chosen)) return "the newest of its major here";
  return "the Spark of SPARK_HOME, which serves what no provisioned version does";
}

/** What to do about a version no provisioned Spark serves. */
function remedy(wanted: string, have: readonly string[]): string {
  const major = majorOf(wanted);
  const majors = [...new Set(have.map(majorOf).filter((m) => !Number.isNaN(m)))].sort();
  const fallback = `set spec.sparkVersion (and the image) to a version of Spark ${majors.join(" or ")}`;
  if (major === majorOf(SPARK4_VERSION))
    return `run \`${PROVISION_SPARK4}\` to add Spark ${SPARK4_VERSION} (then versions ${major}.x run on it), or ${fallback}`;
  if (major < 3) return `Spark ${major}.x does not run here (Java 17); ${fallback}`;
  return fallback;
}

/**
 * The runtime for a wanted version (see the module comment), and a note when it is not that exact version. A
 * runtime of unknown version (a user's SPARK_HOME) serves what no other runtime matches. Throws ConfigError
 * (reason ErrImageNeverPull) otherwise.
 */
export function chooseSpark(
  wanted: WantedSpark | undefined,
  runtimes: readonly SparkRuntime[],
): SparkRuntime & { note?: string } {
  if (runtimes.length === 0)
    throw new ConfigError(
      "Spark is not provisioned: run `sparkplane provision`",
      SPARK_NOT_PROVISIONED_REASON,
    );
  if (!wanted) return runtimes[0]!;
  const have = runtimes.map((r) => r.version);
  const version = chooseSparkVersion(wanted.version, have);
  const match = runtimes.find((r) => r.version === version);
  if (match) {
    if (match.version === wanted.version) return match;
    const note =
      `Spark ${wanted.version} (${wanted.from}, from spec.sparkVersion) runs on the provisioned Spark ` +
      `${match.version}, ${servedAs(wanted.version, match.version)} (provisioned: ${have.join(", ")})`;
    return { ...match, note };
  }
  throw new ConfigError(
    `spec.sparkVersion: Spark ${wanted.version} (${wanted.from}) is not provisioned on this node, which has ` +
      `Spark ${have.join(", ")}: ${remedy(wanted.version, have)}`,
    SPARK_NOT_PROVISIONED_REASON,
  );
}
