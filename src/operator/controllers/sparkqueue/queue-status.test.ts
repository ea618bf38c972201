import assert from "node:assert/strict";
import { test } from "node:test";
import type { SparkQueue } from "../../../api/sparkplane/sparkqueue.js";
import type { JsonClient } from "../../../kube/json-client.js";
import { silentLog } from "../../../kube/log.js";
import { AdmissionBook } from "./book.js";
import type { AdmissionDecision } from "./decide/admission.js";
import { QueueStatusWriter } from "./queue-status.js";

const queue = (status?: SparkQueue["status"]) =>
  ({ metadata: { name: "q" }, spec: { quota: { cpu: 4 } }, ...(status ? { status } : {}) }) as SparkQueue;
const noneWaiting: AdmissionDecision = {
  admit: [],
  queues: new Map([["q", { waiting: [] } as never]]),
  orphans: [],
};

function writer() {
  const patched: unknown[] = [];
  const json = {
    request: async (_m: string, _p: string, body: unknown) => void patched.push(body),
  } as never as JsonClient;
  let now = 0;
  const w = new QueueStatusWriter({ json, log: silentLog, now: () => (now += 10_000), intervalMs: 1000 });
  return { w, patched };
}

test("an operator that never had an app of a queue leaves its status to those that did", async () => {
  const { w, patched } = writer();
  const book = new AdmissionBook();
  w.write([queue({ running: 2, waiting: 1 })], noneWaiting, book);
  await w.flush();
  assert.deepEqual(patched, [], "another operator's counts are not overwritten with zeros");
  w.write([queue()], noneWaiting, book);
  await w.flush();
  assert.equal(patched.length, 1, "a queue without a status gets its first one");
});
