import type { KubernetesObject } from "@kubernetes/client-node";

/** The values an object is indexed under (none to leave it out of the index). */
export type IndexFunc<T> = (obj: T) => string[];

/** Indexes objects by the value of one label, e.g. all pods of an app by "sparkoperator.k8s.io/app-name". */
export function labelIndex<T extends KubernetesObject>(label: string): IndexFunc<T> {
  return (obj) => {
    const value = obj.metadata?.labels?.[label];
    return value === undefined ? [] : [value];
  };
}

/** Indexes objects by the uid of their controller owner (ownerReferences with controller: true). */
export function controllerUidIndex<T extends KubernetesObject>(): IndexFunc<T> {
  return (obj) => (obj.metadata?.ownerReferences ?? []).filter((r) => r.controller).map((r) => r.uid);
}

export interface ReplaceResult<T> {
  added: T[];
  updated: [oldObj: T, newObj: T][];
  deleted: T[];
}

/** Objects by namespace and name, with secondary indexes; the cache behind an informer. */
export class IndexedStore<T extends KubernetesObject> {
  /** namespace ("" when cluster-scoped) -> name -> object */
  private readonly byNamespace = new Map<string, Map<string, T>>();
  /** index name -> indexed value -> "namespace/name" -> object */
  private readonly indexes = new Map<string, Map<string, Map<string, T>>>();

  private readonly indexers: Record<string, IndexFunc<T>> = {};

  constructor(indexers: Record<string, IndexFunc<T>> = {}) {
    this.addIndexers(indexers);
  }

  /**
   * Adds secondary indexes (client-go's AddIndexers), filled from the objects already stored. Adding the same
   * function under a name again is a no-op; another function under a taken name is refused.
   */
  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    for (const [name, indexFunc] of Object.entries(indexers)) {
      const existing = this.indexers[name];
      if (existing === indexFunc) continue;
      if (existing) throw new Error(`index ${name} already exists with another function`);
      this.indexers[name] = indexFunc;
      const index = new Map<string, Map<string, T>>();
      this.indexes.set(name, index);
      for (const obj of this.list()) addToIndex(index, indexFunc, obj);
    }
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.byNamespace.get(namespace ?? "")?.get(name);
  }

  /** Every object, or those of one namespace. */
  list(namespace?: string): T[] {
    if (namespace !== undefined) return [...(this.byNamespace.get(namespace)?.values() ?? [])];
    const all: T[] = [];
    for (const objects of this.byNamespace.values()) all.push(...objects.values());
    return all;
  }

  /** Objects indexed under `value` by the indexer `indexName`, optionally only those of one namespace. */
  byIndex(indexName: string, value: string, namespace?: string): T[] {
    const index = this.indexes.get(indexName);
    if (!index) throw new Error(`no index named ${indexName}`);
    const found = [...(index.get(value)?.values() ?? [])];
    return namespace === undefined ? found : found.filter((o) => (o.metadata?.namespace ?? "") === namespace);
  }

  get size(): number {
    let n = 0;
    for (const objects of this.byNamespace.values()) n += objects.size;
    return n;
  }

  /** Inserts or replaces an object; returns the one it replaced. */
  upsert(obj: T): T | undefined {
    const namespace = obj.metadata?.namespace ?? "";
    const name = obj.metadata?.name ?? "";
    let objects = this.byNamespace.get(namespace);
    if (!objects) {
      objects = new Map();
      this.byNamespace.set(namespace, objects);
    }
    const old = objects.get(name);
    if (old) this.unindex(old);
    objects.set(name, obj);
    this.index(obj);
    return old;
  }

  /** Removes an object by namespace and name; returns it if it was there. */
  remove(namespace: string | undefined, name: string): T | undefined {
    const objects = this.byNamespace.get(namespace ?? "");
    const old = objects?.get(name);
    if (!objects || !old) return undefined;
    objects.delete(name);
    if (objects.size === 0) this.byNamespace.delete(namespace ?? "");
    this.unindex(old);
    return old;
  }

  /**
   * Makes the store hold exactly `objects` (a fresh list) and says what changed. Objects whose
   * resourceVersion did not change count as neither added nor updated.
   */
  replace(objects: T[]): ReplaceResult<T> {
    const result: ReplaceResult<T> = { added: [], updated: [], deleted: [] };
    const seen = new Set<string>();
    for (const obj of objects) {
      seen.add(storeKey(obj));
      const old = this.upsert(obj);
      if (!old) result.added.push(obj);
      else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion)
        result.updated.push([old, obj]);
    }
    for (const obj of this.list()) {
      if (seen.has(storeKey(obj))) continue;
      this.remove(obj.metadata?.namespace, obj.metadata?.name ?? "");
      result.deleted.push(obj);
    }
    return result;
  }

  private index(obj: T): void {
    for (const [name, indexFunc] of Object.entries(this.indexers))
      addToIndex(this.indexes.get(name)!, indexFunc, obj);
  }

  private unindex(obj: T): void {
    const key = storeKey(obj);
    for (const [name, indexFunc] of Object.entries(this.indexers)) {
      const index = this.indexes.get(name)!;
      for (const value of indexFunc(obj)) {
        const entries = index.get(value);
        entries?.delete(key);
        if (entries?.size === 0) index.delete(value);
      }
    }
  }
}

function addToIndex<T extends KubernetesObject>(
  index: Map<string, Map<string, T>>,
  indexFunc: IndexFunc<T>,
  obj: T,
): void {
  const key = storeKey(obj);
  for (const value of indexFunc(obj)) {
    let entries = index.get(value);
    if (!entries) {
      entries = new Map();
      index.set(value, entries);
    }
    entries.set(key, obj);
  }
}

function storeKey(obj: KubernetesObject): string {
  return `${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? ""}`;
}
