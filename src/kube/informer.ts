import { setTimeout as sleep } from "node:timers/promises";
import { type KubeConfig, type KubernetesObject, Watch } from "@kubernetes/client-node";
import { type KubeLog, stderrLog } from "./log.js";
import { collectionPath, fromWire, type ListPage, RawGetter, type ResourceType } from "./resource.js";
import { apiStatusCode } from "./retry.js";
import { IndexedStore, type IndexFunc } from "./store.js";

/**
 * Called synchronously from the informer; keep them quick (enqueue a key). A throw is logged and ignored.
 * `onUpdate` is also called with the same object twice on every periodic resync.
 */
export interface InformerHandlers<T> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  /** The last state known; after a relist that found the object gone, that state may be stale. */
  onDelete?(obj: T): void;
}

export interface InformerOptions<T> {
  resource: ResourceType;
  /** One namespace; undefined for all namespaces (or for a cluster-scoped kind). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Secondary indexes for `byIndex`, e.g. `{ app: labelIndex("sparkoperator.k8s.io/app-name") }`. */
  indexers?: Record<string, IndexFunc<T>>;
  /** Re-delivers every cached object to `onUpdate` this often (default 5 min; 0 turns it off). */
  resyncPeriodMs?: number;
  /** Server-side lifetime of each watch request (default random 300..600 s, like client-go). */
  watchTimeoutSeconds?: number;
  /** Restart delay after a failed list or watch: doubles from initialMs to maxMs (default 800 ms .. 30 s). */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Objects per list page (default 500). */
  pageSize?: number;
  /**
   * Applied to every object from the server (parsed JSON, before conversion to the resource's model) before
   * it is cached and handed to handlers, like client-go's TransformFunc: e.g. `stripBookkeeping`, or
   * dropping what a controller never reads, to save memory and conversion. May change `raw` in place.
   */
  transform?: (raw: KubernetesObject) => KubernetesObject;
  log?: KubeLog;
}

/** The reading and handler side of an informer, shared by `Informer` and `MultiNamespaceInformer`. */
export interface SharedInformer<T extends KubernetesObject> {
  /** Registers handlers; objects already cached are delivered to the new `onAdd` at once. */
  addHandlers(handlers: InformerHandlers<T>): void;
  start(): void;
  /** Stops watching and resyncing; the cache keeps its last contents. */
  stop(): Promise<void>;
  get(namespace: string | undefined, name: string): T | undefined;
  list(namespace?: string): T[];
  byIndex(indexName: string, value: string, namespace?: string): T[];
  /** Adds secondary indexes for `byIndex` (see `IndexedStore.addIndexers`); best before `start()`. */
  addIndexers(indexers: Record<string, IndexFunc<T>>): void;
  /** True once the first list has been loaded into the cache. */
  hasSynced(): boolean;
  /** Resolves true once synced, false if `timeoutMs` passes first. */
  waitForSync(timeoutMs: number): Promise<boolean>;
}

/** kubectl apply's copy of the whole applied object, kept on the object for its next three-way merge. */
export const LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration";

/**
 * A `transform` that drops the API's bookkeeping copies that no controller reads: `metadata.managedFields`
 * (controller-runtime's TransformStripManagedFields; about half of a cached pod or SparkApplication) and
 * kubectl's last-applied-configuration annotation (a second copy of the spec of every `kubectl apply`d app).
 */
export function stripBookkeeping(raw: KubernetesObject): KubernetesObject {
  const meta = raw.metadata;
  if (meta?.managedFields) delete meta.managedFields;
  if (meta?.annotations?.[LAST_APPLIED_ANNOTATION] !== undefined) {
    const { [LAST_APPLIED_ANNOTATION]: _dropped, ...rest } = meta.annotations;
    meta.annotations = rest;
  }
  return raw;
}

type WatchEnd = "closed" | "expired";

/**
 * A supervised list+watch cache of one resource in one namespace (or all), like client-go's shared informer:
 * lists (paged), then watches from the list's resourceVersion with bookmarks; a watch that ends normally is
 * resumed from the last resourceVersion, 410 Gone relists at once, and any other failure (including a
 * watch silent for longer than its timeout) relists after exponential backoff. Never gives up until stopped.
 */
export class Informer<T extends KubernetesObject> implements SharedInformer<T> {
  private readonly store: IndexedStore<T>;
  private readonly handlers: InformerHandlers<T>[] = [];
  private readonly getter: RawGetter;
  private readonly watcher: Watch;
  private readonly log: KubeLog;
  private readonly path: string;
  private resourceVersion = "";
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  private running = false;
  private stopController = new AbortController();
  private loop: Promise<void> = Promise.resolve();
  private resyncTimer: NodeJS.Timeout | undefined;

  constructor(
    kc: KubeConfig,
    private readonly opts: InformerOptions<T>,
  ) {
    this.store = new IndexedStore<T>(opts.indexers);
    this.getter = new RawGetter(kc);
    this.watcher = new Watch(kc);
    this.log = opts.log ?? stderrLog;
    this.path = collectionPath(opts.resource, opts.namespace);
  }

