import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DEFAULT_RETRY_INTERVAL_SECONDS,
  effectiveRestartPolicy,
  retryDelayMs,
  shouldRerunAfterSuccess,
  shouldRetryAfterFailure,
  shouldRetrySubmission,
} from "./restart-policy.js";

describe("effectiveRestartPolicy", () => {
  it("defaults to Never with 5 s intervals", () => {
    assert.deepEqual(effectiveRestartPolicy({}), {
      type: "Never",
      onFailureRetries: undefined,
      onSubmissionFailureRetries: undefined,
      onFailureRetryIntervalSeconds: DEFAULT_RETRY_INTERVAL_SECONDS,
      onSubmissionFailureRetryIntervalSeconds: DEFAULT_RETRY_INTERVAL_SECONDS,
    });
  });

  it("takes the restartPolicy fields as written", () => {
    const policy = effectiveRestartPolicy({
      restartPolicy: {
        type: "OnFailure",
        onFailureRetries: 3,
        onSubmissionFailureRetries: 2,
        onFailureRetryInterval: 10,
        onSubmissionFailureRetryInterval: 20,
      },
    });
    assert.deepEqual(policy, {
      type: "OnFailure",
      onFailureRetries: 3,
      onSubmissionFailureRetries: 2,
      onFailureRetryIntervalSeconds: 10,
      onSubmissionFailureRetryIntervalSeconds: 20,
    });
  });

  it("treats legacy failureRetries without a policy type as OnFailure", () => {
    const policy = effectiveRestartPolicy({ failureRetries: 2, retryInterval: 7 });
    assert.equal(policy.type, "OnFailure");
    assert.equal(policy.onFailureRetries, 2);
    assert.equal(policy.onSubmissionFailureRetries, 2);
    assert.equal(policy.onFailureRetryIntervalSeconds, 7);
    assert.equal(policy.onSubmissionFailureRetryIntervalSeconds, 7);
  });

  it("ignores legacy failureRetries of 0 for the type", () => {
    assert.equal(effectiveRestartPolicy({ failureRetries: 0 }).type, "Never");
  });

  it("lets an explicit Never win over legacy fields", () => {
    const policy = effectiveRestartPolicy({ restartPolicy: { type: "Never" }, failureRetries: 3 });
    assert.equal(policy.type, "Never");
    assert.equal(shouldRetryAfterFailure(policy, 1), false);
  });

  it("uses legacy fields only where the restartPolicy field is absent", () => {
    const policy = effectiveRestartPolicy({
      restartPolicy: { type: "OnFailure", onFailureRetries: 1, onSubmissionFailureRetryInterval: 9 },
      failureRetries: 4,
      retryInterval: 3,
    });
    assert.equal(policy.onFailureRetries, 1);
    assert.equal(policy.onSubmissionFailureRetries, 4);
    assert.equal(policy.onFailureRetryIntervalSeconds, 3);
    assert.equal(policy.onSubmissionFailureRetryIntervalSeconds, 9);
  });

  it("ignores nonsensical numbers instead of failing", () => {
    const policy = effectiveRestartPolicy({
      restartPolicy: { type: "OnFailure", onFailureRetries: -1, onFailureRetryInterval: 0 },
    });
    assert.equal(policy.onFailureRetries, undefined);
    assert.equal(policy.onFailureRetryIntervalSeconds, DEFAULT_RETRY_INTERVAL_SECONDS);
  });
});

describe("retry decisions", () => {
  const never = effectiveRestartPolicy({ restartPolicy: { type: "Never" } });
  const always = effectiveRestartPolicy({ restartPolicy: { type: "Always" } });
  const onFailure = (retries?: number, submissionRetries?: number) =>
    effectiveRestartPolicy({
      restartPolicy: {
        type: "OnFailure",
        onFailureRetries: retries,
        onSubmissionFailureRetries: submissionRetries,
      },
    });

  it("reruns a successful run only under Always", () => {
    assert.equal(shouldRerunAfterSuccess(always), true);
    assert.equal(shouldRerunAfterSuccess(never), false);
    assert.equal(shouldRerunAfterSuccess(onFailure(3)), false);
  });

  it("never retries under Never", () => {
    assert.equal(shouldRetryAfterFailure(never, 1), false);
    assert.equal(shouldRetrySubmission(never, 1), false);
  });

  it("always retries under Always", () => {
    assert.equal(shouldRetryAfterFailure(always, 1000), true);
    assert.equal(shouldRetrySubmission(always, 1000), true);
  });

  it("retries a failed run N times under OnFailure with N retries", () => {
    const policy = onFailure(2);
    assert.equal(shouldRetryAfterFailure(policy, 1), true);
    assert.equal(shouldRetryAfterFailure(policy, 2), true);
    assert.equal(shouldRetryAfterFailure(policy, 3), false);
  });

  it("does not retry a failed run under OnFailure with 0 or no retries", () => {
    assert.equal(shouldRetryAfterFailure(onFailure(0), 1), false);
    assert.equal(shouldRetryAfterFailure(onFailure(), 1), false);
  });

  it("retries a failed submission N times under OnFailure with N submission retries", () => {
    const policy = onFailure(undefined, 1);
    assert.equal(shouldRetrySubmission(policy, 1), true);
    assert.equal(shouldRetrySubmission(policy, 2), false);
    assert.equal(
      shouldRetrySubmission(onFailure(5), 1),
      false,
      "onFailureRetries does not cover submissions",
    );
  });
});

describe("retryDelayMs", () => {
  const t0 = Date.UTC(2024, 0, 1);

  it("waits interval x attempts from the last attempt", () => {
    assert.equal(retryDelayMs(5, 1, t0, t0), 5000);
    assert.equal(retryDelayMs(5, 3, t0, t0), 15000);
    assert.equal(retryDelayMs(5, 3, t0, t0 + 10_000), 5000);
  });

  it("is 0 once the backoff has passed", () => {
    assert.equal(retryDelayMs(5, 3, t0, t0 + 15_000), 0);
    assert.equal(retryDelayMs(5, 3, t0, t0 + 60_000), 0);
  });

  it("waits at least one interval even with 0 attempts recorded", () => {
    assert.equal(retryDelayMs(5, 0, t0, t0), 5000);
  });

  it("never waits longer than one backoff, even for a last attempt in the future", () => {
    assert.equal(retryDelayMs(5, 2, t0 + 60_000, t0), 10_000);
  });

  it("is due at once without a last attempt time", () => {
    assert.equal(retryDelayMs(5, 3, undefined, t0), 0);
    assert.equal(retryDelayMs(5, 3, Number.NaN, t0), 0);
  });
});
