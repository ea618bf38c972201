/**
 * The chart's identities on a test cluster: its ServiceAccounts, Roles and RoleBindings for one job
 * namespace and its ClusterRole for what no namespace holds (SparkQueues, Nodes), rendered by the provisioned helm and applied; and a kubeconfig that authenticates as one of the
 * ServiceAccounts (a TokenRequest token), so an operator in the test process has exactly the chart's access.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { CHART_DIR, helmTemplateArgs, runHelm } from "../src/chart/install.js";
import { requireHelm } from "../src/local/provision/helm.js";
import { requireToolset } from "../src/local/provision/index.js";
import type { TestCluster } from "./cluster.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Names of the chart's objects for `fullnameOverride`. */
export function chartNames(fullname: string) {
  return {
    operatorAccount: `${fullname}-controller`,
    sparkAccount: `${fullname}-spark`,
    lease: `${fullname}-controller-lock`,
  };
}

/**
 * Applies the chart's ServiceAccounts, RBAC and Lease for job namespace `namespace` (also the release namespace
 * unless `releaseNamespace` is given, where the operator's ServiceAccount lives),
 * named after `fullname`. Not the Deployment (the operator runs in the test) nor the CRDs (already there).
 */
export function applyChartIdentity(
  cluster: TestCluster,
  namespace: string,
  fullname: string,
  releaseNamespace = namespace,
): void {
  const rendered = runHelm(
    requireHelm().helm,
    helmTemplateArgs(CHART_DIR, releaseNamespace, [
      "--set",
      `spark.jobNamespaces={${namespace}}`,
      "--set",
      `fullnameOverride=${fullname}`,
    ]),
    ROOT,
  );
  const identity = rendered
    .split(/^---$/m)
    .filter((doc) =>
      /^kind: (ServiceAccount|Role|RoleBinding|ClusterRole|ClusterRoleBinding|Lease)$/m.test(doc),
    )
    .join("\n---\n");
  const r = spawnSync(
    requireToolset().kube.kubectl,
    ["--kubeconfig", cluster.kubeconfig, "apply", "-f", "-"],
    {
      input: identity,
      encoding: "utf8",
    },
  );
  assert.equal(r.status, 0, r.stderr);
}

/** A kubeconfig for the cluster of `admin` that authenticates as ServiceAccount namespace/name. */
export async function serviceAccountKubeConfig(
  admin: KubeConfig,
  namespace: string,
  name: string,
): Promise<KubeConfig> {
  const request = await admin.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({
    name,
    namespace,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const cluster = admin.getCurrentCluster()!;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ ...cluster, name: "test" }],
    users: [{ name, token: request.status!.token }],
    contexts: [{ name: "sa", cluster: "test", user: name, namespace }],
    currentContext: "sa",
  });
  return kc;
}
