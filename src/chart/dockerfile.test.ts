import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { lastOf, parseDockerfile, unpinnedReason } from "./dockerfile.js";
import { CHART_DIR } from "./install.js";

const REPO_ROOT = new URL("../../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, REPO_ROOT), "utf8");

describe("Dockerfile parsing", () => {
  it("splits stages, joins continuation lines and drops comments", () => {
    const stages = parseDockerfile("# c\nFROM a:1 AS build\nRUN x \\\n  y\nFROM b:2\nUSER 1\n");
    assert.deepEqual(stages, [
      { from: "a:1", name: "build", instructions: [{ keyword: "RUN", args: "x    y" }] },
      { from: "b:2", name: undefined, instructions: [{ keyword: "USER", args: "1" }] },
    ]);
  });

  it("knows pinned from unpinned references", () => {
    assert.equal(unpinnedReason("node:20.19.5-bookworm-slim"), undefined);
    assert.equal(unpinnedReason(`gcr.io/x/y@sha256:${"a".repeat(64)}`), undefined);
    assert.match(unpinnedReason("node") ?? "", /no tag/);
    assert.match(unpinnedReason("localhost:5000/node") ?? "", /no tag/);
    assert.match(unpinnedReason("node:latest") ?? "", /latest/);
  });
});

describe("the operator image (Dockerfile, checked statically: no container engine here)", () => {
  const stages = parseDockerfile(read("Dockerfile"));
  const runtime = stages.at(-1)!;

  it("is multi-stage, every base image pinned by tag or digest", () => {
    assert.ok(stages.length >= 2, "a build stage and a runtime stage");
    for (const stage of stages) assert.equal(unpinnedReason(stage.from), undefined, stage.from);
  });

  it("builds with npm ci and tsc on Node 20, runs on a Node 20 distroless or slim image", () => {
    assert.match(stages[0]!.from, /^node:20\./);
    assert.ok(stages[0]!.instructions.some((i) => i.keyword === "RUN" && /\bnpm ci\b/.test(i.args)));
    assert.match(runtime.from, /distroless\/nodejs20|^node:20[.-].*slim/);
  });

  it("runs as a numeric non-root user", () => {
    const user = lastOf(runtime, "USER") ?? "";
    const [uid, gid] = user.split(":");
    assert.match(uid ?? "", /^\d+$/, "numeric uid, so runAsNonRoot can verify it");
    assert.notEqual(Number(uid), 0);
    if (gid !== undefined) assert.match(gid, /^\d+$/);
  });

  it("needs no shell at run time: exec-form ENTRYPOINT of the operator command, no RUN in the final stage", () => {
    const entrypoint = JSON.parse(lastOf(runtime, "ENTRYPOINT") ?? "null") as string[];
    assert.ok(Array.isArray(entrypoint), "exec form (a JSON array)");
    assert.match(entrypoint[0] ?? "", /(^|\/)node$/);
    assert.deepEqual(entrypoint.slice(1), ["--optimize-for-size", "bin/sparkplane.js", "operator"]);
    assert.ok(!runtime.instructions.some((i) => i.keyword === "RUN" || i.keyword === "CMD"));
  });

  it("is the image the chart deploys by default", () => {
    const values = parse(read(`${CHART_DIR}/values.yaml`)) as {
      image: { registry: string; repository: string; tag: string };
    };
    const label = /io\.sparkplane\.image\.repository="([^"]+)"/.exec(lastOf(runtime, "LABEL") ?? "")?.[1];
    assert.equal(label, `${values.image.registry}/${values.image.repository}`);
    assert.equal(values.image.tag, "", "the tag defaults to the chart's appVersion");
    const chart = parse(read(`${CHART_DIR}/Chart.yaml`)) as { appVersion: string };
    const pkg = JSON.parse(read("package.json")) as { version: string };
    assert.equal(chart.appVersion, pkg.version, "appVersion (the image tag) is sparkplane's version");
  });

  it("sends only the sources to the build (.dockerignore)", () => {
    const ignore = read(".dockerignore").split("\n");
    assert.ok(ignore.includes("*"), "everything is excluded first");
    for (const needed of ["!package.json", "!package-lock.json", "!src/", "!bin/"]) {
      assert.ok(ignore.includes(needed), needed);
    }
  });
});
