/**
 * Restart-policy maths of a SparkApplication: whether a finished or failed run is retried, and when.
 *
 * Retry budgets follow the kubeflow operator: a failed run is retried while
 * `executionAttempts <= onFailureRetries`, a failed submission while
 * `submissionAttempts <= onSubmissionFailureRetries` (both counters include the attempt that just failed).
 * The wait before a retry is linear: `interval x attempts`, measured from `lastSubmissionAttemptTime`.
 *
 * Legacy fields: kubeflow v2 ignores `spec.failureRetries` / `spec.retryInterval`. sparkplane honours them
 * as fallbacks so old manifests keep the behaviour their authors meant:
 * - without a `restartPolicy.type`, a positive `failureRetries` means OnFailure;
 * - `failureRetries` stands in for an absent `onFailureRetries` / `onSubmissionFailureRetries`;
 * - `retryInterval` stands in for an absent `onFailureRetryInterval` / `onSubmissionFailureRetryInterval`.
 * An explicit `type: Never` always wins.
 */
import { RestartPolicyType } from "../../../../api/v1beta2/constants.js";
import type { SparkApplicationSpec } from "../../../../api/v1beta2/sparkapplication.js";

export const DEFAULT_RETRY_INTERVAL_SECONDS = 5;

export type RestartPolicyInput = Pick<
  SparkApplicationSpec,
  "restartPolicy" | "failureRetries" | "retryInterval"
>;

export interface EffectiveRestartPolicy {
  type: RestartPolicyType;
  /** Undefined: failed runs are not retried under OnFailure. */
  onFailureRetries: number | undefined;
  /** Undefined: failed submissions are not retried under OnFailure. */
  onSubmissionFailureRetries: number | undefined;
  onFailureRetryIntervalSeconds: number;
  onSubmissionFailureRetryIntervalSeconds: number;
}

export function effectiveRestartPolicy(spec: RestartPolicyInput): EffectiveRestartPolicy {
  const policy = spec.restartPolicy ?? {};
  const legacyRetries = nonNegative(spec.failureRetries);
  const legacyInterval = positive(spec.retryInterval);
  const legacyType =
    legacyRetries !== undefined && legacyRetries > 0 ? RestartPolicyType.OnFailure : undefined;
  const type = policy.type ?? legacyType ?? RestartPolicyType.Never;
  return {
    type,
    onFailureRetries: nonNegative(policy.onFailureRetries) ?? legacyRetries,
    onSubmissionFailureRetries: nonNegative(policy.onSubmissionFailureRetries) ?? legacyRetries,
    onFailureRetryIntervalSeconds:
      positive(policy.onFailureRetryInterval) ?? legacyInterval ?? DEFAULT_RETRY_INTERVAL_SECONDS,
    onSubmissionFailureRetryIntervalSeconds:
      positive(policy.onSubmissionFailureRetryInterval) ?? legacyInterval ?? DEFAULT_RETRY_INTERVAL_SECONDS,
  };
}

/** A run whose driver exited 0 runs again only under Always. */
export function shouldRerunAfterSuccess(policy: EffectiveRestartPolicy): boolean {
  return policy.type === RestartPolicyType.Always;
}

/** `executionAttempts` counts the run that just failed. */
export function shouldRetryAfterFailure(policy: EffectiveRestartPolicy, executionAttempts: number): boolean {
  return withinBudget(policy, policy.onFailureRetries, executionAttempts);
}

/** `submissionAttempts` counts the submission that just failed. */
export function shouldRetrySubmission(policy: EffectiveRestartPolicy, submissionAttempts: number): boolean {
  return withinBudget(policy, policy.onSubmissionFailureRetries, submissionAttempts);
}

function withinBudget(
  policy: EffectiveRestartPolicy,
  retries: number | undefined,
  attempts: number,
): boolean {
  if (policy.type === RestartPolicyType.Always) return true;
  if (policy.type !== RestartPolicyType.OnFailure || retries === undefined) return false;
  return attempts <= retries;
}

/**
 * Milliseconds left before the next attempt is due (0 when due now): `interval x attempts` after the last
 * submission attempt. Without a usable last-attempt time the retry is due at once; kubeflow errors out there
 * and leaves the application stuck.
 */
export function retryDelayMs(
  intervalSeconds: number,
  attempts: number,
  lastAttemptAtMs: number | undefined,
  nowMs: number,
): number {
  if (lastAttemptAtMs === undefined || !Number.isFinite(lastAttemptAtMs)) return 0;
  const backoffMs = intervalSeconds * 1000 * Math.max(1, attempts);
  // A last attempt "in the future" (clocks of operator replicas differ) never delays beyond one backoff.
  return Math.min(backoffMs, Math.max(0, lastAttemptAtMs + backoffMs - nowMs));
}

function nonNegative(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
}

function positive(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
}
