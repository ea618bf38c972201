/** Polling for tests: the one helper every fixture uses. */
export interface PollOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Treat a throwing check as "not yet" (and report its last error on timeout) instead of failing at once. */
  retryErrors?: boolean;
}

/** Polls `check` until it returns a value other than undefined/false; fails with the last value or error after the timeout. */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  opts: PollOptions = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  let last: unknown;
  let lastError: unknown;
  for (;;) {
    try {
      last = await check();
      if (last !== undefined && last !== false) return last as T;
    } catch (err) {
      if (!opts.retryErrors) throw err;
      lastError = err;
    }
    if (Date.now() > deadline) {
      const detail = lastError
        ? `: ${(lastError as Error).message}`
        : last !== undefined
          ? `; last: ${JSON.stringify(last)}`
          : "";
      throw new Error(`timed out waiting for ${what}${detail}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}
