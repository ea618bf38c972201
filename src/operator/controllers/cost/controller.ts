/**
 * Records what each app's pods cost as they end: requests × lifetime (api/sparkplane/cost.ts) and the CPU
 * their node says they used (node-usage.ts) added to the app's COST_ANNOTATION ledger, once per pod (by
 * name), and to the cost counters. Ended pods
 * are remembered here until written, because a deleted pod is gone from the cache by then. The write carries
 * the app's resourceVersion, so a stale ledger is a conflict and a retry, never a lost pod.
 */
import { COST_ANNOTATION } from "../../../api/sparkplane/constants.js";
import {
  type EndedPod,
  type PodTimes,
  parseLedger,
  podCost,
  podSeconds,
  recordEnded,
} from "../../../api/sparkplane/cost.js";
import { API_VERSION, SparkApplicationNames } from "../../../api/v1beta2/constants.js";
import type { SparkApplication } from "../../../api/v1beta2/sparkapplication.js";
import { type JsonClient, MERGE_PATCH, namespacedPath } from "../../../kube/json-client.js";
import type { KubeLog } from "../../../kube/log.js";
import { apiStatusCode } from "../../../kube/retry.js";
import { SparkLabel, SparkRole } from "../../../spark/constants.js";
import type { OperatorMetrics } from "../../metrics.js";
import type { NodeUsage } from "./node-usage.js";

export interface CostControllerDeps {
  json: JsonClient;
  app(namespace: string, name: string): SparkApplication | undefined;
  metrics: OperatorMetrics;
  log: KubeLog;
  /** What nodes report the pods used (unset: only requests are recorded). */
  usage?: NodeUsage;
  now?: () => number;
}

export class CostController {
  /** app key -> pod name -> the pod as last seen, ended, not yet written. */
  private readonly ended = new Map<string, Map<string, PodTimes>>();

  constructor(private readonly deps: CostControllerDeps) {}

  /** Remembers an ended pod of app `key`; true when it was not known yet. */
  observe(key: string, pod: PodTimes): boolean {
    const name = pod.metadata?.name;
    if (!name) return false;
    let pods = this.ended.get(key);
    if (!pods) {
      pods = new Map();
      this.ended.set(key, pods);
    }
    const fresh = !pods.has(name);
    pods.set(name, pod);
    return fresh;
  }

  forget(key: string): void {
    this.ended.delete(key);
  }

  async reconcile(key: string): Promise<void> {
    const pods = this.ended.get(key);
    if (!pods || pods.size === 0) return;
    const [namespace, name] = key.split("/") as [string, string];
    const app = this.deps.app(namespace, name);
    if (!app) return this.forget(key);
    const seen = new Map(pods);
    const now = (this.deps.now ?? Date.now)();
    const usage = this.deps.usage;
    if (usage) {
      const nodes = [...seen.values()].map((p) => p.spec?.nodeName).filter((n): n is string => !!n);
      await usage.readAll(nodes);
    }
    const costs: EndedPod[] = [];
    for (const [podName, pod] of seen) {
      const role = pod.metadata?.labels?.[SparkLabel.Role] === SparkRole.Driver ? "driver" : "executor";
      const cost = podCost(app.spec, role, podSeconds(pod, now));
      const used = usage?.usedCpuSeconds(pod.metadata?.uid);
      if (cost)
        costs.push({ name: podName, cost, ...(used === undefined ? {} : { usedCpuCoreSeconds: used }) });
    }
    const { ledger, added } = recordEnded(parseLedger(app.metadata.annotations?.[COST_ANNOTATION]), costs);
    if (added.length > 0) {
      const path = namespacedPath(API_VERSION, namespace, SparkApplicationNames.plural, name);
      const patch = {
        metadata: {
          resourceVersion: app.metadata.resourceVersion,
          annotations: { [COST_ANNOTATION]: JSON.stringify(ledger) },
        },
      };
      try {
        await this.deps.json.request("PATCH", path, patch, MERGE_PATCH);
      } catch (err) {
        if (apiStatusCode(err) === 404) return this.forget(key);
        throw err;
      }
      const labels = { namespace, queue: app.spec.batchSchedulerOptions?.queue ?? "" };
      for (const a of added) {
        this.deps.metrics.requestedCpuSeconds.inc(labels, a.cost.cpuCoreSeconds);
        this.deps.metrics.requestedMemoryGiBSeconds.inc(labels, a.cost.memoryGiBSeconds);
        if (a.usedCpuCoreSeconds !== undefined)
          this.deps.metrics.usedCpuSeconds.inc(labels, a.usedCpuCoreSeconds);
      }
    }
    // Written, counted already, or without a readable cost (a spec Spark itself would refuse): done with.
    // Pods observed while the patch was in flight stay for the next pass.
    for (const [podName, pod] of seen)
      if (pods.get(podName) === pod) {
        pods.delete(podName);
        usage?.forget(pod.metadata?.uid);
      }
    if (pods.size === 0) this.ended.delete(key);
  }
}
