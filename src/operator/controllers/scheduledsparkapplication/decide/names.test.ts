import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isDns1123Subdomain } from "../../../../api/k8s-names.js";
import { RUN_NAME_SUFFIX_LENGTH, runNameFor, scheduledTimeOfRun } from "./names.js";

const T = new Date("2024-03-10T07:00:00Z");

describe("runNameFor", () => {
  it("is <name>-<unix seconds of the scheduled time>", () => {
    assert.equal(runNameFor("nightly", T), "nightly-1710054000");
    assert.equal(RUN_NAME_SUFFIX_LENGTH, "-1710054000".length);
  });

  it("depends on the scheduled time only, to the second", () => {
    assert.equal(runNameFor("nightly", new Date(T.getTime() + 999)), runNameFor("nightly", T));
    assert.notEqual(runNameFor("nightly", new Date(T.getTime() + 1000)), runNameFor("nightly", T));
  });

  it("pads the timestamp to a fixed width so names sort as times", () => {
    assert.equal(runNameFor("a", new Date("1973-01-01T00:00:00Z")), "a-0094694400");
  });

  it("keeps names of up to 52 characters whole and at most 63 characters", () => {
    const name = "x".repeat(52);
    assert.equal(runNameFor(name, T), `${name}-1710054000`);
    assert.equal(runNameFor(name, T).length, 63);
  });

  it("shortens longer names with a hash, keeping them distinct and valid", () => {
    const base = `${"a".repeat(42)}-b`;
    const one = runNameFor(`${base}-analytics-daily`, T);
    const two = runNameFor(`${base}-analytics-weekly`, T);
    assert.ok(one.length <= 63 && two.length <= 63);
    assert.notEqual(one, two);
    assert.ok(isDns1123Subdomain(one), one);
    assert.match(one, /^a{42}-[0-9a-f]{8}-1710054000$/, "the cut drops a trailing dash");
    assert.match(runNameFor(`${"a".repeat(43)}-${"c".repeat(30)}`, T), /^a{43}-[0-9a-f]{8}-1710054000$/);
    assert.equal(runNameFor(`${base}-analytics-daily`, T), one, "deterministic");
  });
});

describe("scheduledTimeOfRun", () => {
  it("reads the scheduled time back from a run's name", () => {
    assert.deepEqual(scheduledTimeOfRun("nightly", "nightly-1710054000"), T);
    const long = "z".repeat(70);
    assert.deepEqual(scheduledTimeOfRun(long, runNameFor(long, T)), T);
  });

  it("is undefined for names of other apps or not made here", () => {
    assert.equal(scheduledTimeOfRun("nightly", "nightly-2-1710054000"), undefined);
    assert.equal(scheduledTimeOfRun("nightly", "weekly-1710054000"), undefined);
    assert.equal(scheduledTimeOfRun("nightly", "nightly-manual"), undefined);
  });
});
