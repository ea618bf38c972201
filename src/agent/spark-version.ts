/**
 * Which provisioned Spark runs a Spark-image container. The pod says which Spark it wants:
 *   1. its `spark-version` label: native submission and the SparkConnect controller set it from
 *      spec.sparkVersion, spark-submit from its own version, and a driver sets its own version on the
 *      executors it creates, so driver and executors always run the same Spark;
 *   2. else the image tag, when it starts with a version (`spark:4.0.1`, `apache/spark:4.0.0-scala2.13-java17`);
 *   3. else the default Spark (the first provisioned one, SPARK_VERSION).
 * A wanted version runs on the provisioned Spark `chooseSparkVersion` picks (that version, else the newest of
 * its minor line, else of its major); another major is an error naming the version, where it came from and
 * what is provisioned.
 */
import type { V1Pod } from "@kubernetes/client-node";
import { SparkLabel } from "../spark/constants.js";
import { chooseSparkVersion } from "../spark/version-choice.js";
import { imageRepository } from "./config.js";
import { ConfigError } from "./downward.js";
import type { SparkRuntime } from "./spark-image.js";

/** The kubelet's reason for an image that is not on the node and may not be pulled: the same situation. */
export const SPARK_NOT_PROVISIONED_REASON = "ErrImageNeverPull";

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

/**
 * The runtime for a wanted version (see the module comment). A runtime of unknown version (a user's
 * SPARK_HOME) serves what no other runtime matches. Throws ConfigError (reason ErrImageNeverPull) otherwise.
 */
export function chooseSpark(
  wanted: WantedSpark | undefined,
  runtimes: readonly SparkRuntime[],
): SparkRuntime {
  if (runtimes.length === 0)
    throw new ConfigError(
      "Spark is not provisioned: run `sparkplane provision`",
      SPARK_NOT_PROVISIONED_REASON,
    );
  if (!wanted) return runtimes[0]!;
  const version = chooseSparkVersion(
    wanted.version,
    runtimes.map((r) => r.version),
  );
  const match = runtimes.find((r) => r.version === version);
  if (match) return match;
  const have = runtimes.map((r) => r.version).join(", ");
  throw new ConfigError(
    `Spark ${wanted.version} (${wanted.from}; spec.sparkVersion for SparkApplications and SparkConnects) is not ` +
      `provisioned on this node, which has Spark ${have}: set spec.sparkVersion to a version of one of those ` +
      "majors (a 4.x version needs `sparkplane provision`, which installs Spark 4)",
    SPARK_NOT_PROVISIONED_REASON,
  );
}
