/**
 * Which cluster a command talks to. One rule for every command, kubectl's precedence with the embedded cluster
 * slotted in: --kubeconfig, KUBECONFIG, in-cluster config, the embedded cluster while its supervisor runs,
 * ~/.kube/config. A --state-dir flag names its embedded cluster as a flag does, ahead of the environment.
 * A stopped embedded cluster's kubeconfig (left behind by `sparkplane down`) is never used: its port is dead,
 * or worse, taken by another cluster.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import type { KubeConfig } from "@kubernetes/client-node";
import { hasInClusterConfig, type KubeConfigSource, kubeConfigFrom } from "../kube/config.js";
import { isClusterRunning } from "../local/cluster.js";
import { statePaths } from "../local/paths.js";
import { stateDirOf } from "./state-dir.js";

/** The --kubeconfig option's help, for every command that takes it. */
export const KUBECONFIG_FLAG_HELP =
  "a cluster's kubeconfig (default: --state-dir's cluster, else KUBECONFIG, else in-cluster config, else the embedded cluster while it runs, else ~/.kube/config)";

export interface KubeconfigInputs {
  /** --kubeconfig. */
  flag?: string;
  /** The KUBECONFIG environment variable (one path or a list, merged by the client). */
  env?: string;
  /** KUBERNETES_SERVICE_HOST/PORT and the service-account token are present. */
  inCluster: boolean;
  /**
   * The embedded cluster of the state dir: its kubeconfig, whether the file exists, whether it runs, and
   * whether the --state-dir flag named it (rather than SPARKPLANE_STATE_DIR or the default).
   */
  embedded: { path: string; exists: boolean; running: boolean; named?: boolean };
  /** ~/.kube/config and whether it exists. */
  home: { path: string; exists: boolean };
}

export type KubeconfigChoice = (
  | { kind: "flag"; path: string }
  | { kind: "env"; paths: string }
  | { kind: "in-cluster" }
  | { kind: "embedded"; path: string }
  | { kind: "home"; path: string }
) & {
  /** Whether the chosen kubeconfig is the embedded cluster's (named explicitly or by default). */
  embedded: boolean;
};

export type KubeconfigDecision = KubeconfigChoice | { kind: "none"; message: string };

export function chooseKubeconfig(i: KubeconfigInputs): KubeconfigDecision {
  const isEmbedded = (path: string) => resolve(path) === resolve(i.embedded.path);
  if (i.flag) return { kind: "flag", path: i.flag, embedded: isEmbedded(i.flag) };
  if (i.embedded.named) {
    const named = embeddedKubeconfig(i.embedded);
    return "path" in named
      ? { kind: "embedded", path: named.path, embedded: true }
      : { kind: "none", message: named.message };
  }
  if (i.env) return { kind: "env", paths: i.env, embedded: isEmbedded(i.env) };
  if (i.inCluster) return { kind: "in-cluster", embedded: false };
  if (i.embedded.running && i.embedded.exists)
    return { kind: "embedded", path: i.embedded.path, embedded: true };
  if (i.home.exists) return { kind: "home", path: i.home.path, embedded: isEmbedded(i.home.path) };
  return { kind: "none", message: noClusterMessage(i) };
}

function noClusterMessage(i: KubeconfigInputs): string {
  const fix =
    "start the embedded cluster with `sparkplane up`, or name a cluster with --kubeconfig PATH (or KUBECONFIG)";
  if (i.embedded.exists)
    return `the embedded cluster is not running (its kubeconfig ${i.embedded.path} is left from an earlier run): ${fix}`;
  return `no cluster to talk to (no --kubeconfig, KUBECONFIG, in-cluster config, embedded cluster or ${i.home.path}): ${fix}`;
}

/** The embedded cluster's kubeconfig for the commands that work only with it, or why it cannot be used. */
export function embeddedKubeconfig(
  embedded: KubeconfigInputs["embedded"],
): { path: string } | { message: string } {
  if (embedded.running && embedded.exists) return { path: embedded.path };
  if (embedded.exists)
    return {
      message: `the embedded cluster is not running (its kubeconfig ${embedded.path} is left from an earlier run): start it with \`sparkplane up\``,
    };
  return { message: `no embedded cluster (no ${embedded.path}): start one with \`sparkplane up\`` };
}

/** The kube/ loader's source for a choice. */
export function kubeConfigSourceOf(choice: KubeconfigChoice): KubeConfigSource {
  switch (choice.kind) {
    case "flag":
    case "embedded":
    case "home":
      return { kind: "file", path: choice.path };
    case "in-cluster":
      return { kind: "in-cluster" };
    case "env":
      return { kind: "default" };
  }
}

/** A pass-through tool's (kubectl, helm, argo) flag: none where the tool finds the same config itself. */
export function kubeconfigArgs(choice: KubeconfigChoice): string[] {
  const source = kubeConfigSourceOf(choice);
  return source.kind === "file" ? ["--kubeconfig", source.path] : [];
}

/** This process's inputs: the flags, its environment, the files and whether the supervisor lives. */
export function kubeconfigInputs(
  flags: { kubeconfig?: string; stateDir?: string },
  env: NodeJS.ProcessEnv = process.env,
): KubeconfigInputs {
  const stateDir = stateDirOf(flags);
  const embeddedPath = statePaths(stateDir).kubeconfig;
  const homePath = join(homedir(), ".kube", "config");
  return {
    ...(flags.kubeconfig ? { flag: flags.kubeconfig } : {}),
    ...(env.KUBECONFIG ? { env: env.KUBECONFIG } : {}),
    inCluster: hasInClusterConfig(env, existsSync),
    embedded: {
      path: embeddedPath,
      exists: existsSync(embeddedPath),
      running: isClusterRunning(stateDir),
      named: Boolean(flags.stateDir),
    },
    home: { path: homePath, exists: existsSync(homePath) },
  };
}

/** The chosen kubeconfig for these flags; throws the decision's message when there is none. */
export function resolveKubeconfig(flags: { kubeconfig?: string; stateDir?: string }): KubeconfigChoice {
  const decision = chooseKubeconfig(kubeconfigInputs(flags));
  if (decision.kind === "none") throw new Error(decision.message);
  return decision;
}

export function loadChosenKubeConfig(choice: KubeconfigChoice): KubeConfig {
  return kubeConfigFrom(kubeConfigSourceOf(choice));
}
