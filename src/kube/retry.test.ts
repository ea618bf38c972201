import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiException } from "@kubernetes/client-node";
import {
  apiStatusCode,
  apiStatusReason,
  isAlreadyExists,
  isConflict,
  isNotFound,
  retryOnConflict,
} from "./retry.js";

const status = (code: number, reason: string) =>
  new ApiException(code, "x", JSON.stringify({ kind: "Status", code, reason }), {});

describe("API error helpers", () => {
  it("read the code and reason of ApiException, watch errors and network errors", () => {
    assert.equal(apiStatusCode(status(404, "NotFound")), 404);
    assert.equal(apiStatusCode(Object.assign(new Error("Gone"), { statusCode: 410 })), 410);
    assert.equal(apiStatusCode(Object.assign(new Error("refused"), { code: "ECONNREFUSED" })), undefined);
    assert.equal(apiStatusReason(status(409, "AlreadyExists")), "AlreadyExists");
    assert.equal(apiStatusReason(new ApiException(500, "x", "not json", {})), undefined);
    assert.ok(isNotFound(status(404, "NotFound")));
    assert.ok(isConflict(status(409, "Conflict")));
    assert.ok(!isConflict(status(409, "AlreadyExists")));
    assert.ok(isAlreadyExists(status(409, "AlreadyExists")));
  });

  it("retryOnConflict retries conflicts only", async () => {
    let calls = 0;
    const value = await retryOnConflict(
      async (attempt) => {
        calls++;
        if (attempt < 3) throw status(409, "Conflict");
        return "ok";
      },
      { delayMs: 1 },
    );
    assert.equal(value, "ok");
    assert.equal(calls, 3);
    calls = 0;
    await assert.rejects(
      retryOnConflict(async () => {
        calls++;
        throw status(409, "AlreadyExists");
      }),
    );
    assert.equal(calls, 1);
  });
});