  addHandlers(handlers: InformerHandlers<T>): void {
    this.handlers.push(handlers);
    for (const obj of this.store.list()) this.deliver([handlers], (h) => h.onAdd?.(obj));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopController = new AbortController();
    this.loop = this.run(this.stopController.signal);
    const period = this.opts.resyncPeriodMs ?? 5 * 60_000;
    if (period > 0) this.resyncTimer = setInterval(() => this.resync(), period);
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.resyncTimer);
    this.stopController.abort();
    await this.loop;
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.store.get(namespace, name);
  }

  list(namespace?: string): T[] {
    return this.store.list(namespace);
  }

  byIndex(indexName: string, value: string, namespace?: string): T[] {
    return this.store.byIndex(indexName, value, namespace);
  }

  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    this.store.addIndexers(indexers);
  }

  hasSynced(): boolean {
    return this.synced;
  }

  waitForSync(timeoutMs: number): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.syncWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** The resourceVersion the cache is at (of the last list, watch event or bookmark). */
  lastResourceVersion(): string {
    return this.resourceVersion;
  }

  private async run(stopped: AbortSignal): Promise<void> {
    const initialMs = this.opts.backoff?.initialMs ?? 800;
    const maxMs = this.opts.backoff?.maxMs ?? 30_000;
    let failures = 0;
    let needList = true;
    while (!stopped.aborted) {
      try {
        if (needList) await this.listIntoStore(stopped);
        needList = false;
        const end = await this.watchOnce(stopped);
        failures = 0;
        if (end === "expired") needList = true;
      } catch (err) {
        if (stopped.aborted) break;
        needList = true;
        const delay = Math.min(maxMs, initialMs * 2 ** failures) * (0.5 + Math.random() / 2);
        failures++;
        this.log.warn(
          { err, path: this.path, retryInMs: Math.round(delay), failures },
          "informer: list/watch failed; relisting after backoff",
        );
        await sleep(delay, undefined, { signal: stopped }).catch(() => {});
      }
    }
  }

  private async listIntoStore(stopped: AbortSignal): Promise<void> {
    const items: T[] = [];
    let resourceVersion = "";
    let continueToken: string | undefined;
    do {
      const page = (await this.getter.get(
        this.path,
        {
          labelSelector: this.opts.labelSelector,
          fieldSelector: this.opts.fieldSelector,
          limit: this.opts.pageSize ?? 500,
          continue: continueToken,
        },
        stopped,
      )) as ListPage;
      for (const raw of page.items ?? []) items.push(this.decode(raw));
      resourceVersion = page.metadata?.resourceVersion ?? "";
      continueToken = page.metadata?.continue || undefined;
    } while (continueToken);
    if (stopped.aborted) return;
    const changes = this.store.replace(items);
    this.resourceVersion = resourceVersion;
    for (const obj of changes.added) this.deliver(this.handlers, (h) => h.onAdd?.(obj));
    for (const [oldObj, newObj] of changes.updated)
      this.deliver(this.handlers, (h) => h.onUpdate?.(oldObj, newObj));
    for (const obj of changes.deleted) this.deliver(this.handlers, (h) => h.onDelete?.(obj));
    if (!this.synced) {
      this.synced = true;
      for (const resolve of this.syncWaiters.splice(0)) resolve();
    }
  }

  /** One watch request, until the server ends it ("closed"), the resourceVersion expires, or it fails (throws). */
  private watchOnce(stopped: AbortSignal): Promise<WatchEnd> {
    const timeoutSeconds = this.opts.watchTimeoutSeconds ?? Math.floor(300 + Math.random() * 300);
    return new Promise<WatchEnd>((resolve, reject) => {
      let settled = false;
      let expired = false;
      let failure: Error | undefined;
      let controller: AbortController | undefined;
      let events = 0;
      const startedAt = Date.now();
      let lastHeard = startedAt;
      const finish = (err: unknown) => {
        if (settled) return;
        settled = true;
        clearInterval(watchdog);
        stopped.removeEventListener("abort", onStop);
        controller?.abort();
        if (stopped.aborted) resolve("closed");
        else if (failure) reject(failure);
        else if (expired || apiStatusCode(err) === 410) resolve("expired");
        else if (err) reject(err);
        else if (events === 0 && Date.now() - startedAt < Math.min(1000, timeoutSeconds * 500)) {
          // A watch the server ends at once would otherwise be retried in a tight loop.
          reject(new Error("watch closed immediately"));
        } else resolve("closed");
      };
      const onStop = () => finish(undefined);
      const silenceLimitMs = (timeoutSeconds + 30) * 1000;
      const watchdog = setInterval(
        () => {
          const silentMs = Date.now() - lastHeard;
          if (silentMs <= silenceLimitMs) return;
          failure ??= new Error(`watch silent for ${silentMs} ms`);
          finish(undefined);
        },
        Math.min(30_000, silenceLimitMs / 4),
      );
      if (stopped.aborted) return finish(undefined);
      stopped.addEventListener("abort", onStop, { once: true });
      const onEvent = (type: string, obj: KubernetesObject & { code?: number; message?: string }) => {
        if (settled) return;
        lastHeard = Date.now();
        events++;
        if (type === "ERROR") {
          if (obj.code === 410) expired = true;
          else failure = Object.assign(new Error(`watch error: ${obj.message}`), { code: obj.code });
          finish(undefined);
          return;
        }
        this.apply(type, obj);
      };
      const query = {
        resourceVersion: this.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds,
        labelSelector: this.opts.labelSelector,
        fieldSelector: this.opts.fieldSelector,
      };
      this.watcher.watch(this.path, query, onEvent, finish).then(
        (c) => {
          controller = c;
          if (settled) c.abort();
        },
        (err) => finish(err ?? new Error("watch failed")),
      );
    });
  }

  private apply(type: string, raw: KubernetesObject): void {
    const resourceVersion = raw.metadata?.resourceVersion;
    if (type === "BOOKMARK") {
      if (resourceVersion) this.resourceVersion = resourceVersion;
      return;
    }
    const obj = this.decode(raw);
    const name = obj.metadata?.name ?? "";
    if (type === "ADDED" || type === "MODIFIED") {
      const old = this.store.upsert(obj);
      if (!old) this.deliver(this.handlers, (h) => h.onAdd?.(obj));
      else this.deliver(this.handlers, (h) => h.onUpdate?.(old, obj));
    } else if (type === "DELETED") {
      const old = this.store.remove(obj.metadata?.namespace, name);
      if (old) this.deliver(this.handlers, (h) => h.onDelete?.(obj));
    }
    if (resourceVersion) this.resourceVersion = resourceVersion;
  }

  /** A server object (parsed JSON, ours to change) as it is cached. */
  private decode(raw: KubernetesObject): T {
    return fromWire<T>(this.opts.resource, this.opts.transform ? this.opts.transform(raw) : raw);
  }

  private resync(): void {
    if (!this.synced) return;
    for (const obj of this.store.list()) this.deliver(this.handlers, (h) => h.onUpdate?.(obj, obj));
  }

  private deliver(handlers: InformerHandlers<T>[], call: (h: InformerHandlers<T>) => void): void {
    for (const h of handlers) {
      try {
        call(h);
      } catch (err) {
        this.log.error({ err, path: this.path }, "informer: event handler threw");
      }
    }
  }
}

