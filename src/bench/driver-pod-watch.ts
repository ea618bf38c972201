import { OperatorLabel } from "../api/v1beta2/constants.js";
import type { KubeHttp, WatchHandle } from "./kube-http.js";

export interface DriverPodWatch {
  /** App name -> when its first driver pod's ADDED event (or, `ungated`, the event without gates) arrived (performance.now()). */
  readonly seenAt: Map<string, number>;
  /** With `ungated`: app name -> when its driver pod was first seen still gated (performance.now()). */
  readonly gatedAt: Map<string, number>;
  /** Resolves once driver pods of `expected` apps were seen. */
  readonly allSeen: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Driver pods of a namespace, matched to their apps by the app-name label: a list for a resourceVersion, then
 * a watch from it, re-watched from the last version seen whenever the server ends it.
 */
export async function watchDriverPods(
  admin: KubeHttp,
  namespace: string,
  expected: number,
  log: (line: string) => void,
  /** Count a driver pod when none of its scheduling gates is left (ADDED or MODIFIED), not when it appears. */
  ungated = false,
): Promise<DriverPodWatch> {
  const selector = encodeURIComponent("spark-role=driver");
  const podsPath = `/api/v1/namespaces/${namespace}/pods`;
  const list = await admin.json<{ metadata: { resourceVersion: string } }>(
    "GET",
    `${podsPath}?labelSelector=${selector}&limit=1`,
  );
  const seenAt = new Map<string, number>();
  const gatedAt = new Map<string, number>();
  let resolveAll: () => void = () => {};
  const allSeen = new Promise<void>((resolve) => {
    resolveAll = resolve;
  });
  let lastRv = list.metadata.resourceVersion;
  const onEvent = (type: string, obj: unknown, at: number) => {
    const o = obj as {
      metadata?: { labels?: Record<string, string>; resourceVersion?: string };
      spec?: { schedulingGates?: unknown[] };
    };
    if (o.metadata?.resourceVersion) lastRv = o.metadata.resourceVersion;
    const app = o.metadata?.labels?.[OperatorLabel.AppName];
    const gated = (o.spec?.schedulingGates?.length ?? 0) > 0;
    if (ungated && gated && app && type !== "DELETED" && !gatedAt.has(app)) gatedAt.set(app, at);
    if (ungated ? type === "DELETED" || gated : type !== "ADDED") return;
    if (app && !seenAt.has(app)) {
      seenAt.set(app, at);
      if (seenAt.size >= expected) resolveAll();
    }
  };
  let watching = true;
  let current: WatchHandle | undefined;
  const loop = (async () => {
    while (watching) {
      current = admin.watch(
        `${podsPath}?watch=1&labelSelector=${selector}&resourceVersion=${lastRv}&timeoutSeconds=3600`,
        onEvent,
      );
      await current.done.catch((err: Error) => log(`pod watch ended: ${err.message}; rewatching`));
    }
  })();
  return {
    seenAt,
    gatedAt,
    allSeen,
    async stop() {
      watching = false;
      current?.stop();
      await loop;
    },
  };
}
