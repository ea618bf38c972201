/**
 * Livy batch ids: integers handed out in order per namespace from a ConfigMap, each taken with an update that
 * carries the resourceVersion read, so two consoles (or two requests) never take the same id: the loser of a
 * race gets 409 and reads again.
 */
import { BATCH_ID_CONFIGMAP } from "./constants.js";
import type { KubeCaller } from "./kube.js";

interface ConfigMap {
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  data?: Record<string, string>;
}

export class BatchIdError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The next id of `namespace` (0 first), with the caller's rights on the ConfigMap. */
export async function allocateBatchId(caller: KubeCaller, namespace: string): Promise<number> {
  const base = `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps`;
  for (let attempt = 0; attempt < 50; attempt++) {
    const got = await caller.call<ConfigMap>("GET", `${base}/${BATCH_ID_CONFIGMAP}`);
    if (got.status === 404) {
      const made = await caller.call("POST", base, {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: BATCH_ID_CONFIGMAP },
        data: { next: "1" },
      });
      if (made.status === 201 || made.status === 200) return 0;
      if (made.status === 409) continue;
      throw new BatchIdError(made.status, `cannot create ConfigMap ${namespace}/${BATCH_ID_CONFIGMAP}`);
    }
    if (got.status !== 200)
      throw new BatchIdError(got.status, `cannot read ConfigMap ${namespace}/${BATCH_ID_CONFIGMAP}`);
    const text = got.body.data?.next ?? "0";
    const id = /^\d{1,15}$/.test(text) ? Number(text) : 0;
    const put = await caller.call("PUT", `${base}/${BATCH_ID_CONFIGMAP}`, {
      ...got.body,
      data: { ...got.body.data, next: String(id + 1) },
    });
    if (put.status === 200) return id;
    if (put.status !== 409)
      throw new BatchIdError(put.status, `cannot update ConfigMap ${namespace}/${BATCH_ID_CONFIGMAP}`);
    await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
  }
  throw new BatchIdError(503, "too many concurrent batch submissions; try again");
}
