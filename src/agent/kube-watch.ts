import { type KubeConfig, type KubernetesObject, Watch } from "@kubernetes/client-node";
import type { Logger } from "pino";

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

export interface ReflectorOptions<T extends KubernetesObject> {
  kc: KubeConfig;
  /** For logs: "pods on node-0". */
  name: string;
  /** The watch path, e.g. /api/v1/pods. */
  path: string;
  /** Selectors for both list and watch (fieldSelector, labelSelector). */
  query?: Record<string, string>;
  list: () => Promise<{ items: T[]; metadata?: { resourceVersion?: string } }>;
  onEvent: (type: WatchEventType, obj: T) => void;
  log: Logger;
}

const key = (o: KubernetesObject) => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * List, then watch from the list's resourceVersion; a watch that ends is resumed, a 410 Gone or any error
 * leads to a relist (with backoff) that reports what changed meanwhile, deletions included. The client's
 * own informer stops on errors; this one keeps going until stop().
 */
export class Reflector<T extends KubernetesObject> {
  readonly cache = new Map<string, T>();
  readonly synced: Promise<void>;
  private markSynced!: () => void;
  private resourceVersion?: string;
  private stopped = false;
  private abort?: AbortController;
  private wake?: () => void;

  constructor(private readonly opts: ReflectorOptions<T>) {
    this.synced = new Promise((r) => {
      this.markSynced = r;
    });
  }

  start(): void {
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
    this.wake?.();
  }

  private async loop(): Promise<void> {
    let backoff = 500;
    while (!this.stopped) {
      try {
        if (!this.resourceVersion) await this.relist();
        await this.watchOnce();
        backoff = 500;
      } catch (err) {
        if (this.stopped) return;
        this.opts.log.warn({ err: (err as Error).message, what: this.opts.name }, "watch failed; relisting");
        this.resourceVersion = undefined;
        await Promise.race([sleep(backoff), new Promise<void>((r) => (this.wake = r))]);
        backoff = Math.min(backoff * 2, 10_000);
      }
    }
  }

  private async relist(): Promise<void> {
    const list = await this.opts.list();
    if (this.stopped) return;
    const seen = new Set<string>();
    for (const item of list.items) {
      const k = key(item);
      seen.add(k);
      const old = this.cache.get(k);
      this.cache.set(k, item);
      if (!old) this.opts.onEvent("ADDED", item);
      else if (old.metadata?.resourceVersion !== item.metadata?.resourceVersion)
        this.opts.onEvent("MODIFIED", item);
    }
    for (const [k, old] of [...this.cache.entries()]) {
      if (!seen.has(k)) {
        this.cache.delete(k);
        this.opts.onEvent("DELETED", old);
      }
    }
    this.resourceVersion = list.metadata?.resourceVersion;
    this.markSynced();
  }

  /** Resolves when the watch ends normally; rejects on errors (the caller relists). */
  private watchOnce(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (err?: unknown) => {
        if (settled) return;
        settled = true;
        if (err)
          reject(
            err instanceof Error ? err : new Error(String((err as { message?: string })?.message ?? err)),
          );
        else resolve();
      };
      const query = {
        ...this.opts.query,
        resourceVersion: this.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: 300,
      };
      new Watch(this.opts.kc)
        .watch(
          this.opts.path,
          query,
          (type: string, obj: T & { code?: number; message?: string }) => {
            if (type === "ERROR") {
              this.resourceVersion = undefined;
              finish(new Error(`watch error ${obj.code ?? ""}: ${obj.message ?? ""}`));
              return;
            }
            const rv = obj.metadata?.resourceVersion;
            if (rv) this.resourceVersion = rv;
            if (type === "BOOKMARK") return;
            const k = key(obj);
            if (type === "DELETED") this.cache.delete(k);
            else this.cache.set(k, obj);
            this.opts.onEvent(type as WatchEventType, obj);
          },
          (err: unknown) => finish(err ?? undefined),
        )
        .then((abort) => {
          this.abort = abort;
          if (this.stopped) abort.abort();
        })
        .catch((err: unknown) => finish(err));
    });
  }
}
