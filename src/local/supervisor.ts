import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { crdsForClient } from "../api/crd-manifests.js";
import { loadKubeConfig } from "../kube/config.js";
import { ensureCustomResourceDefinitions } from "../kube/crds.js";
import { ensureAdmissionPolicy } from "./admission-policy.js";
import { ARGO_SERVER_PORT, argoServerComponent, workflowControllerComponent } from "./argo/controller.js";
import { ensureWorkflowServiceAccount, installArgo } from "./argo/install.js";
import { AUDIT_POLICY_YAML } from "./audit.js";
import { type ClusterState, readClusterState, writeClusterState } from "./cluster-state.js";
import {
  type ComponentSpec,
  controlPlaneComponents,
  type Ports,
  PROFILING_ENV,
  sparkplaneComponents,
} from "./components.js";
import { httpStatus, waitFor } from "./health.js";
import { adminKubeconfig } from "./kubeconfig.js";
import { statePaths } from "./paths.js";
import { isAlive, removePidFile, terminate, writePidFile } from "./pidfiles.js";
import { ensurePki, pkiFile } from "./pki.js";
import { freePort, pickPort } from "./ports.js";
import { requireArgo } from "./provision/argo.js";
import { requireToolset } from "./provision/index.js";
import { ensureSparkServiceAccount } from "./spark-rbac.js";

export interface SupervisorOptions {
  stateDir: string;
  agent: boolean;
  operator: boolean;
  /** Argo Workflows' CRDs and controller, after the agent. */
  argo?: boolean;
  /** The agent's extra node pools (its --node-pool specs). */
  nodePools?: string[];
  /** Shut the cluster down when this process exits (test runs pass their own pid). */
  exitWith?: number;
}

const READY_TIMEOUT_MS = 120_000;
const MAX_RESTART_BACKOFF_MS = 30_000;

/**
 * Runs inside the detached supervisor process: starts the control plane in order, publishes its state,
 * restarts components that crash, and stops everything on SIGTERM.
 */
export class Supervisor {
  private readonly paths;
  private state!: ClusterState;
  private readonly children = new Map<string, ChildProcess>();
  private stopping = false;
  private ca = "";
  private readonly failures = new Map<string, string>();
  private token = "";

  constructor(private readonly opts: SupervisorOptions) {
    this.paths = statePaths(opts.stateDir);
  }

  async run(): Promise<void> {
    process.on("SIGTERM", () => void this.stop(0));
    process.on("SIGINT", () => void this.stop(0));
    if (this.opts.exitWith) this.watchOwner(this.opts.exitWith);
    const started = Date.now();
    try {
      await this.start(started);
    } catch (err) {
      this.publish({ phase: "failed", error: (err as Error).message, activity: undefined });
      await this.stop(1);
    }
  }

  private async start(started: number): Promise<void> {
    const tools = requireToolset();
    const argo = this.opts.argo ? requireArgo() : undefined;
    for (const d of [this.paths.logs, this.paths.pids, this.paths.etcdData])
      mkdirSync(d, { recursive: true });
    const pki = await ensurePki(this.paths.pki);
    writeFileSync(this.paths.auditPolicy, AUDIT_POLICY_YAML);
    this.ca = pki.caCert;
    this.token = pki.adminToken;
    const ports = await this.choosePorts(readClusterState(this.paths.clusterJson)?.ports);
    const server = `https://127.0.0.1:${ports.apiserver}`;
    writeFileSync(
      this.paths.kubeconfig,
      adminKubeconfig({ server, caPem: pki.caCert, token: pki.adminToken }),
      { mode: 0o600 },
    );
    const specs = controlPlaneComponents(
      {
        etcd: tools.etcd.etcd,
        kubeApiserver: tools.kube["kube-apiserver"],
        kubeScheduler: tools.kube["kube-scheduler"],
        kubeControllerManager: tools.kube["kube-controller-manager"],
      },
      this.paths,
      ports,
      { profiling: process.env[PROFILING_ENV] === "1" },
    );
    this.state = {
      phase: "starting",
      supervisorPid: process.pid,
      stateDir: this.opts.stateDir,
      server,
      kubeconfig: this.paths.kubeconfig,
      ports,
      kubernetesVersion: tools.kube.version,
      components: {},
      options: { agent: this.opts.agent, operator: this.opts.operator, argo: this.opts.argo },
      startedAt: new Date(started).toISOString(),
    };
    this.publish({});
    await this.startInOrder(specs);
    this.publish({ activity: "waiting for the default service account" });
    await waitFor(
      "the controller-manager did not create the default ServiceAccount",
      () => this.defaultServiceAccountExists(),
      {
        timeoutMs: READY_TIMEOUT_MS,
        intervalMs: 200,
      },
    );
    this.publish({ activity: "installing the sparkoperator.k8s.io CRDs" });
    const kc = loadKubeConfig(this.paths.kubeconfig);
    await ensureCustomResourceDefinitions(kc, crdsForClient());
    this.publish({ activity: "installing the admission policy for Spark apps" });
    await ensureAdmissionPolicy(kc);
    await ensureSparkServiceAccount(kc, "default");
    await this.startInOrder(await sparkplaneComponents(this.paths, this.opts));
    if (argo) {
      this.publish({ activity: "installing Argo Workflows' CRDs and configuration" });
      const metricsPort = await freePort();
      await installArgo(kc, argo, metricsPort);
      await ensureWorkflowServiceAccount(kc, argo, "default");
      const serverPort = await pickPort(ARGO_SERVER_PORT, new Set([metricsPort]));
      await this.startInOrder([
        workflowControllerComponent(argo, this.paths, metricsPort),
        argoServerComponent(argo, this.paths, serverPort),
      ]);
      this.publish({ argoServer: `http://127.0.0.1:${serverPort}` });
    }
    this.publish({
      phase: "ready",
      readyAt: new Date().toISOString(),
      readyMs: Date.now() - started,
      activity: undefined,
    });
  }

