import { Progress } from "../../util/progress.js";
import { buildEtcd, type EtcdBinary, findEtcd } from "./etcd.js";
import { buildExamples, type ExamplesBuild, findExamples } from "./examples.js";
import { buildKubernetes, findKubernetes, type KubeBinaries } from "./kubernetes.js";
import { buildPrometheus, findPrometheus, type PrometheusBinaries } from "./prometheus.js";
import { findSpark, installSpark, type SparkInstall } from "./spark.js";

/** Everything a cluster and its Spark apps need, all from the cache (or user-provided locations). */
export interface Toolset {
  kube: KubeBinaries;
  etcd: EtcdBinary;
  spark: SparkInstall;
  examples: ExamplesBuild;
  /** For the tests that lint and scrape the operator's /metrics. */
  prometheus: PrometheusBinaries;
}

/** What is already there, without building anything (fast: stamp files only). */
export function findToolset(): Partial<Toolset> {
  const spark = findSpark();
  return {
    kube: findKubernetes(),
    etcd: findEtcd(),
    spark,
    examples: spark ? findExamples(spark) : undefined,
    prometheus: findPrometheus(),
  };
}

/**
 * Idempotent: each step checks its stamp and is skipped when done, so a warm run only reads a few files.
 * Steps run one after another: the Go builds alone saturate 2 cores.
 */
export async function provision(opts: { quiet?: boolean; out?: NodeJS.WriteStream } = {}): Promise<Toolset> {
  const progress = new Progress(5, opts.out ?? process.stderr, opts.quiet);
  const step = async <T>(
    label: string,
    found: () => T | undefined,
    build: (detail: (s: string) => void) => Promise<T>,
  ) => {
    progress.begin(label);
    const have = found();
    if (have) {
      progress.end("cached");
      return have;
    }
    try {
      const built = await build((s) => progress.detail(s));
      progress.end("built");
      return built;
    } catch (err) {
      progress.end("FAILED");
      throw err;
    }
  };
  const kube = await step(
    "Kubernetes control plane + kubectl",
    () => findKubernetes(),
    (d) => buildKubernetes(undefined, d),
  );
  const etcd = await step(
    "etcd",
    () => findEtcd(),
    (d) => buildEtcd(undefined, d),
  );
  const spark = await step(
    "Spark from PyPI",
    () => findSpark(),
    (d) => installSpark(undefined, d),
  );
  const examples = await step(
    "example Spark programs",
    () => findExamples(spark),
    (d) => buildExamples(spark, d),
  );
  const prometheus = await step(
    "Prometheus + promtool",
    () => findPrometheus(),
    (d) => buildPrometheus(undefined, d),
  );
  return { kube, etcd, spark, examples, prometheus };
}

/** The toolset when it is complete; otherwise an error that says to provision. */
export function requireToolset(): Toolset {
  const t = findToolset();
  if (t.kube && t.etcd && t.spark && t.examples && t.prometheus) return t as Toolset;
  const missing = Object.entries(t)
    .filter(([, v]) => !v)
    .map(([k]) => k);
  throw new Error(`not provisioned yet (missing: ${missing.join(", ")}): run \`sparkplane provision\` first`);
}
