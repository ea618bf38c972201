import { ApiException, type CoordinationV1Api, type CoreV1Api, type V1Node } from "@kubernetes/client-node";
import type { Logger } from "pino";
import {
  type AgentNode,
  leaseObject,
  mergeTaints,
  NODE_LEASE_NAMESPACE,
  type NodeFacts,
  nodeLabels,
  nodeObject,
  nodeStatus,
} from "./node-object.js";
import { describe, mergePatch } from "./status-reporter.js";

export interface NodeTimings {
  /** Lease duration (the node lifecycle controller's grace is about this long). */
  leaseSeconds: number;
  /** Lease renewal interval. */
  renewSeconds: number;
  /** Node status (conditions' heartbeat) interval. */
  statusSeconds: number;
}

export const DEFAULT_TIMINGS: NodeTimings = { leaseSeconds: 40, renewSeconds: 10, statusSeconds: 30 };

const code = (err: unknown) => (err instanceof ApiException ? err.code : undefined);

/** Registers the agent's Nodes, keeps their Leases renewed and their Ready condition fresh. */
export class NodeManager {
  private readonly uids = new Map<string, string>();
  private readonly readySince = new Map<string, string>();
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;

  constructor(
    private readonly core: CoreV1Api,
    private readonly coord: CoordinationV1Api,
    private readonly nodes: readonly AgentNode[],
    private readonly facts: (node: AgentNode) => NodeFacts,
    private readonly timings: NodeTimings,
    private readonly log: Logger,
  ) {}

  /** Creates or updates every node and its lease; retries until it works (or stop). */
  async register(): Promise<void> {
    for (const node of this.nodes) {
      for (let attempt = 0; !this.stopped; attempt++) {
        try {
          await this.registerOne(node);
          break;
        } catch (err) {
          this.log.warn({ node: node.name, err: describe(err) }, "node registration failed; retrying");
          await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** attempt)));
        }
      }
    }
  }

  start(): void {
    const every = (secs: number, fn: () => Promise<void>) => {
      const t = setInterval(() => void fn(), secs * 1000);
      t.unref();
      this.timers.push(t);
    };
    every(this.timings.renewSeconds, () => this.renewAll());
    every(this.timings.statusSeconds, () => this.heartbeatAll());
  }

  /** Stops heartbeats; reports NotReady, or deletes the nodes (tests, ephemeral pools). */
  async stop(opts: { deleteNodes?: boolean } = {}): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await Promise.all(
      this.nodes.map(async (node) => {
        try {
          if (opts.deleteNodes) {
            await this.core.deleteNode({ name: node.name });
            await this.coord
              .deleteNamespacedLease({ name: node.name, namespace: NODE_LEASE_NAMESPACE })
              .catch(() => undefined);
          } else await this.patchStatus(node, false);
        } catch (err) {
          if (code(err) !== 404)
            this.log.warn({ node: node.name, err: describe(err) }, "cannot update the node on stop");
        }
      }),
    );
  }

  private async registerOne(node: AgentNode): Promise<void> {
    const facts = this.facts(node);
    const now = new Date().toISOString();
    let current: V1Node;
    try {
      current = await this.core.createNode({ body: nodeObject(node, facts, now) as unknown as V1Node });
      this.log.info({ node: node.name, ip: node.internalIP, port: facts.kubeletPort }, "node registered");
    } catch (err) {
      if (code(err) !== 409) throw err;
      const existing = await this.core.readNode({ name: node.name });
      const body = {
        metadata: { labels: nodeLabels(node, facts) },
        spec: { taints: mergeTaints(node.taints, existing.spec?.taints) },
      };
      current = await this.core.patchNode({ name: node.name, body }, mergePatch);
      const ready = existing.status?.conditions?.find((c) => c.type === "Ready");
      if (ready?.status === "True" && ready.lastTransitionTime)
        this.readySince.set(node.name, new Date(ready.lastTransitionTime).toISOString());
      this.log.info({ node: node.name, ip: node.internalIP, port: facts.kubeletPort }, "node re-registered");
    }
    if (current.metadata?.uid) this.uids.set(node.name, current.metadata.uid);
    if (!this.readySince.has(node.name)) this.readySince.set(node.name, now);
    await this.patchStatus(node, true);
    await this.renew(node);
  }

  private async patchStatus(node: AgentNode, ready: boolean): Promise<void> {
    const now = new Date().toISOString();
    const since = ready ? this.readySince.get(node.name) : now;
    const status = nodeStatus(node, this.facts(node), ready, now, {
      ready: since,
      others: this.readySince.get(node.name),
    });
    await this.core.patchNodeStatus({ name: node.name, body: { status } }, mergePatch);
  }

  private async renew(node: AgentNode): Promise<void> {
    const now = new Date().toISOString();
    const lease = leaseObject(node.name, this.uids.get(node.name), this.timings.leaseSeconds, now);
    try {
      await this.coord.patchNamespacedLease(
        { name: node.name, namespace: NODE_LEASE_NAMESPACE, body: { spec: lease.spec } },
        mergePatch,
      );
    } catch (err) {
      if (code(err) !== 404) throw err;
      await this.coord.createNamespacedLease({ namespace: NODE_LEASE_NAMESPACE, body: lease as never });
    }
  }

  private async renewAll(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.guard(n, () => this.renew(n))));
  }

  private async heartbeatAll(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.guard(n, () => this.patchStatus(n, true))));
  }

  /** Runs a heartbeat; a node deleted meanwhile is registered again. */
  private async guard(node: AgentNode, fn: () => Promise<void>): Promise<void> {
    if (this.stopped) return;
    try {
      await fn();
    } catch (err) {
      if (this.stopped) return;
      if (code(err) === 404) {
        this.log.warn({ node: node.name }, "node object gone: registering it again");
        this.readySince.delete(node.name);
        await this.registerOne(node).catch((e) =>
          this.log.warn({ node: node.name, err: describe(e) }, "re-registration failed"),
        );
      } else this.log.warn({ node: node.name, err: describe(err) }, "node heartbeat failed");
    }
  }
}
