/** Versions of the engines sparkplane provisions. Each can be overridden by an environment variable. */
export const KUBERNETES_VERSION = process.env.SPARKPLANE_K8S_VERSION ?? "v1.36.3";
export const ETCD_VERSION = process.env.SPARKPLANE_ETCD_VERSION ?? "v3.6.16";
/** Prometheus 3.16.0 is published to the Go module proxy as v0.316.0 (its tags are v0.3YY.Z for 3.YY.Z). */
export const PROMETHEUS_VERSION = process.env.SPARKPLANE_PROMETHEUS_VERSION ?? "v0.316.0";
export const SPARK_VERSION = process.env.SPARKPLANE_SPARK_VERSION ?? "3.5.9";
/** The Spark 4 installed beside SPARK_VERSION (Scala 2.13, Java 17+): the newest pyspark 4.x on PyPI. */
export const SPARK4_VERSION = process.env.SPARKPLANE_SPARK4_VERSION ?? "4.3.0";
/** helm v3.21.4: the newest v3 known to build with Go 1.26 here (v3.22.0 is not approved). */
export const HELM_VERSION = process.env.SPARKPLANE_HELM_VERSION ?? "v3.21.4";

/** Minimum toolchain versions: k8s 1.36 declares `go 1.26.0`; Spark 3.5 runs on Java 17. */
export const MIN_GO = [1, 26] as const;
export const MIN_JAVA = 17;
export const MIN_PYTHON = [3, 9] as const;

/** The staging-module version that pairs with a Kubernetes release: v1.Y.Z -> v0.Y.Z. */
export function stagingVersion(k8sVersion: string): string {
  const m = /^v1\.(\d+)\.(\d+)$/.exec(k8sVersion);
  if (!m) throw new Error(`SPARKPLANE_K8S_VERSION must look like v1.36.3, got "${k8sVersion}"`);
  return `v0.${m[1]}.${m[2]}`;
}
/** Argo Workflows: the newest v3 release on the Go module proxy (v3.7.9, v3.7.8, v3.7.6, v3.7.5, v3.6.12 are served). */
export const ARGO_WORKFLOWS_VERSION = process.env.SPARKPLANE_ARGO_VERSION ?? "v3.7.9";
