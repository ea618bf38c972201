import { join } from "node:path";
import { CoreV1Api, type KubeConfig, type V1CustomResourceDefinition } from "@kubernetes/client-node";
import { ensureCustomResourceDefinitions } from "../../kube/crds.js";
import { createIfAbsent, isNotFound } from "../../kube/retry.js";
import type { ArgoInstall } from "../provision/argo.js";
import { examplesSourceDir } from "../provision/examples.js";
import { createInNamespace, yamlDocs } from "../yaml-objects.js";
import { ARGO_NAMESPACE, CONTROLLER_CONFIGMAP } from "./constants.js";
import { controllerConfigData } from "./controller.js";

/** Argo's CRDs of the provisioned release (copied from its module source at provision time). */
export function argoCrds(argo: Pick<ArgoInstall, "crdFiles">): V1CustomResourceDefinition[] {
  if (argo.crdFiles.length === 0)
    throw new Error("the Argo Workflows build has no CRDs: run `sparkplane provision`");
  return argo.crdFiles.flatMap((f) => yamlDocs(f)) as V1CustomResourceDefinition[];
}

/**
 * What the controller needs before it starts: Argo's CRDs, its namespace and its ConfigMap (rewritten, since
 * the metrics port is chosen per start). Idempotent.
 */
export async function installArgo(kc: KubeConfig, argo: ArgoInstall, metricsPort: number): Promise<void> {
  await ensureCustomResourceDefinitions(kc, argoCrds(argo));
  const core = kc.makeApiClient(CoreV1Api);
  await createIfAbsent(
    () => core.createNamespace({ body: { metadata: { name: ARGO_NAMESPACE } } }),
    () => core.readNamespace({ name: ARGO_NAMESPACE }),
  );
  const body = {
    metadata: { name: CONTROLLER_CONFIGMAP, namespace: ARGO_NAMESPACE },
    data: controllerConfigData(metricsPort),
  };
  try {
    await core.replaceNamespacedConfigMap({ name: CONTROLLER_CONFIGMAP, namespace: ARGO_NAMESPACE, body });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await core.createNamespacedConfigMap({ namespace: ARGO_NAMESPACE, body });
  }
}

/**
 * The ServiceAccount workflow pods run as in a namespace (`argo-workflow`): Argo's executor Role of the
 * provisioned release and examples/workflows/workflow-rbac.yaml (SparkApplication access, the bindings).
 * Created if absent.
 */
export async function ensureWorkflowServiceAccount(
  kc: KubeConfig,
  argo: Pick<ArgoInstall, "executorRole">,
  namespace: string,
): Promise<void> {
  const docs = [
    ...yamlDocs(argo.executorRole),
    ...yamlDocs(join(examplesSourceDir(), "workflows", "workflow-rbac.yaml")),
  ];
  await createInNamespace(kc, docs, namespace);
}
