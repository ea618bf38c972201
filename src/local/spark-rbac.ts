import { join } from "node:path";
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { SparkDriverRbac } from "../spark/constants.js";
import { examplesSourceDir } from "./provision/examples.js";
import { createInNamespace, yamlDocs } from "./yaml-objects.js";

/**
 * Creates (if absent) a ServiceAccount for Spark drivers (`spark` by default) and its Role/RoleBinding, from
 * examples/spark-rbac.yaml.
 */
export async function ensureSparkServiceAccount(
  kc: KubeConfig,
  namespace: string,
  account: string = SparkDriverRbac.ServiceAccount,
): Promise<void> {
  const docs = yamlDocs(join(examplesSourceDir(), "spark-rbac.yaml"));
  await createInNamespace(
    kc,
    docs.map((d) => (account === SparkDriverRbac.ServiceAccount ? d : renameAccount(d, account))),
    namespace,
  );
}

function renameAccount(doc: KubernetesObject, account: string): KubernetesObject {
  const d = JSON.parse(JSON.stringify(doc)) as KubernetesObject & {
    subjects?: { name: string }[];
    roleRef?: { name: string };
  };
  if (d.kind === "ServiceAccount") d.metadata = { ...d.metadata, name: account };
  else d.metadata = { ...d.metadata, name: `${d.metadata?.name}-${account}` };
  if (d.roleRef) d.roleRef.name = `${d.roleRef.name}-${account}`;
  for (const s of d.subjects ?? []) s.name = account;
  return d;
}