/** One informer per namespace behind the `SharedInformer` interface (for `--namespaces a,b`). */
export class MultiNamespaceInformer<T extends KubernetesObject> implements SharedInformer<T> {
  private readonly informers = new Map<string, Informer<T>>();

  constructor(kc: KubeConfig, namespaces: string[], opts: Omit<InformerOptions<T>, "namespace">) {
    for (const namespace of new Set(namespaces))
      this.informers.set(namespace, new Informer<T>(kc, { ...opts, namespace }));
  }

  addHandlers(handlers: InformerHandlers<T>): void {
    for (const i of this.informers.values()) i.addHandlers(handlers);
  }

  start(): void {
    for (const i of this.informers.values()) i.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return namespace === undefined ? undefined : this.informers.get(namespace)?.get(namespace, name);
  }

  list(namespace?: string): T[] {
    if (namespace !== undefined) return this.informers.get(namespace)?.list(namespace) ?? [];
    return [...this.informers.values()].flatMap((i) => i.list());
  }

  byIndex(indexName: string, value: string, namespace?: string): T[] {
    if (namespace !== undefined)
      return this.informers.get(namespace)?.byIndex(indexName, value, namespace) ?? [];
    return [...this.informers.values()].flatMap((i) => i.byIndex(indexName, value));
  }

  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    for (const i of this.informers.values()) i.addIndexers(indexers);
  }

  hasSynced(): boolean {
    return [...this.informers.values()].every((i) => i.hasSynced());
  }

  async waitForSync(timeoutMs: number): Promise<boolean> {
    const results = await Promise.all([...this.informers.values()].map((i) => i.waitForSync(timeoutMs)));
    return results.every(Boolean);
  }
}

/**
 * The informer for a set of namespaces: none (or empty) = all namespaces, one = a namespaced informer,
 * several = one informer per namespace. Not started: add handlers, then `start()`.
 */
export function createInformer<T extends KubernetesObject>(
  kc: KubeConfig,
  opts: Omit<InformerOptions<T>, "namespace"> & { namespaces?: string[] },
): SharedInformer<T> {
  const { namespaces, ...rest } = opts;
  if (!namespaces || namespaces.length === 0) return new Informer<T>(kc, rest);
  if (namespaces.length === 1) return new Informer<T>(kc, { ...rest, namespace: namespaces[0] });
  return new MultiNamespaceInformer<T>(kc, namespaces, rest);
}
