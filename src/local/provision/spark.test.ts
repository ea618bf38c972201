import assert from "node:assert/strict";
import { test } from "node:test";
import { userSparkHome } from "./spark.js";

const CACHE = "/home/u/.cache/sparkplane";

test("userSparkHome: a provisioned Spark's home (as `sparkplane env` exports it) is the cache's, not the user's", () => {
  const exported = `${CACHE}/spark/pyspark-3.5.9/lib/python3.11/site-packages/pyspark`;
  assert.equal(userSparkHome(exported, CACHE), undefined);
  assert.equal(
    userSparkHome(`${CACHE}/spark/pyspark-4.0.1/lib/python3.11/site-packages/pyspark/`, CACHE),
    undefined,
  );
  assert.equal(userSparkHome(CACHE, CACHE), undefined);
});

test("userSparkHome: a Spark of the user's own is theirs; unset is none", () => {
  assert.equal(userSparkHome("/opt/spark", CACHE), "/opt/spark");
  assert.equal(
    userSparkHome("/home/u/.cache/sparkplane-other/spark", CACHE),
    "/home/u/.cache/sparkplane-other/spark",
  );
  assert.equal(userSparkHome("/home/u/.cache", CACHE), "/home/u/.cache");
  assert.equal(userSparkHome(undefined, CACHE), undefined);
  assert.equal(userSparkHome("", CACHE), undefined);
});
