/**
 * Pod parts Spark derives from prefixed configuration: mounted secrets (MountSecretsFeatureStep), secret
 * environment variables (EnvSecretsFeatureStep) and spark.kubernetes.<role>.volumes.* (MountVolumesFeatureStep).
 */
import type { V1EnvVar, V1PersistentVolumeClaim, V1Volume, V1VolumeMount } from "@kubernetes/client-node";
import { SparkLabel, SparkVolumeType } from "../spark/constants.js";

type Conf = ReadonlyMap<string, string>;

/** KubernetesUtils.parsePrefixedKeyValuePairs, sorted by key. */
export function prefixedEntries(conf: Conf, prefix: string): [string, string][] {
  return [...conf]
    .filter(([key]) => key.startsWith(prefix))
    .map(([key, value]): [string, string] => [key.slice(prefix.length), value])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** `<secret>-volume` secret volumes mounted at the configured paths. */
export function secretMounts(conf: Conf, prefix: string): { volumes: V1Volume[]; mounts: V1VolumeMount[] } {
  const entries = prefixedEntries(conf, prefix);
  return {
    volumes: entries.map(([secret]) => ({ name: `${secret}-volume`, secret: { secretName: secret } })),
    mounts: entries.map(([secret, mountPath]) => ({ name: `${secret}-volume`, mountPath })),
  };
}

/** Environment variables from `ENV=secret:key` entries. */
export function secretKeyRefEnv(conf: Conf, prefix: string): V1EnvVar[] {
  return prefixedEntries(conf, prefix).map(([name, ref]) => {
    // Java's split drops trailing empty strings: "secret:" has one part and is rejected as Spark rejects it.
    const parts = ref.split(":");
    while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
    if (parts.length !== 2)
      throw new Error(`SecretKeyRef must be in the form name:key (${prefix}${name}=${ref}).`);
    return { name, valueFrom: { secretKeyRef: { name: parts[0]!, key: parts[1]! } } };
  });
}

export interface ConfVolumes {
  volumes: V1Volume[];
  mounts: V1VolumeMount[];
  /** Claims Spark creates itself (storageClass and sizeLimit given); owned by the driver pod. */
  claims: V1PersistentVolumeClaim[];
}

interface VolumeSpec {
  type: string;
  name: string;
  options: Map<string, string>;
}

function parseBoolean(value: string, key: string): boolean {
  const lower = value.trim().toLowerCase();
  if (lower !== "true" && lower !== "false") throw new Error(`${key} should be boolean, but was ${value}`);
  return lower === "true";
}

function volumeSpecs(conf: Conf, prefix: string): VolumeSpec[] {
  const specs = new Map<string, VolumeSpec>();
  for (const [key, value] of prefixedEntries(conf, prefix)) {
    const [type, name, ...rest] = key.split(".");
    if (type === undefined || name === undefined || rest.length === 0) continue;
    const id = `${type}.${name}`;
    const spec = specs.get(id) ?? { type, name, options: new Map<string, string>() };
    spec.options.set(rest.join("."), value);
    specs.set(id, spec);
  }
  return [...specs.values()];
}

/**
 * Volumes and mounts of spark.kubernetes.<role>.volumes.<type>.<name>.{mount.*,options.*}. OnDemand claims
 * are named `<resourcePrefix>-driver-pvc-<index>` as Spark names the driver's.
 */
export function confVolumes(
  conf: Conf,
  prefix: string,
  context: { resourcePrefix: string; appId: string },
): ConfVolumes {
  const result: ConfVolumes = { volumes: [], mounts: [], claims: [] };
  const specs = volumeSpecs(conf, prefix);
  const paths = specs.map((spec) => spec.options.get("mount.path"));
  const duplicated = [...new Set(paths.filter((path, i) => path !== undefined && paths.indexOf(path) !== i))];
  if (duplicated.length > 0)
    throw new Error(`Found duplicated mountPath: ${duplicated.map((p) => `'${p}'`).join(", ")}`);
  specs.forEach((spec, index) => {
    const key = (option: string) => `${prefix}${spec.type}.${spec.name}.${option}`;
    const required = (option: string) => {
      const value = spec.options.get(option);
      if (value === undefined) throw new Error(`${key(option)} is required for ${spec.type} volumes`);
      return value;
    };
    const readOnlyValue = spec.options.get("mount.readOnly");
    const readOnly = readOnlyValue !== undefined && parseBoolean(readOnlyValue, key("mount.readOnly"));
    const mount: V1VolumeMount = { name: spec.name, mountPath: required("mount.path") };
    if (readOnly) mount.readOnly = true;
    const subPath = spec.options.get("mount.subPath");
    if (subPath) mount.subPath = subPath;
    const subPathExpr = spec.options.get("mount.subPathExpr");
    if (subPathExpr) mount.subPathExpr = subPathExpr;
    if (subPath && subPathExpr)
      throw new Error(`${key("mount.subPath")} and mount.subPathExpr are mutually exclusive`);
    const volume: V1Volume = { name: spec.name };
    switch (spec.type) {
      case SparkVolumeType.HostPath: {
        const hostType = spec.options.get("options.type");
        volume.hostPath = hostType
          ? { path: required("options.path"), type: hostType }
          : { path: required("options.path") };
        break;
      }
      case SparkVolumeType.EmptyDir: {
        const medium = spec.options.get("options.medium");
        const sizeLimit = spec.options.get("options.sizeLimit");
        volume.emptyDir = { ...(medium ? { medium } : {}), ...(sizeLimit ? { sizeLimit } : {}) };
        break;
      }
      case SparkVolumeType.Nfs:
        volume.nfs = { path: required("options.path"), server: required("options.server") };
        break;
      case SparkVolumeType.PersistentVolumeClaim: {
        const claimName = required("options.claimName").replaceAll(
          "OnDemand",
          `${context.resourcePrefix}-driver-pvc-${index}`,
        );
        volume.persistentVolumeClaim = readOnly ? { claimName, readOnly } : { claimName };
        const storageClass = spec.options.get("options.storageClass");
        const size = spec.options.get("options.sizeLimit");
        if (storageClass !== undefined && size !== undefined) {
          result.claims.push(onDemandClaim(claimName, storageClass, size, context.appId, spec.options));
        }
        break;
      }
      default:
        throw new Error(`Kubernetes Volume type \`${spec.type}\` is not supported`);
    }
    result.volumes.push(volume);
    result.mounts.push(mount);
  });
  return result;
}

function onDemandClaim(
  name: string,
  storageClassName: string,
  size: string,
  appId: string,
  options: ReadonlyMap<string, string>,
): V1PersistentVolumeClaim {
  const labels: Record<string, string> = { [SparkLabel.AppId]: appId };
  for (const [option, value] of options) {
    if (option.startsWith("label.")) labels[option.slice("label.".length)] = value;
  }
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name, labels },
    spec: {
      storageClassName,
      accessModes: ["ReadWriteOncePod"],
      resources: { requests: { storage: size } },
    },
  };
}
