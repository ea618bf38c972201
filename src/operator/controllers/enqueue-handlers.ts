/** Informer handlers that turn objects into work-queue keys: the one way every controller enqueues. */
import type { KubernetesObject } from "@kubernetes/client-node";
import type { InformerHandlers } from "../../kube/informer.js";
import { objectKey } from "../../kube/resource.js";

export interface EnqueueOptions {
  /** The key an object stands for (default its own "namespace/name"); undefined: not this controller's. */
  keyOf?: (o: KubernetesObject) => string | undefined;
  /** On delete: enqueue the key too (default), ignore it, or hand it to a function (e.g. to forget it). */
  onDelete?: "enqueue" | "ignore" | ((key: string, o: KubernetesObject) => void);
}

/** Handlers adding `keyOf(object)` to the queue on add and update (and on delete as `onDelete` says). */
export function enqueueHandlers(
  queue: { add(key: string): void },
  opts: EnqueueOptions = {},
): InformerHandlers<KubernetesObject> {
  const keyOf = opts.keyOf ?? objectKey;
  const enqueue = (o: KubernetesObject) => {
    const key = keyOf(o);
    if (key !== undefined) queue.add(key);
  };
  const onDelete = opts.onDelete ?? "enqueue";
  return {
    onAdd: enqueue,
    onUpdate: (_old, o) => enqueue(o),
    ...(onDelete === "ignore"
      ? {}
      : {
          onDelete:
            onDelete === "enqueue"
              ? enqueue
              : (o: KubernetesObject) => {
                  const key = keyOf(o);
                  if (key !== undefined) onDelete(key, o);
                },
        }),
  };
}
