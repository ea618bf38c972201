import assert from "node:assert/strict";
import { test } from "node:test";
import { chooseSparkVersion } from "./version-choice.js";

test("chooseSparkVersion: exact, else the newest of the minor line, else of the major, else an unknown install", () => {
  const installed = ["3.5.9", "4.0.5", "4.3.0", "4.1.2"];
  const cases: [string, string | undefined][] = [
    ["4.3.0", "4.3.0"],
    ["4.1.0", "4.1.2"],
    ["4.0.0", "4.0.5"],
    ["4.2.0", "4.3.0"],
    ["v4", "4.3.0"],
    ["3.4.1", "3.5.9"],
    ["5.0.0", undefined],
    ["2.4.8", undefined],
    ["", undefined],
  ];
  for (const [wanted, chosen] of cases) assert.equal(chooseSparkVersion(wanted, installed), chosen, wanted);
  assert.equal(chooseSparkVersion("3.5.1", ["user-provided", "4.3.0"]), "user-provided");
  assert.equal(chooseSparkVersion("4.0.0", ["user-provided", "4.3.0"]), "4.3.0");
});
