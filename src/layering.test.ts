/**
 * The layers of src/ and what each may import (docs/architecture.md, "Layering", shows the same table: a test
 * below keeps the two equal). Every relative import of every src/**\/*.ts file is checked, type-only and
 * dynamic imports included.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Layer (a directory under src/) -> the layers it may import, besides itself. */
const MAY_IMPORT: Record<string, string[]> = {
  util: [],
  api: ["util"],
  spark: ["util"],
  kube: ["util"],
  submit: ["util", "api", "spark"],
  diagnose: ["util", "api", "spark"],
  local: ["util", "api", "spark", "kube"],
  operator: ["util", "api", "spark", "kube", "submit", "diagnose"],
  agent: ["util", "api", "spark", "kube", "local"],
  bench: ["util", "api", "spark", "kube", "submit", "local", "console"],
  chart: ["util", "api", "spark", "kube", "submit", "diagnose", "local", "operator"],
  console: ["util", "api", "spark", "kube", "diagnose"],
  cli: [
    "util",
    "api",
    "spark",
    "kube",
    "submit",
    "diagnose",
    "local",
    "operator",
    "agent",
    "bench",
    "chart",
    "console",
  ],
};

/** Tests may also import the integration harness in test/ (a cluster for a colocated integration test). */
const TEST_HARNESS = "test/";

interface SourceFile {
  /** Relative to the repository, with forward slashes: "src/agent/main.ts". */
  path: string;
  text: string;
}

const isTestFile = (path: string) => /\.test(-helpers)?\.ts$/.test(path);
const layerOf = (path: string) => (path.startsWith("src/") ? path.split("/")[1] : undefined);

/** "file imports "spec" (from -> to): why" for every import the table forbids. */
function layerViolations(files: SourceFile[], rules: Record<string, string[]>): string[] {
  const found: string[] = [];
  for (const file of files) {
    const from = layerOf(file.path);
    if (from === undefined || !(from in rules)) {
      found.push(`${file.path}: not in a layer; add its directory to the layering table`);
      continue;
    }
    for (const { fileName: spec } of ts.preProcessFile(file.text, true, true).importedFiles) {
      if (!spec.startsWith(".")) continue;
      const target = posix.normalize(posix.join(posix.dirname(file.path), spec));
      if (!target.startsWith("src/")) {
        if (!(isTestFile(file.path) && target.startsWith(TEST_HARNESS)))
          found.push(`${file.path} imports "${spec}": outside src/ (only tests may import ${TEST_HARNESS})`);
        continue;
      }
      const to = layerOf(target);
      if (to === undefined || to === from || rules[from]?.includes(to)) continue;
      const allowed = rules[from]?.join(", ") || "nothing else";
      found.push(`${file.path} imports "${spec}" (${from} -> ${to}): ${from} may import ${allowed}`);
    }
  }
  return found;
}

const CONTROLLERS_DIR = "src/operator/controllers/";
/** The controller folder a path is in ("sparkqueue"), or undefined outside one. */
const controllerOf = (path: string) =>
  path.startsWith(CONTROLLERS_DIR) && path.slice(CONTROLLERS_DIR.length).includes("/")
    ? path.slice(CONTROLLERS_DIR.length).split("/")[0]
    : undefined;

/** "file imports "spec": ..." for every import of one controller's folder from another's. */
function siblingControllerImports(files: SourceFile[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const from = controllerOf(file.path);
    if (from === undefined) continue;
    for (const { fileName: spec } of ts.preProcessFile(file.text, true, true).importedFiles) {
      if (!spec.startsWith(".")) continue;
      const to = controllerOf(posix.normalize(posix.join(posix.dirname(file.path), spec)));
      if (to !== undefined && to !== from)
        found.push(`${file.path} imports "${spec}": controller ${from} reaches into controller ${to}`);
    }
  }
  return found;
}

