import { Progress } from "../../util/progress.js";
import { SPARK4_VERSION } from "../versions.js";
import { type ArgoInstall, buildArgo, findArgo } from "./argo.js";
import { type ArgocheckBinary, buildArgocheck, findArgocheck } from "./argocheck.js";
import { type BrowserBinary, findChromium, installChromium } from "./browser.js";
import { buildEtcd, type EtcdBinary, findEtcd } from "./etcd.js";
import { buildExamples, type ExamplesBuild, findExamples } from "./examples.js";
import { buildHelm, findHelm, type HelmBinary } from "./helm.js";
import { buildKubernetes, findKubernetes, type KubeBinaries } from "./kubernetes.js";
import { buildPrometheus, findPrometheus, type PrometheusBinaries } from "./prometheus.js";
import { findSpark, installSpark, type SparkInstall } from "./spark.js";
import { findSparkConnect, installSparkConnect, type SparkConnectJar } from "./spark-connect.js";

/** Everything a cluster and its Spark apps need, all from the cache (or user-provided locations). */
export interface Toolset {
  kube: KubeBinaries;
  etcd: EtcdBinary;
  spark: SparkInstall;
  examples: ExamplesBuild;
  /** The Spark Connect server jar (Spark 3.x only: Spark 4 has it in its jars); SparkConnect sessions need it. */
  connect?: SparkConnectJar;
}

/** Tools for installing on a cluster and for the tests; `up`, `demo` and the benchmark do without them. */
export interface ExtraTools {
  /** For the chart: `helm lint`/`template`, and `sparkplane helm`. */
  helm: HelmBinary;
  /** For the tests that lint and scrape the operator's /metrics. */
  prometheus: PrometheusBinaries;
  /** For the tests that judge our objects as Argo CD and Argo Workflows do. */
  argocheck: ArgocheckBinary;
  /** Argo Workflows' controller and executor, for `up --with argo` and the workflow tests. */
  argo: ArgoInstall;
  /** For the console's browser tests (playwright-core drives it). */
  browser: BrowserBinary;
  /** Spark 4 beside the default Spark: apps whose spec.sparkVersion is 4.x run with it (the agent picks by pod). */
  spark4: SparkInstall;
  /** The example programs compiled against Spark 4 (Scala 2.13). */
  examples4: ExamplesBuild;
}

export type FullToolset = Toolset & ExtraTools;

/** What is already there, without building anything (fast: stamp files only). */
export function findToolset(): Partial<FullToolset> {
  const spark = findSpark();
  const spark4 = findSpark(SPARK4_VERSION);
  return {
    kube: findKubernetes(),
    etcd: findEtcd(),
    spark,
    examples: spark ? findExamples(spark) : undefined,
    connect: findSparkConnect(),
    helm: findHelm(),
    prometheus: findPrometheus(),
    argocheck: findArgocheck(),
    argo: findArgo(),
    browser: findChromium(),
    spark4,
    examples4: spark4 ? findExamples(spark4) : undefined,
  };
}

export interface ProvisionOptions {
  quiet?: boolean;
  out?: NodeJS.WriteStream;
  /** Also helm, Prometheus/promtool, argocheck, Argo Workflows, Chromium and Spark 4 (what `sparkplane provision` and the tests need). */
  all?: boolean;
  /** Also Argo Workflows (for `up --with argo`), without the other extra tools. */
  argo?: boolean;
}

/**
 * Idempotent: each step checks its stamp and is skipped when done, so a warm run only reads a few files.
 * Steps run one after another: the Go builds alone saturate 2 cores. Without `all`, only what a cluster and
 * its Spark apps need (so a first `demo` does not wait for tools it never runs).
 */
export async function provision(opts: ProvisionOptions & { all: true }): Promise<FullToolset>;
export async function provision(opts?: ProvisionOptions): Promise<Toolset>;
export async function provision(opts: ProvisionOptions = {}): Promise<Toolset | FullToolset> {
  const progress = new Progress(opts.all ? 12 : opts.argo ? 6 : 5, opts.out ?? process.stderr, opts.quiet);
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
  const connect = spark.version.startsWith("3.")
    ? await step(
        "Spark Connect server jar (Maven Central)",
        () => findSparkConnect(spark.version),
        (d) => installSparkConnect(spark.version, d),
      )
    : undefined;
  const base = connect ? { kube, etcd, spark, examples, connect } : { kube, etcd, spark, examples };
  const argoStep = () =>
    step(
      "Argo Workflows (workflow-controller, argoexec)",
      () => findArgo(),
      (d) => buildArgo(undefined, d),
    );
  if (!opts.all) {
    if (opts.argo) await argoStep();
    return base;
  }
  const helm = await step(
    "helm",
    () => findHelm(),
    (d) => buildHelm(undefined, d),
  );
  const prometheus = await step(
    "Prometheus + promtool (for the metrics tests)",
    () => findPrometheus(),
    (d) => buildPrometheus(undefined, d),
  );
  const argocheck = await step(
    "argocheck (Argo CD health / Argo Workflows conditions, for the tests)",
    () => findArgocheck(),
    (d) => buildArgocheck(d),
  );
  const argo = await argoStep();
  const browser = await step(
    "Chromium from Debian (for the console's browser tests)",
    () => findChromium(),
    (d) => installChromium(d),
  );
  const spark4 = await step(
    `Spark ${SPARK4_VERSION} from PyPI (beside ${spark.version}, for spec.sparkVersion 4.x)`,
    () => findSpark(SPARK4_VERSION),
    (d) => installSpark(SPARK4_VERSION, d),
  );
  const examples4 = await step(
    `example Spark programs (Spark ${SPARK4_VERSION})`,
    () => findExamples(spark4),
    (d) => buildExamples(spark4, d),
  );
  return { ...base, helm, prometheus, argocheck, argo, browser, spark4, examples4 };
}

const missingOf = (t: object) =>
  Object.entries(t)
    .filter(([, v]) => !v)
    .map(([k]) => k);

/** The toolset a cluster needs when it is complete; otherwise an error that says to provision. */
export function requireToolset(): Toolset {
  const { kube, etcd, spark, examples } = findToolset();
  if (kube && etcd && spark && examples) return { kube, etcd, spark, examples };
  throw new Error(
    `not provisioned yet (missing: ${missingOf({ kube, etcd, spark, examples }).join(", ")}): run \`sparkplane provision\` first`,
  );
}

/** Everything `sparkplane provision` builds; otherwise an error that says to provision. */
export function requireFullToolset(): FullToolset {
  const t = findToolset();
  if (
    t.kube &&
    t.etcd &&
    t.spark &&
    t.examples &&
    t.helm &&
    t.prometheus &&
    t.argocheck &&
    t.argo &&
    t.spark4 &&
    t.examples4
  )
    return t as FullToolset;
  throw new Error(
    `not provisioned yet (missing: ${missingOf(t).join(", ")}): run \`sparkplane provision\` first`,
  );
}
