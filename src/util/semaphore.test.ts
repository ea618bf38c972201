import assert from "node:assert/strict";
import { test } from "node:test";
import { Semaphore } from "./semaphore.js";

const tick = () => new Promise((r) => setImmediate(r));

test("a semaphore lets at most `limit` run at once and the rest in arrival order", async () => {
  const sem = new Semaphore(2);
  const started: number[] = [];
  const finish: Array<() => void> = [];
  const runs = [0, 1, 2, 3].map((i) =>
    sem.run(async () => {
      started.push(i);
      await new Promise<void>((r) => finish.push(r));
      return i * 10;
    }),
  );
  await tick();
  assert.deepEqual(started, [0, 1]);
  assert.equal(sem.holders, 2);
  assert.equal(sem.queued, 2);
  finish[0]!();
  await tick();
  await tick();
  assert.deepEqual(started, [0, 1, 2]);
  finish[1]!();
  finish[2]!();
  await tick();
  await tick();
  assert.deepEqual(started, [0, 1, 2, 3]);
  finish[3]!();
  assert.deepEqual(await Promise.all(runs), [0, 10, 20, 30]);
  assert.equal(sem.holders, 0);
});

test("a failing holder releases its place", async () => {
  const sem = new Semaphore(1);
  await assert.rejects(
    sem.run(async () => {
      throw new Error("boom");
    }),
    /boom/,
  );
  assert.equal(await sem.run(async () => "next"), "next");
  assert.equal(sem.holders, 0);
});

test("a limit below 1 is refused", () => {
  assert.throws(() => new Semaphore(0), /limit >= 1/);
});