function sourceFiles(dir: string): SourceFile[] {
  return readdirSync(join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(path);
    if (!entry.name.endsWith(".ts")) return [];
    return [{ path, text: readFileSync(join(REPO_ROOT, path), "utf8") }];
  });
}

/** The layer directories of src/ (files directly in src/, such as this test, belong to none). */
function layerFiles(): SourceFile[] {
  return sourceFiles("src").filter((f) => f.path.split("/").length > 2);
}

describe("layering", () => {
  it("no file of src/ imports a layer above its own", () => {
    const files = layerFiles();
    assert.ok(files.length > 100, `read ${files.length} files from ${join(REPO_ROOT, "src")}`);
    assert.deepEqual(layerViolations(files, MAY_IMPORT), []);
  });

  it("names the file and the import that break a rule", () => {
    const files: SourceFile[] = [
      { path: "src/agent/main.ts", text: 'import { registerAgent } from "../cli/commands/agent.js";' },
      {
        path: "src/operator/x.ts",
        text: 'import type { A } from "../agent/index.js";\nawait import("../local/pki.js");',
      },
      { path: "src/kube/y.ts", text: 'export * from "../api/quantity.js";\nimport "./side.js";' },
      { path: "src/api/z.ts", text: 'import { c } from "../../test/cluster.js";' },
      { path: "src/api/z.test.ts", text: 'import { c } from "../../test/cluster.js";' },
      {
        path: "src/cli/ok.ts",
        text: 'import { a } from "../agent/index.js";\nimport { b } from "commander";',
      },
      { path: "src/webui/w.ts", text: "" },
    ];
    assert.deepEqual(layerViolations(files, MAY_IMPORT), [
      'src/agent/main.ts imports "../cli/commands/agent.js" (agent -> cli): agent may import util, api, spark, kube, local',
      'src/operator/x.ts imports "../agent/index.js" (operator -> agent): operator may import util, api, spark, kube, submit, diagnose',
      'src/operator/x.ts imports "../local/pki.js" (operator -> local): operator may import util, api, spark, kube, submit, diagnose',
      'src/kube/y.ts imports "../api/quantity.js" (kube -> api): kube may import util',
      'src/api/z.ts imports "../../test/cluster.js": outside src/ (only tests may import test/)',
      "src/webui/w.ts: not in a layer; add its directory to the layering table",
    ]);
  });

  it("no controller imports another controller's folder (they meet on the context's registries)", () => {
    assert.deepEqual(siblingControllerImports(layerFiles()), []);
    assert.deepEqual(
      siblingControllerImports([
        { path: "src/operator/controllers/sparkapplication/x.ts", text: 'import "../sparkqueue/shared.js";' },
        {
          path: "src/operator/controllers/sparkqueue/y.ts",
          text: 'import "../caches.js";\nimport "./book.js";',
        },
        { path: "src/operator/controllers/caches.ts", text: 'import "./sparkqueue/book.js";' },
      ]),
      [
        'src/operator/controllers/sparkapplication/x.ts imports "../sparkqueue/shared.js": controller sparkapplication reaches into controller sparkqueue',
      ],
    );
  });

  it("every directory of src/ is a layer of the table", () => {
    const dirs = readdirSync(join(REPO_ROOT, "src"), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    assert.deepEqual(
      dirs.filter((d) => !(d in MAY_IMPORT)),
      [],
    );
  });

  it("docs/architecture.md shows the same table", () => {
    const doc = readFileSync(join(REPO_ROOT, "docs", "architecture.md"), "utf8");
    const section = doc.split(/^## Layering$/m)[1]?.split(/^## /m)[0] ?? "";
    const rows = Object.fromEntries(
      [...section.matchAll(/^\| `([a-z]+)` \| (.*?) \|$/gm)].map(([, layer, may]) => [
        layer,
        may === "—" ? [] : [...(may ?? "").matchAll(/`([a-z]+)`/g)].map((m) => m[1]),
      ]),
    );
    assert.deepEqual(rows, MAY_IMPORT, "the Layering table of docs/architecture.md");
  });
});
