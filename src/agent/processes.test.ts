import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parsePss, parseStat } from "./processes.js";

describe("/proc parsing", () => {
  test("stat: process group, RSS pages and CPU ticks (own + waited-for children), even with spaces and parentheses in the command name", () => {
    const stat =
      "1234 (my (odd) cmd) S 1 1200 1200 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 555 10485760 2560 18446744073709551615";
    assert.deepEqual(parseStat(stat), { pgrp: 1200, rssPages: 2560, cpuTicks: 8 });
    assert.equal(parseStat("garbage"), undefined);
  });
  test("smaps_rollup: Pss in bytes", () => {
    assert.equal(
      parsePss("Rss:                1748 kB\nPss:                 204 kB\nPss_Dirty:           112 kB\n"),
      204 * 1024,
    );
    assert.equal(parsePss("Rss: 1 kB\n"), undefined);
  });
});
