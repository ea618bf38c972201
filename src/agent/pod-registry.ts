import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { CoreV1Api, V1EndpointSlice, V1OwnerReference, V1Pod, V1Service } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { ownedBy } from "../local/pidfiles.js";
import { hostsFile } from "./hosts.js";
import { allocatePodIp, podHost } from "./ipam.js";
import type { WatchEventType } from "./kube-watch.js";
import type { AgentNode } from "./node-object.js";
import { NodeStats } from "./node-stats.js";
import { listPodUids, podDirs, readContainerFile, readPodMetaByUid, removePod } from "./pod-fs.js";
import { PodWorker, type WorkerDeps } from "./pod-worker.js";
import { ContainerProcess } from "./processes.js";

/** What every worker shares; the per-node and registry-provided parts are filled in here. */
export type SharedDeps = Omit<
  WorkerDeps,
  "node" | "allocateIp" | "releaseIp" | "renderHosts" | "event" | "onDone"
>;

/**
 * The agent's pods: one worker per pod bound to one of its nodes (by uid), pod addresses per node, the
 * hosts files (re-rendered when Services or EndpointSlices change), and cleanup of pods that vanished.
 */
export class PodRegistry {
  private readonly workers = new Map<string, PodWorker>();
  private readonly runs = new Map<string, Promise<void>>();
  private readonly byName = new Map<string, PodWorker>();
  private readonly addresses = new Map<string, { last?: string; byUid: Map<string, string> }>();
  private readonly nodes: Map<string, AgentNode>;
  private hostsTimer?: NodeJS.Timeout;
  private stopping = false;
  /** The Summary API (`/stats/summary`) of each node's pods. */
  readonly stats = new NodeStats(() => this.list());

  constructor(
    nodes: readonly AgentNode[],
    private readonly shared: SharedDeps,
    private readonly core: CoreV1Api,
    private readonly cluster: {
      apiRelayIP: string;
      services: () => V1Service[];
      slices: () => V1EndpointSlice[];
      /** Running pods of the whole cluster (Services' selectors are resolved against them). */
      pods: () => V1Pod[];
    },
    private readonly log: Logger,
  ) {
    this.nodes = new Map(nodes.map((n) => [n.name, n]));
    for (const n of nodes) this.addresses.set(n.name, { byUid: new Map() });
  }

  lookup(namespace: string, name: string): PodWorker | undefined {
    return this.byName.get(`${namespace}/${name}`);
  }

  list(): PodWorker[] {
    return [...this.workers.values()];
  }

  onPod(type: WatchEventType, pod: V1Pod): void {
    const uid = pod.metadata?.uid;
    if (!uid) return;
    const worker = this.workers.get(uid);
    if (type === "DELETED") {
      worker?.requestStop("gone");
      return;
    }
    if (worker) {
      worker.update(pod);
      return;
    }
    const node = this.nodes.get(pod.spec?.nodeName ?? "");
    if (!node || this.stopping) return;
    const w = new PodWorker(pod, this.deps(node, pod));
    this.workers.set(uid, w);
    this.byName.set(w.name, w);
    this.runs.set(uid, w.run());
  }

  /** Re-renders every pod's hosts file soon (coalescing bursts of Service/EndpointSlice events). */
  servicesChanged(): void {
    if (this.hostsTimer) return;
    this.hostsTimer = setTimeout(() => {
      this.hostsTimer = undefined;
      for (const w of this.workers.values()) w.refreshHosts();
    }, 200);
    this.hostsTimer.unref();
  }

