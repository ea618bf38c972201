/**
 * The CRD files under config/crd and the chart's crds/, rendered from src/api/crd.ts (written by
 * `npm run gen:manifests`); a test fails when either copy differs.
 */
import { loadYaml, type V1CustomResourceDefinition } from "@kubernetes/client-node";
import { stringify } from "yaml";
import { allCrds, type CustomResourceDefinition } from "./crd.js";

export const CRD_DIRECTORY = "config/crd";
/** Every directory that holds the same CRD files: plain manifests, and the Helm chart's crds/. */
export const CRD_DIRECTORIES = [CRD_DIRECTORY, "charts/sparkplane/crds"] as const;

export interface CrdManifest {
  /** File name under each of CRD_DIRECTORIES. */
  fileName: string;
  content: string;
}

export function renderCrdYaml(crd: CustomResourceDefinition): string {
  const header = "# Generated from src/api by `npm run gen:manifests`. Do not edit.\n";
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
