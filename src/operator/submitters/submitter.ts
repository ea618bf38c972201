import type { SparkApplication } from "../../api/v1beta2/sparkapplication.js";
import type { SubmitAction, SubmitResult } from "../controllers/sparkapplication/decide/index.js";

/**
 * Creates one run's driver. Returns `{ok: false}` for errors the user must fix (the API server refused the
 * objects: 4xx); throws for transient ones (network, 5xx, 429) so the work queue retries with backoff.
 */
export interface Submitter {
  readonly name: "native" | "spark-submit";
  submit(app: SparkApplication, action: SubmitAction): Promise<SubmitResult>;
}

/** The API server refused the request for a reason retrying won't fix. */
export function isPermanentApiError(err: unknown): boolean {
  const code = (err as { code?: number }).code;
  return typeof code === "number" && code >= 400 && code < 500 && code !== 409 && code !== 429;
}

export function apiErrorMessage(err: unknown): string {
  const e = err as { body?: unknown; message?: string };
  if (typeof e.body === "string") {
    try {
      const status = JSON.parse(e.body) as { message?: string };
      if (status.message) return status.message;
    } catch {}
    return e.body;
  }
  if (e.body && typeof e.body === "object" && "message" in e.body)
    return String((e.body as { message: unknown }).message);
  return e.message ?? String(err);
}
