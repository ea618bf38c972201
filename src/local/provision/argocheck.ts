/**
 * `argocheck` (tools/argocheck/main.go, ours): judges an object as Argo CD's health scripts (gopher-lua) and
 * Argo Workflows' resource conditions (label selectors over gjson paths) do, built with the libraries those
 * projects use, pinned. Tests use it to check what those tools say about the objects our operator writes.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runChecked } from "../../util/run.js";
import { cacheDir } from "../paths.js";
import { goBuild, goEnv, requireGo } from "./go-builder.js";
import { readStamp, writeStamp } from "./stamp.js";

/** The versions Argo CD (gopher-lua) and Argo Workflows (gjson) build with; labels from Kubernetes' own release. */
export const ARGOCHECK_MODULES = {
  "github.com/yuin/gopher-lua": "v1.1.2",
  "github.com/tidwall/gjson": "v1.19.0",
  "k8s.io/apimachinery": "v0.36.3",
} as const;

export interface ArgocheckBinary {
  argocheck: string;
  key: string;
}

/** tools/argocheck in this checkout (dist/src/local/provision -> repo root). */
export function argocheckSourceDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..", "tools", "argocheck");
}

export function argocheckGoMod(): string {
  const requires = Object.entries(ARGOCHECK_MODULES).map(([m, v]) => `\t${m} ${v}`);
  return ["module sparkplane.local/argocheck", "", "go 1.26", "", "require (", ...requires, ")", ""].join(
    "\n",
  );
}

/** Content key of what is built: the Go source and the pinned modules. */
export function argocheckKey(mainGo: string, goMod = argocheckGoMod()): string {
  return createHash("sha256").update(goMod).update("\0").update(mainGo).digest("hex").slice(0, 16);
}

function readSource(): string {
  const file = join(argocheckSourceDir(), "main.go");
  if (!existsSync(file)) throw new Error(`${file} is missing: argocheck builds from this checkout's tools/`);
  return readFileSync(file, "utf8");
}

/** One place, whatever the key: a changed source is rebuilt over it. */
function outDir(): string {
  return join(cacheDir(), "argocheck");
}

export function findArgocheck(): ArgocheckBinary | undefined {
  const key = argocheckKey(readSource());
  const dir = outDir();
  if (readStamp<{ key: string }>(join(dir, "complete.json"))?.key !== key) return undefined;
  return { argocheck: join(dir, "bin", "argocheck"), key };
}

export async function buildArgocheck(detail: (s: string) => void = () => {}): Promise<ArgocheckBinary> {
  await requireGo("argocheck (the Argo CD / Argo Workflows checks of the tests)");
  const mainGo = readSource();
  const goMod = argocheckGoMod();
  const key = argocheckKey(mainGo, goMod);
  const dir = join(cacheDir(), "build", "argocheck");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "main.go"), mainGo);
  const tidied = join(dir, ".tidied");
  if (!existsSync(join(dir, "go.sum")) || readStamp<{ key: string }>(tidied)?.key !== key) {
    detail("argocheck: resolving Go modules (gopher-lua, gjson, apimachinery)");
    writeFileSync(join(dir, "go.mod"), goMod);
    await runChecked("go", ["mod", "tidy"], { cwd: dir, env: goEnv() });
    writeStamp(tidied, { key });
  }
  detail("argocheck: compiling");
  await goBuild({
    dir,
    outDir: join(outDir(), "bin"),
    binaryName: "argocheck",
    packages: ["."],
    ldflags: "-s -w",
  });
  writeStamp(join(outDir(), "complete.json"), { key, builtAt: new Date().toISOString() });
  return findArgocheck()!;
}

/** The built argocheck; otherwise an error that says to provision. */
export function requireArgocheck(): ArgocheckBinary {
  const found = findArgocheck();
  if (!found) throw new Error("argocheck is not built yet: run `sparkplane provision` first");
  return found;
}
