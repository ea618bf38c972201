import type { V1EndpointSlice, V1Pod, V1Service } from "@kubernetes/client-node";

/** A pod's readiness as the endpoints controllers judge it. */
export function podReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

function selects(selector: Record<string, string>, pod: V1Pod): boolean {
  const labels = pod.metadata?.labels ?? {};
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

export const CLUSTER_DOMAIN = "cluster.local";
const SERVICE_NAME_LABEL = "kubernetes.io/service-name";

/** The hostname a pod sees: spec.hostname, else its name (cut to a DNS label's 63 characters). */
export function podHostname(pod: V1Pod): string {
  const name = pod.spec?.hostname || pod.metadata?.name || "pod";
  return name.slice(0, 63).replace(/[-.]+$/, "");
}

function serviceNames(svc: string, ns: string, podNamespace: string): string[] {
  const names = [`${svc}.${ns}.svc.${CLUSTER_DOMAIN}`, `${svc}.${ns}.svc`, `${svc}.${ns}`];
  if (ns === podNamespace) names.push(svc);
  return names;
}

interface HostRecord {
  ip: string;
  names: string[];
}

/**
 * The addresses behind a Service. With a selector: the running pods it selects (ready ones, or all with
 * publishNotReadyAddresses), resolved here because the API server rejects loopback addresses in
 * EndpointSlices, so the endpointslice controller cannot publish our pods. Without a selector: its
 * EndpointSlices (manually managed endpoints).
 */
export function serviceEndpoints(
  svc: V1Service,
  slices: readonly V1EndpointSlice[],
  pods: readonly V1Pod[] = [],
): { ip: string; hostname?: string }[] {
  const ns = svc.metadata?.namespace;
  const name = svc.metadata?.name;
  const all = Boolean(svc.spec?.publishNotReadyAddresses);
  const seen = new Map<string, string | undefined>();
  const selector = svc.spec?.selector;
  if (selector && Object.keys(selector).length > 0) {
    for (const pod of pods) {
      const ip = pod.status?.podIP;
      if (!ip || pod.metadata?.namespace !== ns || pod.metadata?.deletionTimestamp || !selects(selector, pod))
        continue;
      if (pod.status?.phase !== "Running" || (!all && !podReady(pod))) continue;
      const hostname = pod.spec?.subdomain === name ? pod.spec?.hostname : undefined;
      if (!seen.has(ip) || hostname) seen.set(ip, hostname);
    }
  } else {
    for (const slice of slices) {
      if (slice.metadata?.namespace !== ns || slice.metadata?.labels?.[SERVICE_NAME_LABEL] !== name) continue;
      if (slice.addressType !== "IPv4") continue;
      for (const ep of slice.endpoints ?? []) {
        if (!all && ep.conditions?.ready === false) continue;
        for (const ip of ep.addresses ?? []) if (!seen.has(ip) || ep.hostname) seen.set(ip, ep.hostname);
      }
    }
  }
  return [...seen.entries()]
    .sort(([a], [b]) => compareIp(a, b))
    .map(([ip, hostname]) => (hostname ? { ip, hostname } : { ip }));
}

function compareIp(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 4; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return a.localeCompare(b);
}

/**
 * The pod's /etc/hosts: loopback, the pod itself, `kubernetes.default.svc` (-> the agent's API relay), and
 * every Service by its DNS names -> its endpoint addresses (see serviceEndpoints; all of them, one line each,
 * so lookups see every endpoint as with headless DNS). There is no kube-proxy: a Service port must equal its target port.
 */
export function hostsFile(
  pod: V1Pod,
  podIP: string,
  apiRelayIP: string,
  services: readonly V1Service[],
  slices: readonly V1EndpointSlice[],
  pods: readonly V1Pod[] = [],
): string {
  const ns = pod.metadata?.namespace ?? "default";
  const hostname = podHostname(pod);
  const records: HostRecord[] = [];
  const own = pod.spec?.subdomain
    ? [`${hostname}.${pod.spec.subdomain}.${ns}.svc.${CLUSTER_DOMAIN}`, hostname]
    : [hostname];
  records.push({ ip: podIP, names: own });
  records.push({ ip: apiRelayIP, names: serviceNames("kubernetes", "default", ns) });
  const sorted = [...services].sort((a, b) =>
    `${a.metadata?.namespace}/${a.metadata?.name}`.localeCompare(
      `${b.metadata?.namespace}/${b.metadata?.name}`,
    ),
  );
  for (const svc of sorted) {
    const sns = svc.metadata?.namespace ?? "";
    const sname = svc.metadata?.name ?? "";
    if (sns === "default" && sname === "kubernetes") continue;
    if (svc.spec?.type === "ExternalName") continue;
    const names = serviceNames(sname, sns, ns);
    for (const ep of serviceEndpoints(svc, slices, pods)) {
      records.push({ ip: ep.ip, names });
      if (ep.hostname)
        records.push({ ip: ep.ip, names: [`${ep.hostname}.${sname}.${sns}.svc.${CLUSTER_DOMAIN}`] });
    }
  }
  for (const alias of pod.spec?.hostAliases ?? []) {
    if (alias.ip && alias.hostnames?.length) records.push({ ip: alias.ip, names: alias.hostnames });
  }
  const lines = [
    "# Kubernetes-managed hosts file (sparkplane agent).",
    "127.0.0.1\tlocalhost",
    "::1\tlocalhost ip6-localhost ip6-loopback",
    ...records.map((r) => `${r.ip}\t${r.names.join(" ")}`),
  ];
  return `${lines.join("\n")}\n`;
}
