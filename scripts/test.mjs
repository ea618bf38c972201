#!/usr/bin/env node
// The test command (`npm test`): build, provision (cached), start one embedded cluster for the whole run,
// run every test file with node:test, and always stop the cluster.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
/** Every compiled *.test.js below dir (explicit, so helpers under test/ are not run as tests). */
const testFiles = (dir) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".test.js"))
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
const step = (label) => console.error(`\n== ${label}`);
const sh = (cmd, args, env = process.env) => {
  const r = spawnSync(cmd, args, { stdio: "inherit", cwd: root, env });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

step("build (tsc)");
sh("npx", ["tsc", "-p", "tsconfig.json"]);
step("lint and format check (biome)");
sh("npx", ["biome", "check", "src", "test", "scripts", "bin"]);
step("provision (cached after the first run)");
sh(process.execPath, ["bin/sparkplane.js", "provision"]);

const { up, down } = await import(join(root, "dist/src/local/cluster.js"));
const stateDir = mkdtempSync(join(tmpdir(), "sparkplane-testrun-"));
step(`embedded cluster for the test run (${stateDir})`);
const t0 = Date.now();
const cluster = await up({
  stateDir,
  agent: false,
  operator: false,
  exitWith: process.pid,
  onActivity: (a) => console.error(`  ${a}`),
});
console.error(`  ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${cluster.server}`);

let code = 1;
try {
  step("tests");
  const given = process.argv.slice(2);
  const files = given.length ? given : ["dist/src", "dist/test"].flatMap((d) => testFiles(join(root, d)));
  const r = spawnSync(
    process.execPath,
    ["--test", "--test-reporter=spec", "--test-concurrency=2", ...files],
    { stdio: "inherit", cwd: root, env: { ...process.env, SPARKPLANE_TEST_STATE_DIR: stateDir } },
  );
  code = r.status ?? 1;
} finally {
  await down(stateDir);
  rmSync(stateDir, { recursive: true, force: true });
}
process.exit(code);
