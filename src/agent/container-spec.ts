import { posix } from "node:path";
import type { V1Container, V1Pod } from "@kubernetes/client-node";
import { SparkPath } from "../spark/constants.js";
import { ARGOEXEC_ENTRYPOINT, type ArgoexecRuntime, argoexecPath } from "./argoexec-image.js";
import { type ImageKind, type ImageRule, imageKind } from "./config.js";
import { ConfigError, type PodRuntime } from "./downward.js";
import { type ApiEndpoint, type DataLookup, expandCommand, resolveEnv } from "./env.js";
import { podHostname } from "./hosts.js";
import { type SparkRuntime, sparkArgv, sparkEnv, sparkMounts } from "./spark-image.js";
import { chooseSpark, wantedSpark } from "./spark-version.js";
import {
  SPARKPLANE_IMAGE,
  type SparkplaneRuntime,
  sparkplaneArgv,
  sparkplaneWorkingDir,
} from "./sparkplane-image.js";
import { containerMounts, type Mount, type VolumePlan } from "./volumes.js";

/** What the agent knows that every container of every pod needs. */
export interface RunContext {
  api: ApiEndpoint;
  imageRules: readonly ImageRule[];
  /**
   * The provisioned Sparks, the default (SPARK_VERSION) first; a Spark-image container runs with the one its pod
   * asks for (spark-version.ts). Empty when Spark is not provisioned: those containers then wait with a message.
   */
  sparks: readonly SparkRuntime[];
  /** This checkout, which runs sparkplane's operator image. */
  sparkplane: SparkplaneRuntime;
  /** The provisioned Argo Workflows, which runs Argo's executor image; undefined when not built. */
  argo?: ArgoexecRuntime;
  /** The host's PATH (host-image commands run with the host's programs). */
  hostPath: string;
  /** Private mount namespaces available: mounts are applied; otherwise paths are rewritten. */
  namespaces: boolean;
}

/** Everything needed to start one container as a process. */
export interface ContainerRun {
  kind: ImageKind;
  argv: string[];
  env: Record<string, string>;
  /** Inside the container (a host path without namespaces). */
  workingDir: string;
  /** Bind mounts (empty without namespaces). */
  mounts: Mount[];
  hostname: string;
  /** envFrom keys skipped as invalid names (reported as an event). */
  skippedEnv: string[];
  /** A Spark image run on another version than it asked for (reported as an event, on the app too). */
  sparkNote?: string;
}

/** The per-pod paths a container's run refers to. */
export interface PodPaths {
  podDir: string;
  hostsFile: string;
}

export function containerWorkDir(podDir: string, container: string): string {
  return posix.join(podDir, "work", container);
}

/** Replaces mount targets by their sources in a string (`/opt/spark/conf/x` -> `<volume dir>/x`). */
export function rewritePaths(value: string, mounts: readonly Mount[]): string {
  const sorted = [...mounts].sort((a, b) => b.target.length - a.target.length);
  let out = value;
  for (const m of sorted) {
    const target = m.target.replace(/\/+$/, "");
    const re = new RegExp(`${target.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?=$|[/:\\s,;'"=])`, "g");
    out = out.replace(re, m.source);
  }
  return out;
}

/**
 * Decides how a container runs: its environment (downward API, ConfigMaps, Secrets, $(VAR) expansion), its
 * argv (the Spark image's entrypoint for Spark images, the command as given otherwise), its working
 * directory and its mounts. Pure; throws ConfigError when the container cannot be configured.
 */
export function buildContainerRun(
  pod: V1Pod,
  container: V1Container,
  plans: VolumePlan[],
  paths: PodPaths,
  rt: PodRuntime,
  data: DataLookup,
  ctx: RunContext,
): ContainerRun {
  const resolved = resolveEnv(pod, container, rt, ctx.api, data);
  const hostname = podHostname(pod);
  const base: Record<string, string> = { PATH: ctx.hostPath, HOSTNAME: hostname, HOME: "/root" };
  let env = { ...base, ...resolved.env };
  const cmd = expandCommand(container, env);
  const kind = imageKind(container.image, ctx.imageRules);
  const mounts: Mount[] = [{ source: paths.hostsFile, target: "/etc/hosts", readOnly: true }];
  let argv: string[];
  let workingDir: string;
  let sparkNote: string | undefined;
  const workDirSource = containerWorkDir(paths.podDir, container.name);
  if (kind === "spark") {
    const spark = chooseSpark(wantedSpark(pod, container.image), ctx.sparks);
    sparkNote = spark.note;
    workingDir = container.workingDir || SparkPath.WorkDir;
    argv = sparkArgv(cmd, env, rt.podIP, spark, workingDir);
    env = sparkEnv(env, spark, ctx.hostPath, rt.podIP);
    mounts.push(...sparkMounts(spark, workDirSource));
  } else if (kind === "sparkplane") {
    // The checkout is mounted where the image keeps the package (its WORKDIR), so a volume over one of the
    // checkout's ancestors (the chart's emptyDir at /tmp, a clone under /tmp) cannot hide it.
    const inImage = { ...ctx.sparkplane, root: SPARKPLANE_IMAGE.workDir };
    argv = sparkplaneArgv(cmd, container.workingDir, inImage);
    workingDir = sparkplaneWorkingDir(container.workingDir, inImage);
    mounts.push({ source: ctx.sparkplane.root, target: SPARKPLANE_IMAGE.workDir, readOnly: true });
  } else if (kind === "argoexec") {
    if (!ctx.argo)
      throw new ConfigError(
        `image ${container.image} is Argo Workflows' executor image, and Argo is not built: run \`sparkplane provision\``,
      );
    // argoexec reads and writes /var/run/argo literally, which only a mount namespace can put in the pod's volume.
    if (!ctx.namespaces)
      throw new ConfigError(
        `image ${container.image} is Argo Workflows' executor image, which needs the agent's mount namespaces (run the agent as root with unshare)`,
      );
    argv = cmd.command.length > 0 ? [...cmd.command, ...cmd.args] : [ARGOEXEC_ENTRYPOINT, ...cmd.args];
    env = { ...env, PATH: argoexecPath(ctx.argo, ctx.hostPath) };
    workingDir = container.workingDir || workDirSource;
  } else {
    argv = cmd.command.length > 0 ? [...cmd.command, ...cmd.args] : cmd.args;
    workingDir = container.workingDir || workDirSource;
  }
  mounts.push(...containerMounts(container, plans, paths.podDir, env));
  const note = sparkNote === undefined ? {} : { sparkNote };
  if (ctx.namespaces)
    return { kind, argv, env, workingDir, mounts, hostname, skippedEnv: resolved.skipped, ...note };
  // Without a mount namespace, point every path that would have been a mount at its source instead.
  const rewrite = (s: string) => rewritePaths(s, mounts);
  return {
    kind,
    argv: argv.map(rewrite),
    env: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, rewrite(v)])),
    workingDir: rewrite(workingDir),
    mounts: [],
    hostname,
    skippedEnv: resolved.skipped,
    ...note,
  };
}
