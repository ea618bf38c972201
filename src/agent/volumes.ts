import { posix } from "node:path";
import type { V1Container, V1KeyToPath, V1Pod, V1Volume } from "@kubernetes/client-node";
import { ConfigError, fieldValue, type PodRuntime, resourceValue } from "./downward.js";
import { type DataLookup, expand } from "./env.js";

/** A file of a volume the agent writes (ConfigMap, Secret, downwardAPI, projected). */
export interface VolumeFile {
  /** Relative to the volume's directory. */
  path: string;
  mode: number;
  content?: Buffer;
  /** A service-account token to request (TokenRequest, bound to the pod) and keep fresh. */
  token?: { audience?: string; expirationSeconds: number };
}

export type VolumePlan =
  | { name: string; kind: "files"; files: VolumeFile[] }
  | { name: string; kind: "emptyDir"; medium?: string }
  | { name: string; kind: "hostPath"; path: string; type: string }
  | { name: string; kind: "unsupported"; reason: string };

/** A bind mount into a container's mount namespace. */
export interface Mount {
  /** Host path (a directory or a file). */
  source: string;
  /** Path inside the container. */
  target: string;
  readOnly: boolean;
  /** Create `source` as a directory when missing (writable volume subPaths, agent-owned dirs). */
  createSource?: boolean;
}

const DEFAULT_MODE = 0o644;
/** TokenRequest's default lifetime for projected service-account tokens (the kubelet asks for 1 h). */
const DEFAULT_TOKEN_SECONDS = 3600;

/** Item paths must be relative, without `..` (the API server validates this too; we do not trust it). */
function safeRelative(path: string): string {
  const norm = posix.normalize(path);
  if (norm.startsWith("/") || norm === ".." || norm.startsWith("../") || norm === ".") {
    throw new ConfigError(`volume item path "${path}" must be relative and stay inside the volume`);
  }
  return norm;
}

function keyFiles(
  kind: "configMap" | "secret",
  name: string,
  items: V1KeyToPath[] | undefined,
  optional: boolean | undefined,
  defaultMode: number,
  data: DataLookup,
): VolumeFile[] {
  const obj = data(kind, name);
  if (!obj) {
    if (optional) return [];
    throw new ConfigError(`${kind === "configMap" ? "configmap" : "secret"} "${name}" not found`);
  }
  if (!items?.length) {
    return Object.keys(obj)
      .sort()
      .map((key) => ({ path: safeRelative(key), mode: defaultMode, content: obj[key]! }));
  }
  const files: VolumeFile[] = [];
  for (const item of items) {
    const content = obj[item.key];
    if (content === undefined) {
      if (optional) continue;
      throw new ConfigError(`configmap/secret "${name}": key "${item.key}" not found`);
    }
    files.push({ path: safeRelative(item.path), mode: item.mode ?? defaultMode, content });
  }
  return files;
}

function downwardFiles(
  pod: V1Pod,
  items: {
    path: string;
    fieldRef?: { fieldPath: string };
    resourceFieldRef?: { containerName?: string; resource: string; divisor?: unknown };
    mode?: number;
  }[],
  defaultMode: number,
  rt: PodRuntime,
): VolumeFile[] {
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  return items.map((item) => {
    let text: string;
    if (item.fieldRef) text = fieldValue(pod, item.fieldRef.fieldPath, rt);
    else if (item.resourceFieldRef) {
      const r = item.resourceFieldRef;
      text = resourceValue(
        containers.find((c) => c.name === r.containerName),
        r.resource,
        r.divisor as string | undefined,
        rt,
      );
    } else throw new ConfigError(`downwardAPI item "${item.path}" has neither fieldRef nor resourceFieldRef`);
    return { path: safeRelative(item.path), mode: item.mode ?? defaultMode, content: Buffer.from(text) };
  });
}

