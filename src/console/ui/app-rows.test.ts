import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { SparkApplication } from "../../api/v1beta2/sparkapplication.js";
import {
  type AppRow,
  appRow,
  compareRows,
  costByQueue,
  formatCost,
  formatDuration,
  formatUsedCpu,
  parseAppQuery,
  QueryError,
  selectApps,
} from "./app-rows.js";

const app = (name: string, created: string, status?: SparkApplication["status"], ns = "default") =>
  ({
    apiVersion: "sparkoperator.k8s.io/v1beta2",
    kind: "SparkApplication",
    metadata: { name, namespace: ns, creationTimestamp: created },
    spec: { batchSchedulerOptions: { queue: "etl" } },
    status,
  }) as unknown as SparkApplication;

describe("appRow", () => {
  const now = Date.parse("2026-12-03T12:00:00Z");
  test("a finished app: duration from the last submission to termination, error kept", () => {
    const row = appRow(
      app("pi", "2026-12-03T11:00:00Z", {
        applicationState: { state: "FAILED", errorMessage: "driver exit 1" },
        lastSubmissionAttemptTime: "2026-12-03T11:00:02Z",
        terminationTime: "2026-12-03T11:01:32Z",
        submissionAttempts: 2,
        sparkApplicationId: "spark-1",
      } as never),
      now,
    );
    assert.deepEqual(row, {
      namespace: "default",
      name: "pi",
      state: "FAILED",
      attempts: 2,
      created: "2026-12-03T11:00:00Z",
      durationMs: 90_000,
      queue: "etl",
      sparkApplicationId: "spark-1",
      error: "driver exit 1",
    });
  });
  test("a running app runs until now; a new one has no state, attempts or duration", () => {
    const running = appRow(
      app("r", "x", {
        applicationState: { state: "RUNNING" },
        lastSubmissionAttemptTime: "2026-12-03T11:59:00Z",
        terminationTime: "2026-12-03T11:59:01Z",
      } as never),
      now,
    );
    assert.equal(running.durationMs, 60_000);
    const fresh = appRow(app("n", "x"), now);
    assert.equal(fresh.state, "");
    assert.equal(fresh.attempts, 0);
    assert.equal(fresh.durationMs, undefined);
  });
});

describe("selectApps", () => {
  const rows: AppRow[] = [
    { namespace: "b", name: "old", state: "COMPLETED", attempts: 1, created: "2026-01-01" },
    { namespace: "a", name: "mid", state: "RUNNING", attempts: 1, created: "2026-06-01" },
    { namespace: "a", name: "new-pi", state: "", attempts: 0, created: "2026-12-01" },
    { namespace: "a", name: "new-etl", state: "COMPLETED", attempts: 1, created: "2026-12-01" },
  ].sort(compareRows);
  test("newest first, ties by namespace then name", () => {
    assert.deepEqual(
      rows.map((r) => r.name),
      ["new-etl", "new-pi", "mid", "old"],
    );
  });
  test("filters combine; the total counts every match, the page only offset..offset+limit", () => {
    const page = selectApps(rows, { namespace: "a", offset: 1, limit: 1 });
    assert.equal(page.total, 3);
    assert.deepEqual(
      page.items.map((r) => r.name),
      ["new-pi"],
    );
    assert.deepEqual(
      selectApps(rows, { state: "COMPLETED", offset: 0, limit: 10 }).items.map((r) => r.name),
      ["new-etl", "old"],
    );
    assert.deepEqual(
      selectApps(rows, { state: "", name: "pi", offset: 0, limit: 10 }).items.map((r) => r.name),
      ["new-pi"],
    );
    assert.equal(selectApps(rows, { offset: 10, limit: 10 }).items.length, 0);
    const onlyB = selectApps(rows, { offset: 0, limit: 10 }, new Set(["b"]));
    assert.deepEqual(
      onlyB.items.map((r) => r.name),
      ["old"],
    );
    assert.equal(onlyB.total, 1);
  });
});

describe("parseAppQuery", () => {
  const parse = (s: string) => parseAppQuery(new URLSearchParams(s));
  test("defaults, NEW for the empty state", () => {
    assert.deepEqual(parse(""), { offset: 0, limit: 50 });
    assert.deepEqual(parse("namespace=etl&state=NEW&name=pi&offset=100&limit=500"), {
      offset: 100,
      limit: 500,
      namespace: "etl",
      state: "",
      name: "pi",
    });
  });
  for (const [query, field] of [
    ["limit=501", "limit"],
    ["limit=-1", "limit"],
    ["offset=x", "offset"],
    ["namespace=Bad_NS", "namespace"],
    ["state=DONE", "state"],
    [`name=${"a".repeat(300)}`, "name"],
  ] as const) {
    test(`${query.slice(0, 30)} is refused naming ${field}`, () => {
      assert.throws(
        () => parse(query),
        (e: unknown) => e instanceof QueryError && e.field === field,
      );
    });
  }
});

test("formatDuration", () => {
  assert.equal(formatDuration(undefined), "");
  assert.equal(formatDuration(59_400), "59s");
  assert.equal(formatDuration(185_000), "3m05s");
  assert.equal(formatDuration(3 * 3600_000 + 7 * 60_000), "3h07m");
});

test("cost per queue sums the apps' ledgers; formatCost picks seconds or hours", () => {
  const rows: AppRow[] = [
    {
      namespace: "a",
      name: "x",
      state: "",
      attempts: 0,
      created: "",
      queue: "etl",
      cost: { cpuCoreSeconds: 10, memoryGiBSeconds: 20 },
    },
    {
      namespace: "a",
      name: "y",
      state: "",
      attempts: 0,
      created: "",
      queue: "etl",
      cost: { cpuCoreSeconds: 5, memoryGiBSeconds: 1, usedCpuCoreSeconds: 2.5 },
    },
    { namespace: "a", name: "z", state: "", attempts: 0, created: "" },
  ];
  const byQueue = costByQueue(rows);
  assert.deepEqual(byQueue.get("etl"), {
    cpuCoreSeconds: 15,
    memoryGiBSeconds: 21,
    usedCpuCoreSeconds: 2.5,
    apps: 2,
  });
  assert.deepEqual(byQueue.get(""), { cpuCoreSeconds: 0, memoryGiBSeconds: 0, apps: 1 });
  assert.equal(formatCost({ cpuCoreSeconds: 7200, memoryGiBSeconds: 4.5 }), "2.00 core·h, 4.5 GiB·s");
  assert.equal(formatCost(undefined), "");
  assert.equal(
    formatCost({ cpuCoreSeconds: 20, memoryGiBSeconds: 4.5, usedCpuCoreSeconds: 3.25 }),
    "20 core·s, 4.5 GiB·s; used 3.3 core·s",
  );
  assert.equal(
    formatUsedCpu({ cpuCoreSeconds: 1, memoryGiBSeconds: 1, usedCpuCoreSeconds: 12 }),
    "12 core·s",
  );
  assert.equal(formatUsedCpu({ cpuCoreSeconds: 1, memoryGiBSeconds: 1 }), "not reported by the nodes");
  assert.equal(formatUsedCpu(undefined), "nothing ended yet");
});
