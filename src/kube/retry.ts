import { setTimeout as sleep } from "node:timers/promises";

/**
 * The HTTP status of a failed API call: `ApiException.code` from the typed clients, `statusCode` from a watch.
 * Undefined for network errors (whose `code` is a string such as "ECONNREFUSED").
 */
export function apiStatusCode(err: unknown): number | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const e = err as { code?: unknown; statusCode?: unknown };
  if (typeof e.code === "number") return e.code;
  if (typeof e.statusCode === "number") return e.statusCode;
  return undefined;
}

/** The `reason` of the Status the API server answered with (e.g. "AlreadyExists", "Conflict"), if any. */
export function apiStatusReason(err: unknown): string | undefined {
  const body = (err as { body?: unknown } | null)?.body;
  let status: unknown = body;
  if (typeof body === "string") {
    try {
      status = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  const reason = (status as { reason?: unknown } | null)?.reason;
  return typeof reason === "string" ? reason : undefined;
}

export const isNotFound = (err: unknown): boolean => apiStatusCode(err) === 404;
/** 409 from an update with a stale resourceVersion (or any 409 that is not AlreadyExists). */
export const isConflict = (err: unknown): boolean =>
  apiStatusCode(err) === 409 && apiStatusReason(err) !== "AlreadyExists";
export const isAlreadyExists = (err: unknown): boolean =>
  apiStatusCode(err) === 409 && apiStatusReason(err) === "AlreadyExists";

export interface RetryOnConflictOptions {
  /** Tries in all (default 5, like client-go's DefaultRetry). */
  attempts?: number;
  /** Base delay between tries (default 10 ms), plus up to 100% jitter. */
  delayMs?: number;
}

/**
 * Runs `fn` again while it fails with a 409 Conflict, up to `attempts` times, with a jittered pause between
 * tries. `fn` must re-read the object each time (read-modify-write), otherwise it conflicts forever.
 * Any other error, or the last conflict, is thrown.
 */
export async function retryOnConflict<T>(
  fn: (attempt: number) => Promise<T>,
  opts: RetryOnConflictOptions = {},
): Promise<T> {
  const attempts = Math.max(1, opts.attempts ?? 5);
  const delayMs = opts.delayMs ?? 10;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= attempts || !isConflict(err)) throw err;
      await sleep(delayMs * (1 + Math.random()));
    }
  }
}

/**
 * Creates an object, or, if one of that name already exists (409 AlreadyExists), reads and returns the
 * existing one: the idempotent create of deterministic names. `created` says which happened.
 */
export async function createIfAbsent<T>(
  create: () => Promise<T>,
  readExisting: () => Promise<T>,
): Promise<{ object: T; created: boolean }> {
  try {
    return { object: await create(), created: true };
  } catch (err) {
    if (apiStatusCode(err) !== 409) throw err;
    return { object: await readExisting(), created: false };
  }
}

/** The result, or undefined if the call failed with 404 Not Found (other errors are thrown). */
export async function ignoreNotFound<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
