import { join } from "node:path";
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { SparkDriverRbac } from "../spark/constants.js";
import { examplesSourceDir } from "./provision/examples.js";
import { createInNamespace, yamlDocs } from "./yaml-objects.js";

/**
 * Creates (if absent) the ServiceAccounts for Spark drivers and their Role/RoleBinding, from
 * examples/spark-rbac.yaml: by default `spark` and kubeflow's `spark-operator-spark`; else the one named.
 */
export async function ensureSparkServiceAccount(
  kc: KubeConfig,
  namespace: string,
  account: string = SparkDriverRbac.ServiceAccount,
): Promise<void> {
  const docs = yamlDocs(join(examplesSourceDir(), "spark-rbac.yaml"));
  await createInNamespace(
    kc,
    account === SparkDriverRbac.ServiceAccount ? docs : renamed(docs, account),
    namespace,
  );
}

/** The file's objects for one account only (its several ServiceAccounts and subjects become that one). */
export function renamed(docs: KubernetesObject[], account: string): KubernetesObject[] {
  const seen = new Set<string>();
  return docs
    .map((d) => renameAccount(d, account))
    .filter((d) => {
      const key = `${d.kind}/${d.metadata?.name}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

function renameAccount(doc: KubernetesObject, account: string): KubernetesObject {
  const d = JSON.parse(JSON.stringify(doc)) as KubernetesObject & {
    subjects?: { name: string }[];
    roleRef?: { name: string };
  };
  if (d.kind === "ServiceAccount") d.metadata = { ...d.metadata, name: account };
  else d.metadata = { ...d.metadata, name: `${d.metadata?.name}-${account}` };
  if (d.roleRef) d.roleRef.name = `${d.roleRef.name}-${account}`;
  if (d.subjects) d.subjects = [{ ...d.subjects[0]!, name: account }];
  return d;
}
