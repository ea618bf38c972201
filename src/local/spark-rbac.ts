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

/** Creates (if absent) the `spark` ServiceAccount and its Role/RoleBinding from examples/spark-rbac.yaml. */
export async function ensureSparkServiceAccount(kc: KubeConfig, namespace: string): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  const docs = loadAllYaml(
    readFileSync(join(examplesSourceDir(), "spark-rbac.yaml"), "utf8"),
  ) as KubernetesObject[];
  for (const doc of docs) {
    const obj = { ...doc, metadata: { ...doc.metadata, namespace } };
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
