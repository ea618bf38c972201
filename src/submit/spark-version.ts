/**
 * Version comparison as the kubeflow operator does it (`util.CompareSemanticVersion`: golang.org/x/mod/semver
 * with a `v` prefix added): `vMAJOR`, `vMAJOR.MINOR` and `vMAJOR.MINOR.PATCH[-prerelease][+build]` are valid
 * (the short forms without suffixes); an invalid version is lower than every valid one and equal to another
 * invalid one.
 */

interface Semver {
  numbers: [number, number, number];
  prerelease: string[];
}

const NUMBER = "(0|[1-9][0-9]*)";
const IDENTIFIERS = String.raw`[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*`;
const SHORT = new RegExp(`^v${NUMBER}(?:\\.${NUMBER})?$`);
const FULL = new RegExp(`^v${NUMBER}\\.${NUMBER}\\.${NUMBER}(?:-(${IDENTIFIERS}))?(?:\\+${IDENTIFIERS})?$`);

function parse(version: string): Semver | undefined {
  const v = version.startsWith("v") ? version : `v${version}`;
  const short = SHORT.exec(v);
  if (short) return { numbers: [Number(short[1]), Number(short[2] ?? 0), 0], prerelease: [] };
  const full = FULL.exec(v);
  if (!full) return undefined;
  const prerelease = full[4] === undefined ? [] : full[4].split(".");
  // semver forbids leading zeros in numeric prerelease identifiers.
  if (prerelease.some((id) => /^0[0-9]+$/.test(id))) return undefined;
  return { numbers: [Number(full[1]), Number(full[2]), Number(full[3])], prerelease };
}

const isNumeric = (id: string) => /^[0-9]+$/.test(id);

function comparePrerelease(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return Math.sign(b.length - a.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (isNumeric(x) && isNumeric(y)) return Math.sign(Number(x) - Number(y));
    if (isNumeric(x) !== isNumeric(y)) return isNumeric(x) ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return Math.sign(a.length - b.length);
}

/** -1, 0 or 1 as `a` is lower than, equal to or higher than `b`. */
export function compareSemanticVersion(a: string, b: string): number {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return x ? 1 : y ? -1 : 0;
  for (let i = 0; i < 3; i++) {
    const d = Math.sign(x.numbers[i]! - y.numbers[i]!);
    if (d !== 0) return d;
  }
  return comparePrerelease(x.prerelease, y.prerelease);
}

/**
 * The Spark releases from which the Kubernetes submission client builds the driver's objects differently
 * (docs/submission-differences.md, "Spark 4"): native submission follows spec.sparkVersion.
 */
export const SparkFeatureSince = {
  /** Utils.substituteSparkVersion: `{{SPARK_VERSION}}` in container image names. */
  ImageVersionPlaceholder: "4.0.0",
  /** spark.kubernetes.pyspark.pythonVersion is gone (Python 3 only), with its check. */
  NoPythonVersionConf: "4.0.0",
  /** BasicDriverFeatureStep sets the container's securityContext.allowPrivilegeEscalation (default false). */
  AllowPrivilegeEscalation: "4.3.0",
  /** The driver pod and Service declare Spark Connect's port `spark-connect` (SPARK-52193). */
  ConnectPort: "4.1.0",
  /** ... and the Service port says `appProtocol: grpc` (SPARK-56275). */
  ConnectPortAppProtocol: "4.3.0",
} as const;

/** Whether `version` (spec.sparkVersion) is `since` or later; an unreadable version counts as older. */
export function sparkAtLeast(version: string | undefined, since: string): boolean {
  return compareSemanticVersion(version ?? "", since) >= 0;
}
