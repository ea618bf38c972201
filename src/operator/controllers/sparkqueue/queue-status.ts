/**
 * Writing SparkQueue status: counts, usage and the first apps of each list, from the book (running) and the
 * decision (waiting). Only a status that changed is written, off the admission path, at most one round per
 * interval; a change made meanwhile is left to a later pass, so the last status always reaches the server.
 */
import { SPARKPLANE_API_VERSION, SparkQueueNames } from "../../../api/sparkplane/constants.js";
import type { QueuedAppStatus, SparkQueue, SparkQueueStatus } from "../../../api/sparkplane/sparkqueue.js";
import { type JsonClient, MERGE_PATCH } from "../../../kube/json-client.js";
import type { KubeLog } from "../../../kube/log.js";
import { isNotFound } from "../../../kube/retry.js";
import type { AdmissionBook } from "./book.js";
import type { AdmissionDecision, QueuedApp } from "./decide/admission.js";

const LIST_LIMIT = 100;

export class QueueStatusWriter {
  private writes: Promise<unknown> | undefined;
  private lastAt = Number.NEGATIVE_INFINITY;
  /**
   * The queues this operator has had apps in. SparkQueues are cluster-scoped while an operator may watch some
   * namespaces only: one that never saw an app of a queue leaves its status to the operators that did, rather
   * than overwrite their counts with its zeros.
   */
  private readonly seen = new Set<string>();

  constructor(
    private readonly d: { json: JsonClient; log: KubeLog; now: () => number; intervalMs: number },
  ) {}

  /** Waits for the writes in flight. */
  async flush(): Promise<void> {
    await this.writes;
  }

  /** Starts writing the statuses that changed; the delay (ms) after which to try again, or undefined. */
  write(queues: SparkQueue[], decision: AdmissionDecision, book: AdmissionBook): number | undefined {
    const changed: [SparkQueue, SparkQueueStatus][] = [];
    for (const queue of queues) {
      const status = statusOf(queue, decision, book);
      if (!status) continue;
      const name = queue.metadata.name ?? "";
      if ((status.running ?? 0) + (status.waiting ?? 0) > 0) this.seen.add(name);
      else if (!this.seen.has(name) && queue.status !== undefined) continue;
      changed.push([queue, status]);
    }
    if (changed.length === 0) return undefined;
    const wait = this.lastAt + this.d.intervalMs - this.d.now();
    if (this.writes || wait > 0) return Math.max(wait, 100);
    this.lastAt = this.d.now();
    this.writes = Promise.all(changed.map(([queue, status]) => this.patch(queue, status)))
      .catch((err: Error) => this.d.log.warn({ err: err.message }, "cannot write SparkQueue status"))
      .finally(() => {
        this.writes = undefined;
      });
    return undefined;
  }

  private async patch(queue: SparkQueue, status: SparkQueueStatus): Promise<void> {
    const name = queue.metadata.name ?? "";
    status.lastUpdateTime = new Date(this.d.now()).toISOString().replace(/\.\d+Z$/, "Z");
    const path = `/apis/${SPARKPLANE_API_VERSION}/${SparkQueueNames.plural}/${encodeURIComponent(name)}/status`;
    try {
      // Lists in a merge patch replace the old ones whole; null clears fields the new status lacks.
      await this.d.json.request(
        "PATCH",
        path,
        { status: { ...nulls(queue.status), ...status } },
        MERGE_PATCH,
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

/** The queue's status as the book and the decision have it; undefined when the cached one says the same. */
function statusOf(
  queue: SparkQueue,
  decision: AdmissionDecision,
  book: AdmissionBook,
): SparkQueueStatus | undefined {
  const name = queue.metadata.name ?? "";
  const waiting = decision.queues.get(name)?.waiting;
  if (!waiting) return undefined;
  const usage = book.usage(name);
  const status: SparkQueueStatus = {
    running: usage.running,
    waiting: waiting.length,
    used: { cpu: cpuText(usage.cpu), memory: memoryQuantity(usage.memoryMiB) },
    runningApplications: book.running(name, LIST_LIMIT).map((a) => appStatus(a)),
    waitingApplications: waiting.slice(0, LIST_LIMIT).map((w) => ({
      ...appStatus(w.app),
      ...(w.position > 0 ? { position: w.position } : {}),
      reason: w.reason,
    })),
  };
  const { lastUpdateTime: _t, ...current } = queue.status ?? {};
  return JSON.stringify(current) === JSON.stringify(status) ? undefined : status;
}

function nulls(status: SparkQueueStatus | undefined): Record<string, null> {
  return Object.fromEntries(Object.keys(status ?? {}).map((k) => [k, null]));
}

function appStatus(app: QueuedApp): QueuedAppStatus {
  const [namespace = "", name = ""] = app.key.split("/");
  return {
    namespace,
    name,
    cpu: cpuText(app.demand.cpu),
    memory: memoryQuantity(app.demand.memoryMiB),
    ...(app.since ? { since: app.since } : {}),
  };
}

/** Cores as a Kubernetes quantity ("2", "1500m"). */
export function cpuText(cores: number): string {
  const milli = Math.round(cores * 1000);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

function memoryQuantity(mib: number): string {
  const rounded = Math.ceil(mib);
  return rounded % 1024 === 0 ? `${rounded / 1024}Gi` : `${rounded}Mi`;
}
