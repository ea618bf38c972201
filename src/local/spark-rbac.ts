import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  loadAllYaml,
} from "@kubernetes/client-node";
import { createIfAbsent } from "../kube/retry.js";
import { examplesSourceDir } from "./provision/examples.js";

/**
 * Creates (if absent) a ServiceAccount for Spark drivers (`spark` by default) and its Role/RoleBinding, from
 * examples/spark-rbac.yaml.
 */
export async function ensureSparkServiceAccount(
  kc: KubeConfig,
  namespace: string,
  account = "spark",
): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  const docs = loadAllYaml(
    readFileSync(join(examplesSourceDir(), "spark-rbac.yaml"), "utf8"),
  ) as KubernetesObject[];
  for (const doc of docs) {
    const renamed = account === "spark" ? doc : renameAccount(doc, account);
    const obj = { ...renamed, metadata: { ...renamed.metadata, namespace } };
    await createIfAbsent(
      () => api.create(obj),
      () =>
        api.read({
          apiVersion: obj.apiVersion,
          kind: obj.kind,
          metadata: { name: obj.metadata.name!, namespace },
        }),
    );
  }
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
