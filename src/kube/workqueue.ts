import { defaultControllerRateLimiter, type RateLimiter, type RateLimitOptions } from "./rate-limit.js";

/**
 * Observations of a queue, for prom-client or anything else (client-go's workqueue metrics). Every hook is
 * optional and is called synchronously; hooks must not throw.
 */
export interface WorkQueueMetrics {
  /** The number of keys waiting to be handed out, after every change. */
  depth?(depth: number): void;
  /** A key was added (de-duplicated adds are not counted). */
  add?(): void;
  /** Seconds a key waited between being added and being handed out by `get`. */
  queueLatency?(seconds: number): void;
  /** Seconds between `get` and `done` of a key. */
  workDuration?(seconds: number): void;
  /** `addRateLimited` was called. */
  retry?(): void;
}

export interface WorkQueueOptions<K> {
  /** Used by callers to label metrics and logs. */
  name?: string;
  /** Delays of `addRateLimited`; by default per-item 5 ms .. 1000 s backoff and an overall 10 qps / 100 burst. */
  rateLimiter?: RateLimiter<K>;
  /** Figures for the default rate limiter (ignored when `rateLimiter` is given). */
  rateLimit?: RateLimitOptions;
  metrics?: WorkQueueMetrics;
}

/**
 * A de-duplicating, delaying, rate-limited work queue with client-go's semantics:
 * - a key is queued at most once however often it is added before a worker takes it;
 * - a key is handed to one worker at a time: a key added while being processed is held back and
 *   re-queued when the worker calls `done`;
 * - `addAfter` and `addRateLimited` add the key later (a key waiting for several delays is added at the earliest);
 * - after `shutDown`, `get` resolves undefined and adds are ignored.
 * Keys are compared with `===`/SameValueZero, so use strings such as "namespace/name".
 */
export class WorkQueue<K = string> {
  readonly name: string;
  private readonly queue: K[] = [];
  /** Keys that need processing: queued, or added again while processing. */
  private readonly dirty = new Set<K>();
  private readonly processing = new Map<K, number>();
  private readonly addedAt = new Map<K, number>();
  private readonly waiting = new Map<K, { readyAt: number; timer: NodeJS.Timeout }>();
  private readonly getters: ((key: K | undefined) => void)[] = [];
  private readonly drainWaiters: (() => void)[] = [];
  private readonly rateLimiter: RateLimiter<K>;
  private readonly metrics: WorkQueueMetrics;
  private shuttingDown = false;

