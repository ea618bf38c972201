import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { chooseConnectVersion, publishedVersions } from "./spark-connect.js";

describe("the Spark Connect jar's version", () => {
  const published = ["3.4.1", "3.5.0", "3.5.1", "3.5.4", "3.5.5", "3.5.7", "4.0.0"];
  test("the Spark version itself when Maven has it", () => {
    assert.equal(chooseConnectVersion("3.5.5", published), "3.5.5");
  });
  test("else the newest earlier patch of the same line, never a later one or another line", () => {
    assert.equal(chooseConnectVersion("3.5.9", published), "3.5.7");
    assert.equal(chooseConnectVersion("3.5.6", published), "3.5.5");
    assert.equal(chooseConnectVersion("3.3.2", published), undefined);
  });
  test("maven-metadata.xml versions", () => {
    assert.deepEqual(
      publishedVersions("<versions><version>3.5.0</version><version>3.5.7</version></versions>"),
      ["3.5.0", "3.5.7"],
    );
  });
});
