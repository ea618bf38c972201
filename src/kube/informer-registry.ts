import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { createInformer, type SharedInformer, stripBookkeeping } from "./informer.js";
import type { KubeLog } from "./log.js";
import type { ResourceType } from "./resource.js";
import type { IndexFunc } from "./store.js";

/**
 * One shared cache: what it lists and watches and what it keeps of each object. Declare each spec once, as a
 * constant: everyone asking for the same spec object gets the same informer (one list+watch, one cache).
 */
export interface InformerSpec {
  /** Names the cache in errors and logs; unique among the specs of one registry. */
  readonly key: string;
  readonly resource: ResourceType;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Lists and watches every namespace even when the registry watches only some (e.g. pods bound to nodes). */
  readonly allNamespaces?: boolean;
  /** Applied to every object before it is cached (default `stripBookkeeping`). */
  readonly transform?: (raw: KubernetesObject) => KubernetesObject;
}

export interface InformerRegistryOptions {
  /** Watched namespaces; empty or absent = all. */
  namespaces?: string[];
  resyncPeriodMs?: number;
  log?: KubeLog;
}

interface Entry {
  spec: InformerSpec;
  informer: SharedInformer<KubernetesObject>;
}

/**
 * The shared informers of one process (client-go's SharedInformerFactory): informers are requested while
 * controllers register, then started once and synced together; a controller never starts or stops one.
 */
export class InformerRegistry {
  private readonly entries = new Map<string, Entry>();
  private started = false;

  constructor(
    private readonly kc: KubeConfig,
    private readonly opts: InformerRegistryOptions = {},
  ) {}

  /**
   * The informer of `spec`, created at the first request; `indexers` are added to it (an index name stands
   * for one function: share the function, e.g. as an exported constant, when two controllers need one index).
   * New informers can be requested only before `start()`.
   */
  informer<T extends KubernetesObject>(
    spec: InformerSpec,
    indexers: Record<string, IndexFunc<T>> = {},
  ): SharedInformer<T> {
    let entry = this.entries.get(spec.key);
    if (entry && entry.spec !== spec)
      throw new Error(`informer ${spec.key}: requested with two different specs; declare the spec once`);
    if (!entry) {
      if (this.started)
        throw new Error(`informer ${spec.key}: requested after the registry started; request it in start()`);
      entry = {
        spec,
        informer: createInformer<KubernetesObject>(this.kc, {
          resource: spec.resource,
          labelSelector: spec.labelSelector,
          fieldSelector: spec.fieldSelector,
          transform: spec.transform ?? stripBookkeeping,
          namespaces: spec.allNamespaces ? undefined : this.opts.namespaces,
          resyncPeriodMs: this.opts.resyncPeriodMs,
          log: this.opts.log,
        }),
      };
      this.entries.set(spec.key, entry);
    }
    entry.informer.addIndexers(indexers as Record<string, IndexFunc<KubernetesObject>>);
    return entry.informer as unknown as SharedInformer<T>;
  }

  /** The keys of the informers requested so far. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** Starts every informer (once). */
  start(): void {
    this.started = true;
    for (const { informer } of this.entries.values()) informer.start();
  }

  /** Resolves true once every informer has synced, false if `timeoutMs` passes first. */
  async waitForSync(timeoutMs: number): Promise<boolean> {
    const synced = await Promise.all(
      [...this.entries.values()].map((e) => e.informer.waitForSync(timeoutMs)),
    );
    return synced.every(Boolean);
  }

  hasSynced(): boolean {
    return this.started && [...this.entries.values()].every((e) => e.informer.hasSynced());
  }

  /** The informers that have not synced yet (for an error that names them). */
  unsynced(): string[] {
    return [...this.entries.values()].filter((e) => !e.informer.hasSynced()).map((e) => e.spec.key);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.entries.values()].map((e) => e.informer.stop()));
  }
}
