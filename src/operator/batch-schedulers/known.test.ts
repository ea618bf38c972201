import assert from "node:assert/strict";
import { test } from "node:test";
import type { SparkApplication } from "../../api/v1beta2/sparkapplication.js";
import { absentBatchScheduler, batchSchedulerErrors } from "./known.js";

const app = (batchScheduler?: string) =>
  ({ spec: batchScheduler === undefined ? {} : { batchScheduler } }) as Pick<SparkApplication, "spec">;

test("an absent known scheduler is an error naming the field, the reason and both fixes", () => {
  const [e] = batchSchedulerErrors(app("volcano"), new Set());
  assert.equal(e?.field, "spec.batchScheduler");
  assert.match(e!.message, /^"volcano" names Volcano, which is not installed on this cluster/);
  assert.match(e!.message, /serves no scheduling\.volcano\.sh API/);
  assert.match(e!.message, /install it \(https:\/\/volcano\.sh/);
  assert.match(e!.message, /remove spec\.batchScheduler/);
  assert.match(e!.message, /SparkQueue: spec\.batchSchedulerOptions\.queue, docs\/queues\.md/);
  assert.match(
    batchSchedulerErrors(app("yunikorn"), new Set())[0]!.message,
    /no pod component=yunikorn-scheduler runs/,
  );
  assert.match(batchSchedulerErrors(app("kube-scheduler"), new Set())[0]!.message, /scheduling\.x-k8s\.io/);
});

test("a present scheduler, none, sparkplane's queues and unknown names are no error", () => {
  assert.deepEqual(batchSchedulerErrors(app("volcano"), new Set(["volcano"])), []);
  for (const name of [undefined, "", "sparkplane", "my-own-scheduler"]) {
    assert.equal(absentBatchScheduler(app(name), new Set()), undefined, String(name));
    assert.deepEqual(batchSchedulerErrors(app(name), new Set()), []);
  }
});
