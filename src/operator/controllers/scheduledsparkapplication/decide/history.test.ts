import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { run } from "./fixtures.test-helpers.js";
import { bookkeepRuns } from "./history.js";

const day = (n: number) => `2024-01-${String(n).padStart(2, "0")}T02:00:05Z`;

describe("bookkeepRuns", () => {
  const runs = [
    run("r-3", "COMPLETED", day(3)),
    run("r-1", "COMPLETED", day(1)),
    run("r-5", "FAILED", day(5)),
    run("r-2", "FAILED", day(2)),
    run("r-4", "COMPLETED", day(4)),
    run("r-6", "RUNNING", day(6)),
    run("r-7", undefined, day(7)),
    run("r-0", "COMPLETED", day(1), true),
  ];

  it("keeps the newest finished runs within the limits, newest first", () => {
    const history = bookkeepRuns(runs, { successful: 2, failed: 1 });
    assert.deepEqual(history.pastSuccessfulRunNames, ["r-4", "r-3"]);
    assert.deepEqual(history.pastFailedRunNames, ["r-5"]);
  });

  it("prunes the rest, oldest first", () => {
    const history = bookkeepRuns(runs, { successful: 2, failed: 1 });
    assert.deepEqual(history.toPrune, [
      { name: "r-1", state: "COMPLETED" },
      { name: "r-2", state: "FAILED" },
    ]);
  });

  it("never prunes active runs, and counts runs without a state as active", () => {
    const history = bookkeepRuns(runs, { successful: 0, failed: 0 });
    assert.deepEqual(
      history.active.map((r) => r.metadata.name),
      ["r-7", "r-6"],
    );
    assert.deepEqual(history.pastSuccessfulRunNames, []);
    assert.equal(history.toPrune.length, 5);
  });

  it("ignores runs already being deleted", () => {
    const history = bookkeepRuns(runs, { successful: 10, failed: 10 });
    assert.ok(!history.pastSuccessfulRunNames.includes("r-0"));
    assert.ok(!history.toPrune.some((r) => r.name === "r-0"));
    assert.ok(!history.active.some((r) => r.metadata.name === "r-0"));
  });

  it("orders runs created in the same second by the time in their names", () => {
    const same = "2024-01-01T00:00:00Z";
    const history = bookkeepRuns(
      [run("r-0000000010", "COMPLETED", same), run("r-0000000020", "COMPLETED", same)],
      { successful: 1, failed: 1 },
    );
    assert.deepEqual(history.pastSuccessfulRunNames, ["r-0000000020"]);
  });
});
