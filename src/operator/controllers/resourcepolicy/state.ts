/**
 * Whether this operator places ResourcePolicy pods, decided once by the placement controller's start and
 * read by its gate provider (both get the same informer registry, which keys it).
 */
import type { InformerRegistry } from "../../../kube/informer-registry.js";

const active = new WeakMap<InformerRegistry, boolean>();

export function setPlacementActive(registry: InformerRegistry, on: boolean): void {
  active.set(registry, on);
}

export function placementActive(registry: InformerRegistry): boolean {
  return active.get(registry) ?? false;
}
