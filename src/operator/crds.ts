import type { KubeConfig } from "@kubernetes/client-node";
import { crdsForClient } from "../api/crd-manifests.js";
import { ensureCustomResourceDefinitions } from "../kube/crds.js";

/**
 * Creates the sparkoperator.k8s.io CRDs, or replaces them when they differ from ours, and waits until they are
 * served. Idempotent.
 */
export function ensureCrds(kc: KubeConfig, opts: { timeoutMs?: number } = {}): Promise<string[]> {
  return ensureCustomResourceDefinitions(kc, crdsForClient(), opts);
}
