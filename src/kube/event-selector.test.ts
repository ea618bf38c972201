import assert from "node:assert/strict";
import { test } from "node:test";
import { eventsAboutSelector } from "./event-selector.js";

test("eventsAboutSelector names the object's uid, so a deleted namesake's events are left out", () => {
  assert.equal(
    eventsAboutSelector({ kind: "SparkApplication", name: "spark-pi", uid: "u-2" }),
    "involvedObject.kind=SparkApplication,involvedObject.name=spark-pi,involvedObject.uid=u-2",
  );
  assert.equal(
    eventsAboutSelector({ kind: "Pod", name: "spark-pi-driver" }),
    "involvedObject.kind=Pod,involvedObject.name=spark-pi-driver",
  );
});
