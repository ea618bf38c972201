import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { ApiException, type CoreV1Api, type V1Pod } from "@kubernetes/client-node";
import { ConfigError } from "./downward.js";
import type { DataLookup } from "./env.js";
import type { Terminated } from "./status.js";
import type { VolumeFile } from "./volumes.js";

/**
 * A pod's files under the agent's directory (<state>/agent/<agent name>/):
 *   pods/<uid>/pod.json, hosts, volumes/<name>/, work/<container>/, containers/<container>.json,
 *   containers/<container>/<run>.sh and <run>.exit, shadow/<container>-<run>/ (mount staging)
 *   logs/<namespace>_<pod>_<uid>/<container>/<run>.log and <run>.log.idx (kept as the kubelet keeps them)
 */
export interface PodDirs {
  podDir: string;
  hostsFile: string;
  metaFile: string;
  logDir: string;
}

export interface PodMeta {
  namespace: string;
  name: string;
  uid: string;
  node: string;
}

/** One container run as recorded on disk, so a restarted agent can adopt it or report how it ended. */
export interface RunFile {
  n: number;
  pid?: number;
  startedAt: string;
  finished?: Terminated;
}

export interface ContainerFile {
  restartCount: number;
  current?: RunFile;
  last?: Terminated;
  /** CPU time (ns) of the runs that ended, for the Summary API. */
  cpuNanos?: number;
}

export function podDirs(agentDir: string, meta: { namespace: string; name: string; uid: string }): PodDirs {
  const podDir = join(agentDir, "pods", meta.uid);
  return {
    podDir,
    hostsFile: join(podDir, "hosts"),
    metaFile: join(podDir, "pod.json"),
    logDir: join(agentDir, "logs", `${meta.namespace}_${meta.name}_${meta.uid}`),
  };
}

export function runPaths(dirs: PodDirs, container: string, n: number) {
  const logFile = join(dirs.logDir, container, `${n}.log`);
  return {
    script: join(dirs.podDir, "containers", container, `${n}.sh`),
    exitFile: join(dirs.podDir, "containers", container, `${n}.exit`),
    staging: join(dirs.podDir, "shadow", `${container}-${n}`),
    logFile,
    indexFile: `${logFile}.idx`,
  };
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}

function writeJson(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, `${JSON.stringify(value)}\n`);
  renameSync(`${file}.tmp`, file);
}

export const readMeta = (dirs: PodDirs) => readJson<PodMeta>(dirs.metaFile);
export const writeMeta = (dirs: PodDirs, meta: PodMeta) => writeJson(dirs.metaFile, meta);
export const readContainerFile = (dirs: PodDirs, c: string) =>
  readJson<ContainerFile>(join(dirs.podDir, "containers", `${c}.json`));
export const writeContainerFile = (dirs: PodDirs, c: string, f: ContainerFile) =>
  writeJson(join(dirs.podDir, "containers", `${c}.json`), f);

/** The uids of the pod directories an agent has. */
export function listPodUids(agentDir: string): string[] {
  const dir = join(agentDir, "pods");
  return existsSync(dir) ? readdirSync(dir) : [];
}

export function readPodMetaByUid(agentDir: string, uid: string): PodMeta | undefined {
  return readJson<PodMeta>(join(agentDir, "pods", uid, "pod.json"));
}

/** Removes a finished pod's directories (its logs too, as the kubelet does once the pod is gone). */
export function removePod(dirs: PodDirs): void {
  rmSync(dirs.podDir, { recursive: true, force: true });
  rmSync(dirs.logDir, { recursive: true, force: true });
}

/** Writes a volume's files, each atomically (a reader never sees half a file). */
export function writeVolumeFiles(
  dir: string,
  files: readonly { path: string; mode: number; content: Buffer }[],
): void {
  mkdirSync(dir, { recursive: true });
  for (const f of files) {
    const target = join(dir, f.path);
    mkdirSync(dirname(target), { recursive: true });
    const tmp = join(dirname(target), `..${f.path.replaceAll("/", "_")}.tmp`);
    writeFileSync(tmp, f.content, { mode: f.mode });
    chmodSync(tmp, f.mode);
    renameSync(tmp, target);
  }
}

