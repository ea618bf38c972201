import { type ReconcileResult, runWorkers, WorkQueue } from "../../kube/workqueue.js";
import type { ControllerContext, StartedController } from "./controller.js";

/** A controller's work queue: de-duplicating, rate-limited, with the operator's workqueue metrics under `name`. */
export function controllerQueue(ctx: ControllerContext, name: string): WorkQueue<string> {
  const m = ctx.metrics;
  const qps = ctx.options.queueQps;
  return new WorkQueue<string>({
    name,
    rateLimit: qps ? { qps, burst: qps * 10 } : undefined,
    metrics: {
      depth: (d) => m.queueDepth.set({ name }, d),
      add: () => m.queueAdds.inc({ name }),
      retry: () => m.queueRetries.inc({ name }),
      queueLatency: (s) => m.queueLatency.observe({ name }, s),
      workDuration: (s) => m.queueWork.observe({ name }, s),
    },
  });
}

/**
 * The StartedController of a queue-driven controller: `startWorkers` runs `ctx.options.workers` workers that
 * reconcile the queue's keys (each reconcile timed in sparkplane_reconcile_duration_seconds; a throw is
 * logged and the key retried with backoff); `stop` shuts the queue down and waits for them.
 */
export function queueWorkers(
  ctx: ControllerContext,
  name: string,
  queue: WorkQueue<string>,
  // biome-ignore lint/suspicious/noConfusingVoidType: lets a reconcile that returns nothing be `async (key) => {...}`
  reconcile: (key: string) => Promise<ReconcileResult | undefined | void>,
): StartedController {
  let workers: Promise<void> | undefined;
  const timed = async (key: string) => {
    const started = performance.now();
    let result: "ok" | "error" = "error";
    try {
      const r = await reconcile(key);
      result = "ok";
      return r;
    } finally {
      ctx.metrics.reconcileDuration.observe(
        { controller: name, result },
        (performance.now() - started) / 1000,
      );
    }
  };
  return {
    startWorkers() {
      if (workers || queue.isShuttingDown()) return;
      workers = runWorkers(queue, ctx.options.workers, timed, {
        onError: (key, err, retries) =>
          ctx.log.warn(
            { key, retries, err: (err as Error).message ?? String(err) },
            "reconcile failed; retrying with backoff",
          ),
      });
    },
    enqueue: (key) => queue.add(key),
    ready: () => true,
    async stop() {
      queue.shutDown();
      await workers;
    },
  };
}
