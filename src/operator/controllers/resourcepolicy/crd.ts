/**
 * Whether sparkplane places ResourcePolicy pods here: yes when the ResourcePolicy CRD is absent (then ours
 * is created) or is ours; no when another one is installed (ACK: its scheduler reads the policies).
 */
import {
  ApiextensionsV1Api,
  type KubeConfig,
  loadYaml,
  type V1CustomResourceDefinition,
} from "@kubernetes/client-node";
import { resourcePolicyCrd } from "../../../api/crd.js";
import { renderCrdYaml } from "../../../api/crd-manifests.js";
import { SPARKPLANE_GROUP } from "../../../api/sparkplane/constants.js";
import { ensureCustomResourceDefinitions } from "../../../kube/crds.js";
import { apiStatusCode } from "../../../kube/retry.js";

/** Marks the ResourcePolicy CRD sparkplane created (so a restart knows it is ours, not ACK's). */
export const SERVED_BY_ANNOTATION = `${SPARKPLANE_GROUP}/served-by`;
export const SERVED_BY_SPARKPLANE = "sparkplane";

/** unreadable: no RBAC to read CRDs (the chart: --no-install-crds), so placement stays off. */
export type CrdOwnership = "ours" | "foreign" | "absent" | "unreadable";

export function ourResourcePolicyCrd(): V1CustomResourceDefinition {
  const crd = loadYaml<V1CustomResourceDefinition>(renderCrdYaml(resourcePolicyCrd()));
  crd.metadata = {
    ...crd.metadata,
    annotations: { ...(crd.metadata?.annotations ?? {}), [SERVED_BY_ANNOTATION]: SERVED_BY_SPARKPLANE },
  };
  return crd;
}

export async function resourcePolicyCrdOwnership(kc: KubeConfig): Promise<CrdOwnership> {
  const name = ourResourcePolicyCrd().metadata!.name!;
  try {
    const crd = await kc.makeApiClient(ApiextensionsV1Api).readCustomResourceDefinition({ name });
    return crd.metadata?.annotations?.[SERVED_BY_ANNOTATION] === SERVED_BY_SPARKPLANE ? "ours" : "foreign";
  } catch (err) {
    const code = apiStatusCode(err) ?? (err as { code?: number }).code;
    if (code === 404) return "absent";
    if (code === 403) return "unreadable";
    throw err;
  }
}

/**
 * Creates (or updates) our CRD unless a foreign one is there; returns whether sparkplane places pods. With
 * `install` false an absent CRD is left absent and placement is off.
 */
export async function ensureResourcePolicyCrd(
  kc: KubeConfig,
  install: boolean,
): Promise<{ active: boolean; ownership: CrdOwnership }> {
  const ownership = await resourcePolicyCrdOwnership(kc);
  if (ownership === "foreign" || ownership === "unreadable") return { active: false, ownership };
  if (ownership === "absent" && !install) return { active: false, ownership };
  await ensureCustomResourceDefinitions(kc, [ourResourcePolicyCrd()]);
  return { active: true, ownership };
}
