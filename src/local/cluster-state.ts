import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { Ports } from "./components.js";

export type ClusterPhase = "starting" | "ready" | "failed" | "stopping" | "stopped";

export interface ComponentState {
  pid?: number;
  restarts: number;
  status: "starting" | "running" | "exited" | "stopped";
  log: string;
}

/** What the supervisor publishes in `<state>/cluster.json`; `up`, `status` and `down` read it. */
export interface ClusterState {
  phase: ClusterPhase;
  supervisorPid: number;
  stateDir: string;
  server: string;
  kubeconfig: string;
  ports: Ports;
  kubernetesVersion: string;
  components: Record<string, ComponentState>;
  options: { agent: boolean; operator: boolean; argo?: boolean };
  startedAt: string;
  readyAt?: string;
  /** Milliseconds from supervisor start to ready. */
  readyMs?: number;
  error?: string;
  /** With `--with argo`: where `argo server` answers (for hera, `argo --argo-server`, a browser). */
  argoServer?: string;
  /** What the supervisor is doing right now, for progress lines. */
  activity?: string;
}

export function readClusterState(path: string): ClusterState | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as ClusterState;
  } catch {
    return undefined;
  }
}

export function writeClusterState(path: string, state: ClusterState): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, path);
}
