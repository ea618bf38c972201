/**
 * Which of several installed Sparks serves a wanted version (the node agent for a pod, the spark-submit
 * submitter for spec.sparkVersion): exactly that version, else the newest of its minor line (3.5.3 -> 3.5.9),
 * else the newest of its major (4.0.0 -> 4.3.0: Spark keeps its APIs within a major). An install of unknown
 * version (a user's SPARK_HOME, "user-provided") serves what no other matches. Undefined: none fits.
 */
const VERSION = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/;

/** MAJOR, MINOR, PATCH; NaN for a part not given. */
function numbers(version: string): [number, number, number] | undefined {
  const m = VERSION.exec(version);
  return m ? [Number(m[1]), Number(m[2] ?? Number.NaN), Number(m[3] ?? Number.NaN)] : undefined;
}

function newest(versions: readonly string[]): string | undefined {
  const key = (v: string) => (numbers(v) ?? [0, 0, 0]).map((n) => n || 0);
  return [...versions].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return y[0]! - x[0]! || y[1]! - x[1]! || y[2]! - x[2]!;
  })[0];
}

export function chooseSparkVersion(wanted: string, installed: readonly string[]): string | undefined {
  if (installed.includes(wanted)) return wanted;
  const w = numbers(wanted);
  const known = installed.filter((v) => numbers(v));
  const sameMinor = known.filter((v) => w && numbers(v)![0] === w[0] && numbers(v)![1] === w[1]);
  const sameMajor = known.filter((v) => w && numbers(v)![0] === w[0]);
  return newest(sameMinor) ?? newest(sameMajor) ?? installed.find((v) => !numbers(v));
}
