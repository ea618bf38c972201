import { ApiException, type CoreV1Api, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import type { Logger } from "pino";

export const mergePatch = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);

/**
 * Sends a pod's status as a merge patch, coalescing bursts: at most one request in flight, and the status is
 * computed when it is sent, so the latest state always wins. Retries until it succeeds or the pod is gone.
 */
export class StatusReporter {
  private dirty = false;
  private inFlight?: Promise<void>;
  private last?: string;
  gone = false;

  constructor(
    private readonly core: CoreV1Api,
    private readonly namespace: string,
    private readonly name: string,
    private readonly build: () => Record<string, unknown>,
    private readonly log: Logger,
  ) {}

  report(): void {
    this.dirty = true;
    this.inFlight ??= this.loop().finally(() => {
      this.inFlight = undefined;
    });
  }

  /** Resolves once what was reported so far is sent (or after timeoutMs). */
  async flush(timeoutMs = 15_000): Promise<void> {
    if (!this.inFlight) return;
    await Promise.race([this.inFlight, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  private async loop(): Promise<void> {
    let backoff = 500;
    while (this.dirty && !this.gone) {
      this.dirty = false;
      const status = this.build();
      const text = JSON.stringify(status);
      if (text === this.last) continue;
      try {
        await this.core.patchNamespacedPodStatus(
          { name: this.name, namespace: this.namespace, body: { status } },
          mergePatch,
        );
        this.last = text;
        backoff = 500;
      } catch (err) {
        if (err instanceof ApiException && err.code === 404) {
          this.gone = true;
          return;
        }
        if (err instanceof ApiException && err.code === 422) {
          // The API server will never take this status (e.g. a terminal phase cannot change): drop it.
          this.log.error(
            { pod: `${this.namespace}/${this.name}`, err: describe(err) },
            "pod status rejected",
          );
          this.last = text;
          continue;
        }
        this.log.warn(
          { pod: `${this.namespace}/${this.name}`, err: describe(err) },
          "pod status update failed; retrying",
        );
        this.dirty = true;
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 10_000);
      }
    }
  }
}

export function describe(err: unknown): string {
  if (err instanceof ApiException) {
    const body = typeof err.body === "string" ? err.body : JSON.stringify(err.body);
    return `HTTP ${err.code}: ${body?.slice(0, 300)}`;
  }
  return (err as Error)?.message ?? String(err);
}
