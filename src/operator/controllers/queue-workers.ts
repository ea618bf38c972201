import { type ReconcileResult, runWorkers, WorkQueue } from "../../kube/workqueue.js";
import type { ControllerContext, StartedController } from "./controller.js";

/** A controller's work queue: de-duplicating, rate-limited, with the operator's workqueue metrics under `name`. */
export function controllerQueue(ctx: ControllerContext, name: string): WorkQueue<string> {
  const qps = ctx.options.queueQps;
  return new WorkQueue<string>({
    name,
    rateLimit: qps ? { qps, burst: qps * 10 } : undefined,
    metrics: ctx.metrics.controllers.queueHooks(name),
  });
}

/**
 * The StartedController of a queue-driven controller: `startWorkers` runs `ctx.options.workers` workers that
 * reconcile the queue's keys (each reconcile counted and timed in controller-runtime's reconcile metrics and
 * sparkplane_reconcile_duration_seconds; a throw is logged and the key retried with backoff); `stop` shuts the
 * queue down and waits for them.
 */
export function queueWorkers(
  ctx: ControllerContext,
  name: string,
  queue: WorkQueue<string>,
  // biome-ignore lint/suspicious/noConfusingVoidType: lets a reconcile that returns nothing be `async (key) => {...}`
  reconcile: (key: string) => Promise<ReconcileResult | undefined | void>,
): StartedController {
  let workers: Promise<void> | undefined;
  return {
    startWorkers() {
      if (workers || queue.isShuttingDown()) return;
      workers = runWorkers(queue, ctx.options.workers, reconcile, {
        onReconciled: ctx.metrics.controllers.watch(name, queue, ctx.options.workers),
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
