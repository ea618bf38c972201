/** The CRD files under config/crd, rendered from src/api/crd.ts (written by scripts/gen-crds.mjs). */
import { loadYaml, type V1CustomResourceDefinition } from "@kubernetes/client-node";
import { stringify } from "yaml";
import { allCrds, type CustomResourceDefinition } from "./crd.js";

export const CRD_DIRECTORY = "config/crd";

export interface CrdManifest {
  /** File name under config/crd. */
  fileName: string;
  content: string;
}

export function renderCrdYaml(crd: CustomResourceDefinition): string {
  const header = "# Generated from src/api by scripts/gen-crds.mjs (npm run build first). Do not edit.\n";
  return header + stringify(crd, { lineWidth: 0 });
}

export function crdManifests(): CrdManifest[] {
  return allCrds().map((crd) => ({
    fileName: `${crd.spec.group}_${crd.spec.names.plural}.yaml`,
    content: renderCrdYaml(crd),
  }));
}

/**
 * The CRDs as @kubernetes/client-node models, ready for ApiextensionsV1Api. Passing the plain JSON objects
 * instead would silently lose `enum` and the `x-kubernetes-*` keys: the client's serializer only copies the
 * fields it knows under their TypeScript names (`_enum`, `x_kubernetes_preserve_unknown_fields`).
 */
export function crdsForClient(): V1CustomResourceDefinition[] {
  return crdManifests().map((manifest) => loadYaml<V1CustomResourceDefinition>(manifest.content));
}
