import { spawn } from "node:child_process";
import { mkdirSync, openSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ClusterState, readClusterState } from "./cluster-state.js";
import { statePaths } from "./paths.js";
import { ownedBy, readPidFiles, removePidFile, terminate, writePidFile } from "./pidfiles.js";

export interface UpOptions {
  stateDir: string;
  agent?: boolean;
  operator?: boolean;
  /** Also Argo Workflows: its CRDs, and its workflow-controller as a component. */
  argo?: boolean;
  /** Extra node pools of the agent (`sparkplane agent --node-pool` specs); used when the cluster starts. */
  nodePools?: string[];
  /** Tie the cluster's life to this pid (tests): the supervisor stops everything when it exits. */
  exitWith?: number;
  /** Called with each new supervisor activity ("starting kube-apiserver", ...). */
  onActivity?: (activity: string) => void;
  timeoutMs?: number;
}

export interface RunningCluster {
  stateDir: string;
  kubeconfig: string;
  server: string;
  kubernetesVersion: string;
  readyMs?: number;
  /** With `argo`: where `argo server` answers. */
  argoServer?: string;
  /** True when `up` found this cluster already running. */
  reused: boolean;
}

const supervisorEntry = join(dirname(fileURLToPath(import.meta.url)), "supervisor-main.js");

function liveSupervisor(stateDir: string): ClusterState | undefined {
  const state = readClusterState(statePaths(stateDir).clusterJson);
  return state && ownedBy(state.supervisorPid, stateDir) ? state : undefined;
}

/** Whether the state dir's supervisor is alive (a cluster starting, ready or stopping). */
export function isClusterRunning(stateDir: string): boolean {
  return liveSupervisor(stateDir) !== undefined;
}

/** Kills processes left behind by a supervisor that was itself killed (found through their pid files). */
async function reapOrphans(stateDir: string): Promise<string[]> {
  const { pids } = statePaths(stateDir);
  const killed: string[] = [];
  for (const { name, pid } of readPidFiles(pids)) {
    if (ownedBy(pid, stateDir)) {
      await terminate(pid, 5000);
      killed.push(`${name} (pid ${pid})`);
    }
    removePidFile(pids, name);
  }
  return killed;
}

function toRunning(state: ClusterState, reused: boolean): RunningCluster {
  return {
    stateDir: state.stateDir,
    kubeconfig: state.kubeconfig,
    server: state.server,
    kubernetesVersion: state.kubernetesVersion,
    readyMs: state.readyMs,
    argoServer: state.argoServer,
    reused,
  };
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, "utf8").trim().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/** Starts the embedded cluster (or finds it running) and resolves once it is ready. Idempotent. */
export async function up(opts: UpOptions): Promise<RunningCluster> {
  const paths = statePaths(opts.stateDir);
  const existing = liveSupervisor(opts.stateDir);
  let supervisorPid: number;
  if (existing) {
    supervisorPid = existing.supervisorPid;
  } else {
    await reapOrphans(opts.stateDir);
    mkdirSync(paths.logs, { recursive: true });
    const log = openSync(join(paths.logs, "supervisor.log"), "a");
    const args = [supervisorEntry, "--state-dir", opts.stateDir];
    if (opts.agent === false) args.push("--no-agent");
    if (opts.operator === false) args.push("--no-operator");
    if (opts.argo) args.push("--with-argo");
    for (const pool of opts.nodePools ?? []) args.push("--node-pool", pool);
    if (opts.exitWith) args.push("--exit-with", String(opts.exitWith));
    // detached: its own process group, so it outlives this command and `down` can stop it as a whole.
    const child = spawn(process.execPath, args, { detached: true, stdio: ["ignore", log, log] });
    child.unref();
    supervisorPid = child.pid!;
    writePidFile(paths.pids, "supervisor", supervisorPid);
  }
  const deadline = Date.now() + (opts.timeoutMs ?? 180_000);
  let lastActivity = "";
  for (;;) {
    const state = readClusterState(paths.clusterJson);
    const current = state?.supervisorPid === supervisorPid ? state : undefined;
    if (current?.phase === "ready") return toRunning(current, Boolean(existing));
    if (current?.activity && current.activity !== lastActivity) {
      lastActivity = current.activity;
      opts.onActivity?.(current.activity);
    }
    if (current?.phase === "failed") {
      throw new Error(`the embedded cluster failed to start: ${current.error}\nlogs: ${paths.logs}`);
    }
    if (!ownedBy(supervisorPid, opts.stateDir)) {
      throw new Error(
        `the sparkplane supervisor exited during start-up:\n${tail(join(paths.logs, "supervisor.log"))}\nlogs: ${paths.logs}`,
      );
    }
    if (Date.now() > deadline)
      throw new Error(`the embedded cluster was not ready in time; logs: ${paths.logs}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops the supervisor (which stops its components), then anything left behind. Returns what it stopped. */
export async function down(stateDir: string): Promise<string[]> {
  const stopped: string[] = [];
  const state = liveSupervisor(stateDir);
  if (state) {
    await terminate(state.supervisorPid, 30_000);
    stopped.push(`supervisor (pid ${state.supervisorPid})`);
  }
  stopped.push(...(await reapOrphans(stateDir)));
  return stopped;
}

export interface ClusterStatus {
  running: boolean;
  state?: ClusterState;
  components: { name: string; pid?: number; alive: boolean; restarts: number }[];
}

export function status(stateDir: string): ClusterStatus {
  const state = readClusterState(statePaths(stateDir).clusterJson);
  const running = Boolean(state && ownedBy(state.supervisorPid, stateDir));
  const components = Object.entries(state?.components ?? {}).map(([name, c]) => ({
    name,
    pid: c.pid,
    alive: running && c.pid !== undefined && ownedBy(c.pid, stateDir),
    restarts: c.restarts,
  }));
  return { running, state, components };
}
