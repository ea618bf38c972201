import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatGoDuration, parseGoDuration } from "./go-duration.js";

const ms = (text: string) => {
  const parsed = parseGoDuration(text);
  assert.ok(parsed.ok, `${text}: ${parsed.ok ? "" : parsed.problem}`);
  return parsed.ms;
};

describe("parseGoDuration", () => {
  it("reads Go's units, combined and fractional", () => {
    assert.equal(ms("5m"), 300_000);
    assert.equal(ms("1h30m"), 5_400_000);
    assert.equal(ms("90s"), 90_000);
    assert.equal(ms("1.5h"), 5_400_000);
    assert.equal(ms("1h0m0s"), 3_600_000);
    assert.equal(ms("250ms"), 250);
    assert.equal(ms("1500us"), 1.5);
    assert.equal(ms("1500µs"), 1.5);
    assert.equal(ms("2000000ns"), 2);
    assert.equal(ms(".5s"), 500);
    assert.equal(ms("0"), 0);
    assert.equal(ms("-5m"), -300_000);
  });

  it("refuses what Go refuses, saying why", () => {
    for (const [text, words] of [
      ["", "not a duration"],
      ["5", "not a duration"],
      ["m", "not a duration"],
      ["1d", 'unknown unit "d"'],
      ["1h 30m", "not a duration"],
      ["1H", 'unknown unit "H"'],
      ["3000000h", "out of range"],
    ] as const) {
      const parsed = parseGoDuration(text);
      assert.equal(parsed.ok, false, text);
      assert.match(parsed.ok ? "" : parsed.problem, new RegExp(words), text);
    }
  });
});

describe("formatGoDuration", () => {
  it("prints whole seconds as Go does", () => {
    assert.equal(formatGoDuration(10_000), "10s");
    assert.equal(formatGoDuration(90_000), "1m30s");
    assert.equal(formatGoDuration(5_400_000), "1h30m0s");
    assert.equal(formatGoDuration(86_400_000), "24h0m0s");
    assert.equal(formatGoDuration(999), "0s");
  });
});
