/**
 * The CPU each Spark pod has used, as its node reports it: the kubelet Summary API (`/stats/summary` on the
 * node's kubelet endpoint, which a kubelet authorizes as `nodes/stats` get). Read every `intervalMs` for the
 * nodes running Spark pods (a kubelet drops a pod once it is gone, so the last reading is what counts), and
 * once more for a pod's node when its cost is written. A node that refuses (403, no such endpoint) is left
 * alone for a while, said once in the log.
 */

import type { KubeConfig } from "@kubernetes/client-node";
import { type NodeSummary, usedCpuByPod } from "../../../api/sparkplane/cost.js";
import { type KubeletAddress, kubeletGet } from "../../../kube/kubelet-client.js";
import type { KubeLog } from "../../../kube/log.js";

/** How long a node that refused is not asked again. */
const REFUSED_BACKOFF_MS = 5 * 60_000;
/**
 * How long a pod's reading is kept after its node last listed it: a summary lists every pod of the node, not
 * only Spark's, and a pod whose cost is never written (its app deleted first) is not forgotten otherwise.
 */
const READING_TTL_MS = 10 * 60_000;

export class NodeUsage {
  /** pod uid -> CPU core-seconds (the highest reading so far) and when its node last listed it. */
  private readonly used = new Map<string, { seconds: number; at: number }>();
  private readonly refused = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly kc: KubeConfig,
    /** The kubelet endpoint of a node (from the Node cache). */
    private readonly address: (node: string) => KubeletAddress | undefined,
    private readonly log: KubeLog,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads `node`'s summary; false when the node does not serve it (or refused recently). */
  async read(node: string): Promise<boolean> {
    const until = this.refused.get(node);
    if (until !== undefined && until > this.now()) return false;
    try {
      const at = this.address(node);
      if (!at) throw new Error(`node ${node} has no address or kubelet port in its status`);
      const summary = await kubeletGet<NodeSummary>(this.kc, at, "/stats/summary");
      const now = this.now();
      for (const [uid, seconds] of usedCpuByPod(summary ?? {}))
        this.used.set(uid, { seconds: Math.max(seconds, this.used.get(uid)?.seconds ?? 0), at: now });
      for (const [uid, r] of this.used) if (now - r.at > READING_TTL_MS) this.used.delete(uid);
      this.refused.delete(node);
      return true;
    } catch (err) {
      const code = (err as { status?: number }).status;
      if (until === undefined)
        this.log.warn(
          { node, code, err: (err as Error).message },
          code === 401 || code === 403
            ? "the kubelet refused /stats/summary (grant nodes/stats get, or set --node-stats-interval=0): used CPU is not recorded for its pods"
            : "the node's /stats/summary is not readable (its kubelet's certificate must chain to the cluster CA): used CPU is not recorded for its pods",
        );
      this.refused.set(node, this.now() + REFUSED_BACKOFF_MS);
      return false;
    }
  }

  /** Reads each node once (in parallel); never throws. */
  async readAll(nodes: Iterable<string>): Promise<void> {
    await Promise.all([...new Set(nodes)].map((n) => this.read(n)));
  }

  usedCpuSeconds(uid: string | undefined): number | undefined {
    return uid === undefined ? undefined : this.used.get(uid)?.seconds;
  }

  forget(uid: string | undefined): void {
    if (uid !== undefined) this.used.delete(uid);
  }

  /** Every `intervalMs`, reads the nodes `nodes()` names (those running Spark pods). */
  start(intervalMs: number, nodes: () => Iterable<string>): void {
    if (intervalMs <= 0 || this.timer) return;
    let busy = false;
    this.timer = setInterval(() => {
      if (busy) return;
      busy = true;
      void this.readAll(nodes()).finally(() => {
        busy = false;
      });
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