  constructor(opts: WorkQueueOptions<K> = {}) {
    this.name = opts.name ?? "";
    this.rateLimiter = opts.rateLimiter ?? defaultControllerRateLimiter<K>(opts.rateLimit);
    this.metrics = opts.metrics ?? {};
  }

  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.metrics.add?.();
    this.dirty.add(key);
    this.addedAt.set(key, performance.now());
    if (this.processing.has(key)) return;
    this.enqueue(key);
  }

  /** Adds the key once `ms` have passed (at once when `ms <= 0`). */
  addAfter(key: K, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const readyAt = performance.now() + ms;
    const pending = this.waiting.get(key);
    if (pending) {
      if (pending.readyAt <= readyAt) return;
      clearTimeout(pending.timer);
    }
    const timer = setTimeout(() => {
      this.waiting.delete(key);
      this.add(key);
    }, ms);
    this.waiting.set(key, { readyAt, timer });
  }

  /** Adds the key after the rate limiter's delay: per-key exponential backoff, overall token bucket. */
  addRateLimited(key: K): void {
    if (this.shuttingDown) return;
    this.metrics.retry?.();
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** Ends the key's backoff history (call when it was processed successfully). Does not dequeue it. */
  forget(key: K): void {
    this.rateLimiter.forget(key);
  }

  numRequeues(key: K): number {
    return this.rateLimiter.numRequeues(key);
  }

  /** The next key to process, waiting for one if need be; undefined once the queue is shut down. */
  get(): Promise<K | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    if (this.queue.length > 0) return Promise.resolve(this.handOut(this.queue.shift() as K));
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** Marks the key processed; if it was added meanwhile it is queued again. */
  done(key: K): void {
    const started = this.processing.get(key);
    if (started === undefined) return;
    this.processing.delete(key);
    this.metrics.workDuration?.((performance.now() - started) / 1000);
    if (this.dirty.has(key) && !this.shuttingDown) this.enqueue(key);
    if (this.processing.size === 0) for (const resolve of this.drainWaiters.splice(0)) resolve();
  }

  /** Keys waiting to be handed out (not those being processed or waiting for a delay). */
  len(): number {
    return this.queue.length;
  }

  /** Keys handed out and not yet done. */
  processingCount(): number {
    return this.processing.size;
  }

  /** Seconds each key handed out and not yet done has been processed so far (client-go's unfinished work). */
  processingSeconds(): number[] {
    const now = performance.now();
    return [...this.processing.values()].map((started) => (now - started) / 1000);
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Stops handing out keys: pending and future `get` calls resolve undefined; delayed adds are dropped. */
  shutDown(): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    for (const { timer } of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
    for (const resolve of this.getters.splice(0)) resolve(undefined);
  }

  /** `shutDown`, then waits until every key handed out has been marked done. */
  async shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.processing.size === 0) return;
    await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
  }

  private enqueue(key: K): void {
    const getter = this.getters.shift();
    if (getter) {
      getter(this.handOut(key));
      return;
    }
    this.queue.push(key);
    this.metrics.depth?.(this.queue.length);
  }

  private handOut(key: K): K {
    const now = performance.now();
    this.dirty.delete(key);
    this.processing.set(key, now);
    const added = this.addedAt.get(key);
    this.addedAt.delete(key);
    if (added !== undefined) this.metrics.queueLatency?.((now - added) / 1000);
    this.metrics.depth?.(this.queue.length);
    return key;
  }
}

/** What a reconcile asks for: nothing (done), an immediate rate-limited retry, or a retry after a delay. */
export interface ReconcileResult {
  /** Process the key again after this many milliseconds (resets its backoff). */
  requeueAfterMs?: number;
  /** Process the key again, with rate-limited backoff, without it being an error. */
  requeue?: boolean;
}

/** How a reconcile ended, in controller-runtime's words (its controller_runtime_reconcile_total `result`). */
export type ReconcileOutcome = "success" | "error" | "requeue" | "requeue_after";

export interface RunWorkersOptions<K> {
  /** Called when a reconcile throws; the key is retried with `addRateLimited`. */
  onError?: (key: K, err: unknown, retries: number) => void;
  /** Called after every reconcile with its duration and outcome. */
  onReconciled?: (seconds: number, outcome: ReconcileOutcome) => void;
}

/**
 * Runs `n` workers taking keys from the queue until it shuts down (the promise resolves when all have
 * stopped). Like controller-runtime: a throw retries the key with backoff; success forgets its backoff and
 * honours `requeueAfterMs` / `requeue`.
 */
export async function runWorkers<K>(
  queue: WorkQueue<K>,
  n: number,
  // biome-ignore lint/suspicious/noConfusingVoidType: lets a reconcile that returns nothing be `async (key) => {...}`
  reconcile: (key: K) => Promise<ReconcileResult | undefined | void>,
  opts: RunWorkersOptions<K> = {},
): Promise<void> {
  const worker = async () => {
    for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
      const started = performance.now();
      let outcome: ReconcileOutcome = "success";
      try {
        const result = await reconcile(key);
        if (result?.requeueAfterMs !== undefined && result.requeueAfterMs > 0) {
          outcome = "requeue_after";
          queue.forget(key);
          queue.addAfter(key, result.requeueAfterMs);
        } else if (result?.requeue) {
          outcome = "requeue";
          queue.addRateLimited(key);
        } else {
          queue.forget(key);
        }
      } catch (err) {
        outcome = "error";
        opts.onError?.(key, err, queue.numRequeues(key));
        queue.addRateLimited(key);
      } finally {
        opts.onReconciled?.((performance.now() - started) / 1000, outcome);
        queue.done(key);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, n) }, worker));
}
