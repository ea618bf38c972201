import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SparkApplication } from "../../api/v1beta2/sparkapplication.js";
import { gatesOf } from "./scheduling-gates.js";

describe("gatesOf", () => {
  const run = {
    app: { metadata: { name: "a" }, spec: {} } as unknown as SparkApplication,
    submissionId: "s",
  };
  it("merges the providers' gates in order, each once", () => {
    const gates = gatesOf(
      [
        () => ({ driver: ["q"] }),
        () => undefined,
        (r) => ({ driver: ["p", "q"], executor: [r.submissionId === "s" ? "p" : "x"] }),
      ],
      run,
    );
    assert.deepEqual(gates, { driver: ["q", "p"], executor: ["p"] });
  });
  it("no providers: no gates", () => {
    assert.deepEqual(gatesOf([], run), { driver: [], executor: [] });
  });
});