  /** Starts each component and waits until it is healthy before the next; fails fast if one exits. */
  private async startInOrder(specs: ComponentSpec[]): Promise<void> {
    for (const spec of specs) {
      this.publish({ activity: `starting ${spec.name}` });
      this.launch(spec, 0);
      await waitFor(`${spec.name} did not become healthy`, () => this.healthy(spec), {
        timeoutMs: READY_TIMEOUT_MS,
        failFast: () =>
          this.children.has(spec.name)
            ? undefined
            : `it exited: ${this.failures.get(spec.name) ?? this.logTail(spec.name)}`,
      });
      this.state.components[spec.name]!.status = "running";
    }
  }

  private async choosePorts(previous: Partial<Ports> | undefined): Promise<Ports> {
    const taken = new Set<number>();
    return {
      etcdClient: await pickPort(previous?.etcdClient, taken),
      etcdPeer: await pickPort(previous?.etcdPeer, taken),
      apiserver: await pickPort(previous?.apiserver, taken),
      scheduler: await pickPort(previous?.scheduler, taken),
      controllerManager: await pickPort(previous?.controllerManager, taken),
    };
  }

  private launch(spec: ComponentSpec, restarts: number): void {
    const log = join(this.paths.logs, `${spec.name}.log`);
    const fd = openSync(log, "a");
    const env = spec.env ? { ...process.env, ...spec.env } : process.env;
    const child = spawn(spec.command, spec.args, { stdio: ["ignore", fd, fd], env });
    this.children.set(spec.name, child);
    if (child.pid) writePidFile(this.paths.pids, spec.name, child.pid);
    this.state.components[spec.name] = { pid: child.pid, restarts, status: "starting", log };
    this.publish({});
    // A program that cannot be started (missing, not executable) reports 'error' instead of 'exit'.
    child.on("error", (err) => {
      this.failures.set(spec.name, err.message);
      child.emit("exit", null, null);
    });
    child.on("exit", (code, signal) => {
      if (!this.children.has(spec.name)) return;
      this.children.delete(spec.name);
      removePidFile(this.paths.pids, spec.name);
      const comp = this.state.components[spec.name];
      if (comp) comp.status = this.stopping ? "stopped" : "exited";
      if (this.stopping || this.state.phase !== "ready") return this.publish({});
      // A crash after the cluster was ready: restart with exponential backoff, keep the cluster usable.
      const delay = Math.min(MAX_RESTART_BACKOFF_MS, 1000 * 2 ** restarts);
      this.publish({
        activity: `${spec.name} exited (code ${code}, signal ${signal}); restarting in ${delay} ms`,
      });
      setTimeout(() => {
        if (!this.stopping) this.launch(spec, restarts + 1);
      }, delay).unref();
    });
  }

  private async healthy(spec: ComponentSpec): Promise<boolean> {
    if (spec.healthUrl === "node-ready:") return this.readyNodeExists();
    const https = spec.healthUrl.startsWith("https:");
    const isApiserver = spec.name === "kube-apiserver";
    const r = await httpStatus(
      spec.healthUrl,
      isApiserver ? { ca: this.ca, token: this.token } : https ? {} : {},
    );
    return r.status === 200;
  }

  private async readyNodeExists(): Promise<boolean> {
    const r = await httpStatus(`${this.state.server}/api/v1/nodes`, { ca: this.ca, token: this.token });
    if (r.status !== 200) return false;
    const nodes = JSON.parse(r.body) as {
      items: { status?: { conditions?: { type: string; status: string }[] } }[];
    };
    return nodes.items.some((n) =>
      n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
    );
  }

  private async defaultServiceAccountExists(): Promise<boolean> {
    const url = `${this.state.server}/api/v1/namespaces/default/serviceaccounts/default`;
    return (await httpStatus(url, { ca: this.ca, token: this.token })).status === 200;
  }

  private logTail(name: string): string {
    try {
      const text = readFileSync(join(this.paths.logs, `${name}.log`), "utf8");
      return text.trim().split("\n").slice(-15).join("\n");
    } catch {
      return "(no log)";
    }
  }

  private publish(patch: Partial<ClusterState>): void {
    if (!this.state) return;
    this.state = { ...this.state, ...patch };
    writeClusterState(this.paths.clusterJson, this.state);
  }

  private watchOwner(pid: number): void {
    setInterval(() => {
      if (!isAlive(pid)) void this.stop(0);
    }, 1000).unref();
  }

  /** Stops components in reverse start order (scheduler and controller-manager first, etcd last). */
  async stop(code: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.publish({ phase: this.state?.phase === "failed" ? "failed" : "stopping" });
    for (const [name, child] of [...this.children.entries()].reverse()) {
      // The agent stops its pods (up to 10 s each in parallel) and reports them before it exits.
      if (child.pid) await terminate(child.pid, name === "agent" ? 25_000 : 10_000);
      removePidFile(this.paths.pids, name);
    }
    if (this.state?.phase !== "failed") this.publish({ phase: "stopped", activity: undefined });
    removePidFile(this.paths.pids, "supervisor");
    process.exit(code);
  }
}

export function pkiCaPath(stateDir: string): string {
  return pkiFile(statePaths(stateDir).pki, "caCert");
}
