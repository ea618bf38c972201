import type { KubernetesObject } from "@kubernetes/client-node";
import type { InformerHandlers, SharedInformer } from "./informer.js";
import { objectKey } from "./resource.js";
import type { WorkQueue } from "./workqueue.js";

/**
 * Handlers that put keys on a queue for every add, update (resyncs included) and delete. By default the key is
 * the object's own "namespace/name"; `toKeys` maps an object to other keys, e.g. a driver pod to its
 * SparkApplication through the app-name label (return [] to ignore the object).
 */
export function enqueueHandlers<T extends KubernetesObject>(
  queue: WorkQueue<string>,
  toKeys: (obj: T) => string[] = (obj) => [objectKey(obj)],
): InformerHandlers<T> {
  const enqueue = (obj: T) => {
    for (const key of toKeys(obj)) queue.add(key);
  };
  return { onAdd: enqueue, onUpdate: (_old, obj) => enqueue(obj), onDelete: enqueue };
}

/** Resolves true once every informer has synced, false if `timeoutMs` passes first (client-go's WaitForCacheSync). */
export async function waitForCacheSync(
  informers: SharedInformer<KubernetesObject>[],
  timeoutMs: number,
): Promise<boolean> {
  const synced = await Promise.all(informers.map((i) => i.waitForSync(timeoutMs)));
  return synced.every(Boolean);
}