  /** Pod directories of this agent whose pod is no longer bound to it: stop what runs, remove them. */
  async cleanupOrphans(): Promise<void> {
    for (const uid of listPodUids(this.shared.agentDir)) {
      if (this.workers.has(uid)) continue;
      const meta = readPodMetaByUid(this.shared.agentDir, uid);
      const dirs = podDirs(this.shared.agentDir, meta ?? { namespace: "", name: "", uid });
      for (const c of containerNames(dirs.podDir)) {
        const pid = readContainerFile(dirs, c)?.current?.pid;
        if (pid && ownedBy(pid, this.shared.stateDir)) {
          this.log.info(
            { pod: meta ? `${meta.namespace}/${meta.name}` : uid, container: c, pid },
            "stopping a container of a pod that is gone",
          );
          await ContainerProcess.adopt(
            pid,
            "/nonexistent",
            `agent-${uid}-${c}`,
            this.shared.pidsDir,
          ).terminate(5000);
        }
      }
      if (meta) removePod(dirs);
      else removePod({ ...dirs, logDir: dirs.podDir });
    }
  }

  /** Stops every pod: "agent" terminates their processes, "detach" leaves them running for a later agent. */
  async stop(reason: "agent" | "detach"): Promise<void> {
    this.stopping = true;
    for (const w of this.workers.values()) w.requestStop(reason);
    await Promise.all(this.runs.values());
  }

  private deps(node: AgentNode, pod: V1Pod): WorkerDeps {
    return {
      ...this.shared,
      node,
      allocateIp: (uid, wanted) =>
        pod.spec?.hostNetwork ? node.internalIP : this.allocate(node, uid, wanted),
      releaseIp: (uid) => this.addresses.get(node.name)?.byUid.delete(uid),
      renderHosts: (p, ip) =>
        hostsFile(
          p,
          ip,
          this.cluster.apiRelayIP,
          this.cluster.services(),
          this.cluster.slices(),
          this.cluster.pods(),
        ),
      event: (p, type, reason, message, onOwner) => {
        this.event(node, p, type, reason, message);
        const owner = p.metadata?.ownerReferences?.find((o) => o.controller);
        if (onOwner && owner && owner.kind !== "Pod") this.event(node, p, type, reason, message, owner);
      },
      onDone: (uid) => {
        const w = this.workers.get(uid);
        if (w) this.stats.retire(w);
        this.workers.delete(uid);
        this.runs.delete(uid);
        if (w && this.byName.get(w.name) === w) this.byName.delete(w.name);
      },
    };
  }

  private allocate(node: AgentNode, uid: string, wanted: string | undefined): string | undefined {
    const a = this.addresses.get(node.name)!;
    const mine = a.byUid.get(uid);
    if (mine) return mine;
    const used = new Set(a.byUid.values());
    const ip =
      wanted && podHost(node.podPrefix, wanted) !== undefined && !used.has(wanted)
        ? wanted
        : allocatePodIp(node.podPrefix, used, a.last);
    if (ip) {
      a.byUid.set(uid, ip);
      a.last = ip;
    }
    return ip;
  }

  private event(
    node: AgentNode,
    pod: V1Pod,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
    about?: V1OwnerReference,
  ): void {
    const namespace = pod.metadata!.namespace!;
    const now = new Date();
    void this.core
      .createNamespacedEvent({
        namespace,
        body: {
          metadata: { name: `${pod.metadata!.name}.${randomBytes(8).toString("hex")}`, namespace },
          involvedObject: about
            ? { apiVersion: about.apiVersion, kind: about.kind, namespace, name: about.name, uid: about.uid }
            : { apiVersion: "v1", kind: "Pod", namespace, name: pod.metadata!.name, uid: pod.metadata!.uid },
          type,
          reason,
          message: message.slice(0, 1024),
          source: { component: "sparkplane-agent", host: node.name },
          reportingComponent: "sparkplane-agent",
          reportingInstance: node.name,
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
      })
      .catch(() => undefined);
  }
}

/** The containers a pod directory has records of. */
function containerNames(podDir: string): string[] {
  try {
    return readdirSync(join(podDir, "containers"))
      .filter((f) => f.endsWith(".json"))
      .map((f) => f.slice(0, -5));
  } catch {
    return [];
  }
}
