/**
 * A mutex over one namespace's placements shared by every operator process: a Lease that exists while its
 * holder decides and writes. Two replicas without leader election (or a restarted one) thus never decide
 * from the same counts; a holder that died is broken after LOCK_TTL_MS.
 */
import type { CoordinationV1Api, V1Lease } from "@kubernetes/client-node";
import { apiStatusCode } from "../../../kube/retry.js";

export const LOCK_TTL_MS = 15_000;
export const lockName = () => "sparkplane-placement";

const code = (err: unknown) => apiStatusCode(err) ?? (err as { code?: number }).code;

export class LockBusy extends Error {}

export async function withNamespaceLock<T>(
  coord: CoordinationV1Api,
  namespace: string,
  holder: string,
  now: () => number,
  work: () => Promise<T>,
): Promise<T> {
  const name = lockName();
  const body: V1Lease = {
    metadata: { name, namespace },
    spec: {
      holderIdentity: holder,
      acquireTime: microTime(now()),
      leaseDurationSeconds: LOCK_TTL_MS / 1000,
    },
  };
  try {
    await coord.createNamespacedLease({ namespace, body });
  } catch (err) {
    if (code(err) !== 409) throw err;
    const current = await coord.readNamespacedLease({ name, namespace });
    const since = new Date(current.spec?.acquireTime ?? 0).getTime();
    if (now() - since > LOCK_TTL_MS) {
      // Its holder died mid-way: break the lock, exactly once (the delete carries its resourceVersion).
      await coord
        .deleteNamespacedLease({
          name,
          namespace,
          body: { preconditions: { resourceVersion: current.metadata?.resourceVersion } },
        })
        .catch(() => undefined);
    }
    throw new LockBusy(`placement lock of ${namespace} held by ${current.spec?.holderIdentity}`);
  }
  try {
    return await work();
  } finally {
    await coord.deleteNamespacedLease({ name, namespace }).catch(() => undefined);
  }
}

/** A Lease's MicroTime wants six fractional digits (the serializer passes strings through). */
function microTime(ms: number): Date {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z") as unknown as Date;
}
