import assert from "node:assert/strict";
import { test } from "node:test";
import { nodeRows, type WorkflowItem, workflowPage } from "./workflows.js";

const wf: WorkflowItem = {
  metadata: { name: "etl-x", namespace: "default" },
  status: {
    phase: "Succeeded",
    nodes: {
      "etl-x": { id: "etl-x", name: "etl-x", displayName: "etl-x", type: "DAG", children: ["b", "a"] },
      a: {
        id: "a",
        name: "etl-x.extract",
        displayName: "extract",
        type: "Steps",
        startedAt: "2026-12-03T10:00:00Z",
        children: ["c"],
        outputs: { parameters: [{ name: "app-name", value: "extract-abc" }] },
      },
      b: {
        id: "b",
        name: "etl-x.load",
        displayName: "load",
        type: "Steps",
        startedAt: "2026-12-03T10:05:00Z",
      },
      c: {
        id: "c",
        name: "etl-x.extract.submit",
        displayName: "submit",
        type: "Pod",
        startedAt: "2026-12-03T10:00:01Z",
        children: ["b"],
      },
      orphan: { id: "orphan", name: "x", displayName: "orphan", type: "Pod" },
    },
  },
};

test("nodes from the root down, children in start order, each once; the app from the app-name output", () => {
  const rows = nodeRows(wf);
  assert.deepEqual(
    rows.map((r) => `${r.depth}:${r.node.displayName}${r.app ? `=${r.app}` : ""}`),
    ["0:etl-x", "1:extract=extract-abc", "2:submit", "3:load", "0:orphan"],
  );
});

test("the page links each node's app with its state and driver log, and escapes names", () => {
  const page = workflowPage(wf, [
    { metadata: { name: "extract-abc" }, status: { applicationState: { state: "COMPLETED" } } } as never,
  ]).text;
  assert.match(
    page,
    /href="\/ui\/apps\/default\/extract-abc">extract-abc<\/a> <span class="state COMPLETED">/,
  );
  assert.match(page, /href="\/api\/v1\/namespaces\/default\/sparkapplications\/extract-abc\/log">driver log/);
  const evil = workflowPage({ metadata: { name: "<b>x</b>", namespace: "n" } }, []).text;
  assert.ok(!evil.includes("<b>x</b>"));
});
