/** Kubernetes objects from YAML files, and creating them (if absent) in a namespace. */
import { readFileSync } from "node:fs";
import {
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  loadAllYaml,
} from "@kubernetes/client-node";
import { createIfAbsent } from "../kube/retry.js";

/** The documents of a YAML file that are objects (empty documents dropped). */
export function yamlDocs(file: string): KubernetesObject[] {
  return (loadAllYaml(readFileSync(file, "utf8")) as (KubernetesObject | null)[]).filter(
    (d): d is KubernetesObject => Boolean(d?.kind),
  );
}

/** Creates each object in `namespace` unless one of its kind and name is there already. */
export async function createInNamespace(
  kc: KubeConfig,
  docs: readonly KubernetesObject[],
  namespace: string,
): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kc);
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