/** What one pod volume holds, decided from the pod and the objects it refers to. Throws ConfigError. */
export function planVolume(pod: V1Pod, vol: V1Volume, rt: PodRuntime, data: DataLookup): VolumePlan {
  const name = vol.name;
  if (vol.emptyDir) return { name, kind: "emptyDir", medium: vol.emptyDir.medium };
  if (vol.hostPath) return { name, kind: "hostPath", path: vol.hostPath.path, type: vol.hostPath.type ?? "" };
  if (vol.configMap) {
    const c = vol.configMap;
    return {
      name,
      kind: "files",
      files: keyFiles("configMap", c.name ?? "", c.items, c.optional, c.defaultMode ?? DEFAULT_MODE, data),
    };
  }
  if (vol.secret) {
    const s = vol.secret;
    return {
      name,
      kind: "files",
      files: keyFiles("secret", s.secretName ?? "", s.items, s.optional, s.defaultMode ?? DEFAULT_MODE, data),
    };
  }
  if (vol.downwardAPI) {
    return {
      name,
      kind: "files",
      files: downwardFiles(pod, vol.downwardAPI.items ?? [], vol.downwardAPI.defaultMode ?? DEFAULT_MODE, rt),
    };
  }
  if (vol.projected) {
    const mode = vol.projected.defaultMode ?? DEFAULT_MODE;
    const files: VolumeFile[] = [];
    for (const src of vol.projected.sources ?? []) {
      if (src.configMap)
        files.push(
          ...keyFiles(
            "configMap",
            src.configMap.name ?? "",
            src.configMap.items,
            src.configMap.optional,
            mode,
            data,
          ),
        );
      else if (src.secret)
        files.push(
          ...keyFiles("secret", src.secret.name ?? "", src.secret.items, src.secret.optional, mode, data),
        );
      else if (src.downwardAPI) files.push(...downwardFiles(pod, src.downwardAPI.items ?? [], mode, rt));
      else if (src.serviceAccountToken) {
        const t = src.serviceAccountToken;
        files.push({
          path: safeRelative(t.path),
          mode,
          token: {
            audience: t.audience || undefined,
            expirationSeconds: t.expirationSeconds ?? DEFAULT_TOKEN_SECONDS,
          },
        });
      } else
        return {
          name,
          kind: "unsupported",
          reason: "projected source other than configMap, secret, downwardAPI, serviceAccountToken",
        };
    }
    return { name, kind: "files", files };
  }
  const type = Object.keys(vol).find((k) => k !== "name") ?? "unknown";
  return {
    name,
    kind: "unsupported",
    reason: `volume type ${type} is not supported by the sparkplane agent`,
  };
}

/** The host directory of a volume: agent-written and emptyDir volumes live in the pod's directory. */
export function volumeSource(plan: VolumePlan, podDir: string): string {
  return plan.kind === "hostPath" ? plan.path : posix.join(podDir, "volumes", plan.name);
}

/**
 * A container's volumeMounts as bind mounts. ConfigMap/Secret/downwardAPI/projected volumes are always
 * read-only (as the kubelet mounts them); subPathExpr is expanded with the container's environment.
 */
export function containerMounts(
  container: V1Container,
  plans: VolumePlan[],
  podDir: string,
  env: Record<string, string>,
): Mount[] {
  const byName = new Map(plans.map((p) => [p.name, p]));
  return (container.volumeMounts ?? []).map((vm) => {
    const plan = byName.get(vm.name);
    if (!plan) throw new ConfigError(`volumeMount "${vm.name}" refers to no volume of the pod`);
    if (plan.kind === "unsupported") throw new ConfigError(`volume "${vm.name}": ${plan.reason}`);
    const sub = vm.subPathExpr
      ? expand(vm.subPathExpr, (n) => (Object.hasOwn(env, n) ? env[n] : undefined))
      : vm.subPath;
    const base = volumeSource(plan, podDir);
    const source = sub ? posix.join(base, safeRelative(sub)) : base;
    const agentFiles = plan.kind === "files";
    return {
      source,
      target: vm.mountPath,
      readOnly: Boolean(vm.readOnly) || agentFiles,
      createSource: Boolean(sub) && !agentFiles,
    };
  });
}
