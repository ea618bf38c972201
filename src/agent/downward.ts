import type { V1Container, V1Pod } from "@kubernetes/client-node";
import { parseKubernetesQuantity } from "../api/quantity.js";

/** The run-time facts a pod's downward API refers to that are not in its object yet. */
export interface PodRuntime {
  podIP: string;
  hostIP: string;
  /** The node's allocatable cpu (cores), memory and ephemeral-storage (bytes): the default for unset limits. */
  allocatable: { cpu: number; memory: number; "ephemeral-storage": number };
}

export class ConfigError extends Error {
  /** The container's waiting reason while this lasts. */
  constructor(
    message: string,
    readonly reason = "CreateContainerConfigError",
  ) {
    super(message);
  }
}

const SUBSCRIPT = /^metadata\.(labels|annotations)\['(.*)'\]$/;

/** Pod fields as `fieldRef` resolves them (env and downwardAPI volumes). Throws ConfigError on an unknown path. */
export function fieldValue(pod: V1Pod, path: string, rt: PodRuntime): string {
  const m = SUBSCRIPT.exec(path);
  if (m) {
    const map = m[1] === "labels" ? pod.metadata?.labels : pod.metadata?.annotations;
    return map?.[m[2]!] ?? "";
  }
  switch (path) {
    case "metadata.name":
      return pod.metadata?.name ?? "";
    case "metadata.namespace":
      return pod.metadata?.namespace ?? "";
    case "metadata.uid":
      return pod.metadata?.uid ?? "";
    case "metadata.labels":
      return formatMap(pod.metadata?.labels);
    case "metadata.annotations":
      return formatMap(pod.metadata?.annotations);
    case "spec.nodeName":
      return pod.spec?.nodeName ?? "";
    case "spec.serviceAccountName":
      return pod.spec?.serviceAccountName ?? "";
    case "status.hostIP":
    case "status.hostIPs":
      return rt.hostIP;
    case "status.podIP":
    case "status.podIPs":
      return rt.podIP;
    default:
      throw new ConfigError(`unsupported fieldRef fieldPath "${path}"`);
  }
}

/** `key="value"` lines sorted by key, values escaped as Go's %q does for common characters (downward API). */
export function formatMap(map: Record<string, string> | undefined): string {
  return Object.keys(map ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(map![k])}`)
    .join("\n");
}

const RESOURCE = /^(limits|requests)\.(cpu|memory|ephemeral-storage|hugepages-.+)$/;

/**
 * A container's resource as `resourceFieldRef` gives it: ceil(value / divisor). An unset limit is the node's
 * allocatable; an unset request is the limit when set, else 0 (as the API server defaults requests).
 */
export function resourceValue(
  container: V1Container | undefined,
  resource: string,
  divisorText: string | undefined,
  rt: PodRuntime,
): string {
  const m = RESOURCE.exec(resource);
  if (!m) throw new ConfigError(`unsupported resourceFieldRef resource "${resource}"`);
  const [, kind, name] = m as unknown as [string, "limits" | "requests", string];
  const divisor = parseKubernetesQuantity(divisorText ?? "1");
  if (divisor === undefined || divisor <= 0)
    throw new ConfigError(`invalid resourceFieldRef divisor "${divisorText}"`);
  const quantity = (q: unknown) => (q === undefined ? undefined : parseKubernetesQuantity(String(q)));
  const limit = quantity(container?.resources?.limits?.[name]);
  const request = quantity(container?.resources?.requests?.[name]);
  const nodeValue = name in rt.allocatable ? rt.allocatable[name as keyof PodRuntime["allocatable"]] : 0;
  const value = kind === "limits" ? (limit ?? nodeValue) : (request ?? limit ?? 0);
  // Guard against float noise (0.3 / 0.001 = 299.99999999999994) before rounding up.
  return String(Math.ceil(Number((value / divisor).toFixed(9))));
}
