import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ARGOCHECK_MODULES, argocheckGoMod, argocheckKey, argocheckSourceDir } from "./argocheck.js";

test("argocheck's builder go.mod requires exactly the pinned modules", () => {
  const goMod = argocheckGoMod();
  assert.match(goMod, /^module sparkplane\.local\/argocheck$/m);
  for (const [module, version] of Object.entries(ARGOCHECK_MODULES)) {
    assert.ok(goMod.includes(`\t${module} ${version}\n`), `${module} ${version} in\n${goMod}`);
  }
  assert.equal(
    ARGOCHECK_MODULES["github.com/yuin/gopher-lua"],
    "v1.1.2",
    "the gopher-lua Argo CD builds with",
  );
});

test("argocheck is rebuilt when its source or its pins change, not otherwise", () => {
  const key = argocheckKey("package main\n");
  assert.equal(argocheckKey("package main\n"), key);
  assert.notEqual(argocheckKey("package main // changed\n"), key);
  assert.notEqual(argocheckKey("package main\n", `${argocheckGoMod()}// other pins\n`), key);
});

test("the Go source is found in this checkout", () => {
  assert.ok(existsSync(join(argocheckSourceDir(), "main.go")), argocheckSourceDir());
});
