import assert from "node:assert/strict";
import { test } from "node:test";
import { atLeast, parseVersion } from "./version-compare.js";

test("parseVersion reads go, java and python banners", () => {
  assert.deepEqual(parseVersion("go version go1.26.8 linux/amd64"), [1, 26, 8]);
  assert.deepEqual(parseVersion('openjdk version "17.0.15" 2025-04-15'), [17, 0, 15]);
  assert.deepEqual(parseVersion("Python 3.11.7"), [3, 11, 7]);
  assert.equal(parseVersion("no digits"), undefined);
});

test("atLeast compares component by component", () => {
  assert.equal(atLeast([1, 26, 8], [1, 26]), true);
  assert.equal(atLeast([1, 25, 9], [1, 26]), false);
  assert.equal(atLeast([17, 0, 15], [17]), true);
  assert.equal(atLeast([11], [17]), false);
  assert.equal(atLeast([3, 9], [3, 9, 0]), true);
});
