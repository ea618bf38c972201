import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseIndex, parseLogQuery, renderChunk, rfc3339Nano, tailOffset, timeAt } from "./logs.js";

describe("parseLogQuery", () => {
  test("kubectl's parameters", () => {
    const q = parseLogQuery(
      new URLSearchParams(
        "follow=true&tailLines=5&timestamps=true&previous=false&limitBytes=100&sinceSeconds=10",
      ),
      100_000,
    );
    assert.deepEqual(q, {
      follow: true,
      previous: false,
      timestamps: true,
      tailLines: 5,
      limitBytes: 100,
      since: 90_000,
    });
    assert.deepEqual(parseLogQuery(new URLSearchParams("")), {
      follow: false,
      previous: false,
      timestamps: false,
    });
    assert.equal(
      parseLogQuery(new URLSearchParams("sinceTime=2024-01-01T00:00:00Z")).since,
      Date.UTC(2024, 0, 1),
    );
  });
  test("invalid values", () => {
    assert.throws(() => parseLogQuery(new URLSearchParams("tailLines=-1")), /tailLines/);
    assert.throws(() => parseLogQuery(new URLSearchParams("sinceTime=yesterday")), /sinceTime/);
  });
});

describe("index and tail", () => {
  test("parseIndex skips junk", () => {
    assert.deepEqual(parseIndex("6 1000\n\nbad\n12 2000\n"), [
      [6, 1000],
      [12, 2000],
    ]);
  });
  test("timeAt: the first entry whose end lies beyond the offset", () => {
    const idx = parseIndex("6 1000\n12 2000\n");
    assert.equal(timeAt(idx, 0, 9), 1000);
    assert.equal(timeAt(idx, 5, 9), 1000);
    assert.equal(timeAt(idx, 6, 9), 2000);
    assert.equal(timeAt(idx, 12, 9), 9);
  });
  test("tailOffset counts a final unterminated line", () => {
    const b = Buffer.from("a\nb\nc\n");
    assert.equal(tailOffset(b, 1), 4);
    assert.equal(tailOffset(b, 2), 2);
    assert.equal(tailOffset(b, 10), 0);
    assert.equal(tailOffset(b, 0), 6);
    assert.equal(tailOffset(Buffer.from("a\nb"), 1), 2);
    assert.equal(tailOffset(Buffer.from(""), 3), 0);
  });
});

describe("renderChunk", () => {
  const buf = Buffer.from("one\ntwo\nthr");
  const idx = parseIndex("4 1000\n8 2000\n11 3000\n");
  test("plain: complete lines only while growing, everything when final", () => {
    assert.deepEqual(renderChunk(buf, 0, idx, { timestamps: false }, { final: false, now: 0 }), {
      text: "one\ntwo\n",
      next: 8,
    });
    assert.deepEqual(renderChunk(buf, 8, idx, { timestamps: false }, { final: false, now: 0 }), {
      text: "",
      next: 8,
    });
    assert.deepEqual(renderChunk(buf, 8, idx, { timestamps: false }, { final: true, now: 0 }), {
      text: "thr",
      next: 11,
    });
  });
  test("timestamps and since", () => {
    const r = renderChunk(buf, 0, idx, { timestamps: true }, { final: true, now: 0 });
    assert.equal(r.text, `${rfc3339Nano(1000)} one\n${rfc3339Nano(2000)} two\n${rfc3339Nano(3000)} thr`);
    assert.equal(
      renderChunk(buf, 0, idx, { timestamps: false, since: 2000 }, { final: true, now: 0 }).text,
      "two\nthr",
    );
  });
  test("rfc3339Nano", () => {
    assert.equal(rfc3339Nano(Date.UTC(2024, 0, 1, 0, 0, 0, 123)), "2024-01-01T00:00:00.123000000Z");
  });
});
