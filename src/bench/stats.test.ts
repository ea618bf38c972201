import assert from "node:assert/strict";
import { describe, it, test } from "node:test";
import { diffCounts, parsePromText, sumBy, sumOf } from "../util/prom-text.js";
import { parseStatCpu, parseStatPpid, parseStatusKbField } from "./proc.js";
import { costPerItemByWindow, peakWindowRate, percentile, ratePerSecond, summarize } from "./stats.js";

describe("percentile (nearest rank)", () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose
  it("picks the nearest rank", () => {
    assert.equal(percentile(hundred, 0.5), 50);
    assert.equal(percentile(hundred, 0.95), 95);
    assert.equal(percentile(hundred, 0.99), 99);
    assert.equal(percentile(hundred, 1), 100);
    assert.equal(percentile(hundred, 0), 1);
  });
  it("handles small and empty inputs", () => {
    assert.equal(percentile([7], 0.99), 7);
    assert.equal(percentile([1, 2], 0.5), 1);
    assert.equal(percentile([1, 2], 0.51), 2);
    assert.ok(Number.isNaN(percentile([], 0.5)));
    assert.throws(() => percentile([1], 1.5));
  });
  it("does not reorder its input", () => {
    const v = [3, 1, 2];
    percentile(v, 0.5);
    assert.deepEqual(v, [3, 1, 2]);
  });
});

describe("summarize", () => {
  it("gives count, min, mean, p50, p95, p99, max", () => {
    const s = summarize([10, 20, 30, 40], 1);
    assert.deepEqual(s, { count: 4, min: 10, mean: 25, p50: 20, p95: 40, p99: 40, max: 40 });
  });
  it("rounds", () => {
    assert.equal(summarize([1.234, 1.236], 2).max, 1.24);
  });
  it("is NaN for no values", () => {
    const s = summarize([]);
    assert.equal(s.count, 0);
    assert.ok(Number.isNaN(s.p99));
  });
});

describe("rates", () => {
  it("ratePerSecond", () => {
    assert.equal(ratePerSecond(100, 1000, 3000), 50);
    assert.ok(Number.isNaN(ratePerSecond(5, 1000, 1000)));
  });
  it("peakWindowRate finds the densest window", () => {
    const times = [0, 100, 200, 300, 5000, 5001, 5002, 5003, 5004, 5005];
    assert.equal(peakWindowRate(times, 1000), 6);
    assert.equal(peakWindowRate(times, 500), 12);
    assert.ok(Number.isNaN(peakWindowRate([], 1000)));
  });
});

describe("Prometheus text", () => {
  const text = `# HELP apiserver_request_total Counter of apiserver requests
# TYPE apiserver_request_total counter
apiserver_request_total{code="201",component="apiserver",group="",resource="pods",verb="POST",version="v1"} 12
apiserver_request_total{code="200",component="apiserver",group="",resource="pods",verb="GET",version="v1"} 3
apiserver_request_total{code="201",component="apiserver",group="",resource="services",verb="POST",version="v1"} 5
apiserver_flowcontrol_dispatched_requests_total{flow_schema="exempt",priority_level="exempt"} 611
weird{msg="a \\"quoted\\" value, with {braces}"} 1.5e3
up 1 1700000000000
`;
  const samples = parsePromText(text);
  it("parses names, labels (with escapes) and values", () => {
    assert.equal(samples.length, 6);
    assert.deepEqual(samples[0]?.labels.resource, "pods");
    assert.equal(samples[4]?.labels.msg, 'a "quoted" value, with {braces}');
    assert.equal(samples[4]?.value, 1500);
    assert.equal(samples[5]?.value, 1);
  });
  it("filters by name", () => {
    assert.equal(parsePromText(text, new Set(["up"])).length, 1);
  });
  it("sums with label matches and groups", () => {
    assert.equal(sumOf(samples, "apiserver_request_total"), 20);
    assert.equal(sumOf(samples, "apiserver_request_total", { resource: "pods" }), 15);
    const byVerb = sumBy(samples, "apiserver_request_total", ["verb", "resource"]);
    assert.equal(byVerb.get("POST pods"), 12);
    const later = new Map(byVerb);
    later.set("POST pods", 20);
    later.set("DELETE pods", 1);
    assert.deepEqual(
      [...diffCounts(byVerb, later)],
      [
        ["POST pods", 8],
        ["DELETE pods", 1],
      ],
    );
  });
});

describe("/proc readers", () => {
  it("reads utime + stime and cutime + cstime after the command name, even with spaces and parentheses", () => {
    const stat =
      "4242 (node (my) app) S 77 4242 4242 0 -1 4194560 5000 0 0 0 250 50 120 80 20 0 11 0 100 0 0";
    assert.deepEqual(parseStatCpu(stat, 100), { self: 3, children: 2 });
    assert.equal(parseStatPpid(stat), 77);
  });
  it("reads kB fields of /proc/<pid>/status in MB", () => {
    const status = "Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n";
    assert.equal(parseStatusKbField(status, "VmHWM"), 200);
    assert.equal(parseStatusKbField(status, "VmRSS"), 100);
    assert.equal(parseStatusKbField(status, "VmSwap"), undefined);
  });
});

test("costPerItemByWindow: cost per item between window boundaries, the tail as its own window", () => {
  const samples = [
    { done: 0, cost: 0 },
    { done: 400, cost: 4 },
    { done: 1000, cost: 10 },
    { done: 1500, cost: 20 },
    { done: 2100, cost: 32 },
    { done: 2500, cost: 40 },
  ];
  assert.deepEqual(costPerItemByWindow(samples, 1000), [
    { done: 1000, costPerItem: 0.01 },
    { done: 2100, costPerItem: 0.02 },
    { done: 2500, costPerItem: 0.02 },
  ]);
  assert.deepEqual(costPerItemByWindow(samples, 1000, 1000)[0], { done: 1000, costPerItem: 10 });
  assert.deepEqual(costPerItemByWindow([{ done: 5, cost: 1 }], 10), []);
  assert.deepEqual(
    costPerItemByWindow(
      [
        { done: 5, cost: 1 },
        { done: 5, cost: 2 },
      ],
      10,
    ),
    [],
    "no progress: no window",
  );
});
