import assert from "node:assert/strict";
import { test } from "node:test";
import { ARGO_MODULE, argoBuilderGoMod, argoLdflags, goModReplaces } from "./argo.js";

const upstream = `module github.com/argoproj/argo-workflows/v3

go 1.24.10

require (
	github.com/olekukonko/tablewriter v1.0.7 // indirect
)

replace github.com/olekukonko/tablewriter => github.com/olekukonko/tablewriter v0.0.5 // a comment

replace (
	example.com/a => example.com/b v1.2.3
)
`;

test("every replace is found, one-line and block forms, comments dropped", () => {
  assert.deepEqual(goModReplaces(upstream), [
    "github.com/olekukonko/tablewriter => github.com/olekukonko/tablewriter v0.0.5",
    "example.com/a => example.com/b v1.2.3",
  ]);
  assert.deepEqual(goModReplaces("module x\n\ngo 1.24\n"), []);
});

test("the builder go.mod requires the release, keeps its go line and repeats its replaces", () => {
  const mod = argoBuilderGoMod("v3.7.9", upstream);
  assert.match(mod, /^module sparkplane\.local\/argobuilder$/m);
  assert.match(mod, /^go 1\.24\.10$/m);
  assert.match(mod, new RegExp(`^require ${ARGO_MODULE.replaceAll(".", "\\.")} v3\\.7\\.9$`, "m"));
  assert.match(
    mod,
    /^replace github\.com\/olekukonko\/tablewriter => github\.com\/olekukonko\/tablewriter v0\.0\.5$/m,
  );
  assert.match(mod, /^replace example\.com\/a => example\.com\/b v1\.2\.3$/m);
  assert.match(
    mod,
    /^replace github\.com\/argoproj\/argo-workflows\/v3 => \.\/argo-src$/m,
    "built from the prepared source",
  );
});

test("a replace by a local path cannot be repeated: an error naming it", () => {
  assert.throws(
    () => argoBuilderGoMod("v3.7.9", "module x\n\nreplace example.com/a => ./staging/a\n"),
    /local paths \(example\.com\/a => \.\/staging\/a\)/,
  );
});

test("ldflags stamp the release and commit as Argo's Makefile does", () => {
  const ld = argoLdflags("v3.7.9", "156b4f8");
  assert.match(ld, /^-s -w /);
  assert.match(ld, /-X github\.com\/argoproj\/argo-workflows\/v3\.version=v3\.7\.9/);
  assert.match(ld, /-X github\.com\/argoproj\/argo-workflows\/v3\.gitCommit=156b4f8/);
  assert.match(ld, /-X github\.com\/argoproj\/argo-workflows\/v3\.gitTag=v3\.7\.9/);
});