/** Checks or creates a hostPath volume as its type asks. */
export function prepareHostPath(path: string, type: string): void {
  const stat = existsSync(path) ? statSync(path) : undefined;
  switch (type) {
    case "DirectoryOrCreate":
      if (!stat) mkdirSync(path, { recursive: true, mode: 0o755 });
      else if (!stat.isDirectory()) throw new ConfigError(`hostPath ${path} exists and is not a directory`);
      return;
    case "FileOrCreate":
      if (!stat) {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, "", { mode: 0o644 });
      } else if (!stat.isFile()) throw new ConfigError(`hostPath ${path} exists and is not a file`);
      return;
    case "Directory":
      if (!stat?.isDirectory())
        throw new ConfigError(`hostPath type check failed: ${path} is not a directory`);
      return;
    case "File":
      if (!stat?.isFile()) throw new ConfigError(`hostPath type check failed: ${path} is not a file`);
      return;
    case "Socket":
    case "CharDevice":
    case "BlockDevice": {
      const ok =
        type === "Socket"
          ? stat?.isSocket()
          : type === "CharDevice"
            ? stat?.isCharacterDevice()
            : stat?.isBlockDevice();
      if (!ok) throw new ConfigError(`hostPath type check failed: ${path} is not a ${type}`);
      return;
    }
    default:
      return;
  }
}

const notFound = (err: unknown) => err instanceof ApiException && err.code === 404;

/** Fetches the named ConfigMaps and Secrets (absent ones are undefined) into a lookup. */
export async function fetchData(
  core: CoreV1Api,
  namespace: string,
  refs: { configMaps: string[]; secrets: string[] },
): Promise<DataLookup> {
  const found = new Map<string, Record<string, Buffer> | undefined>();
  await Promise.all([
    ...refs.configMaps.map(async (name) => {
      try {
        const cm = await core.readNamespacedConfigMap({ name, namespace });
        const data: Record<string, Buffer> = {};
        for (const [k, v] of Object.entries(cm.data ?? {})) data[k] = Buffer.from(v);
        for (const [k, v] of Object.entries(cm.binaryData ?? {})) data[k] = Buffer.from(v, "base64");
        found.set(`configMap/${name}`, data);
      } catch (err) {
        if (!notFound(err)) throw err;
      }
    }),
    ...refs.secrets.map(async (name) => {
      try {
        const s = await core.readNamespacedSecret({ name, namespace });
        const data: Record<string, Buffer> = {};
        for (const [k, v] of Object.entries(s.data ?? {})) data[k] = Buffer.from(v, "base64");
        found.set(`secret/${name}`, data);
      } catch (err) {
        if (!notFound(err)) throw err;
      }
    }),
  ]);
  return (kind, name) => found.get(`${kind}/${name}`);
}

/** A service-account token bound to the pod (TokenRequest), as the kubelet gets it for projected volumes. */
export async function requestToken(
  core: CoreV1Api,
  pod: V1Pod,
  token: NonNullable<VolumeFile["token"]>,
): Promise<{ token: string; expiresAt: number }> {
  const namespace = pod.metadata!.namespace!;
  const sa = pod.spec?.serviceAccountName || "default";
  try {
    const r = await core.createNamespacedServiceAccountToken({
      name: sa,
      namespace,
      body: {
        apiVersion: "authentication.k8s.io/v1",
        kind: "TokenRequest",
        spec: {
          audiences: token.audience ? [token.audience] : [],
          expirationSeconds: token.expirationSeconds,
          boundObjectRef: {
            apiVersion: "v1",
            kind: "Pod",
            name: pod.metadata!.name!,
            uid: pod.metadata!.uid!,
          },
        },
      },
    });
    const expiresAt = r.status?.expirationTimestamp
      ? new Date(r.status.expirationTimestamp).getTime()
      : Date.now() + token.expirationSeconds * 1000;
    return { token: r.status!.token, expiresAt };
  } catch (err) {
    if (notFound(err)) throw new ConfigError(`serviceaccount "${sa}" not found in ${namespace}`);
    throw err;
  }
}
