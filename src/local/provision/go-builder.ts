import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run, runChecked } from "../../util/run.js";
import { atLeast, parseVersion } from "../../util/version-compare.js";
import { cacheDir } from "../paths.js";
import { MIN_GO } from "../versions.js";

/** The environment every Go step runs in: caches inside sparkplane's cache dir, no toolchain downloads. */
export function goEnv(): NodeJS.ProcessEnv {
  const root = cacheDir();
  return {
    ...process.env,
    GOMODCACHE: join(root, "go", "mod"),
    GOCACHE: join(root, "go", "build"),
    GOPATH: join(root, "go", "path"),
    GOFLAGS: "-mod=mod",
    GOTOOLCHAIN: "local",
    CGO_ENABLED: "0",
  };
}

export async function requireGo(forWhat: string): Promise<void> {
  const r = await run("go", ["version"], { env: goEnv() });
  const v = r.code === 0 ? parseVersion(r.stdout.replace(/^go version go/, "")) : undefined;
  if (!v) {
    throw new Error(
      `Go ${MIN_GO.join(".")} or newer is needed to build ${forWhat}, and no \`go\` was found on PATH. ` +
        "Install Go (e.g. `apt-get install golang` if your distribution ships a new enough one), " +
        "or point SPARKPLANE_K8S_BIN_DIR / SPARKPLANE_ETCD_BIN_DIR at prebuilt binaries.",
    );
  }
  if (!atLeast(v, MIN_GO)) {
    throw new Error(
      `Go ${v.join(".")} is too old to build ${forWhat}: it needs Go ${MIN_GO.join(".")} or newer. ` +
        "Upgrade Go, or point SPARKPLANE_K8S_BIN_DIR / SPARKPLANE_ETCD_BIN_DIR at prebuilt binaries.",
    );
  }
}

/** Where a downloaded module's go.mod lives (downloads the module's metadata if needed). */
export async function downloadedGoMod(modulePath: string, version: string): Promise<string> {
  return (await downloadedModule(modulePath, version)).goMod;
}

export interface DownloadedModule {
  goMod: string;
  /** The extracted source tree (read-only) in GOMODCACHE. */
  dir: string;
  /** The commit the version's tag points at, when the proxy says. */
  commit?: string;
}

/** Downloads a module (metadata and source) into GOMODCACHE and says where it is. */
export async function downloadedModule(modulePath: string, version: string): Promise<DownloadedModule> {
  mkdirSync(cacheDir(), { recursive: true });
  const r = await runChecked("go", ["mod", "download", "-json", `${modulePath}@${version}`], {
    env: goEnv(),
    cwd: cacheDir(),
  });
  const info = JSON.parse(r.stdout) as {
    GoMod?: string;
    Dir?: string;
    Error?: string;
    Origin?: { Hash?: string };
  };
  if (info.Error || !info.GoMod || !info.Dir)
    throw new Error(`go mod download ${modulePath}@${version}: ${info.Error}`);
  return { goMod: info.GoMod, dir: info.Dir, commit: info.Origin?.Hash };
}

/**
 * Writes an isolated builder module (its own go.mod plus a tools.go importing the commands) and resolves its
 * dependencies. Rewritten on every call: cheap, and it keeps the module in step with the code.
 */
export async function prepareBuilderModule(opts: {
  dir: string;
  goModText: string;
  commandPackages: readonly string[];
}): Promise<void> {
  mkdirSync(opts.dir, { recursive: true });
  const imports = opts.commandPackages.map((p) => `\t_ "${p}"`).join("\n");
  writeFileSync(join(opts.dir, "tools.go"), `//go:build tools\n\npackage tools\n\nimport (\n${imports}\n)\n`);
  const goModPath = join(opts.dir, "go.mod");
  const stampPath = join(opts.dir, ".go.mod.input");
  const tidyDone = existsSync(stampPath) && existsSync(join(opts.dir, "go.sum"));
  const { readFileSync } = await import("node:fs");
  if (tidyDone && readFileSync(stampPath, "utf8") === opts.goModText) return;
  writeFileSync(goModPath, opts.goModText);
  await runChecked("go", ["mod", "tidy"], { cwd: opts.dir, env: goEnv() });
  writeFileSync(stampPath, opts.goModText);
}

/**
 * `go build` of main packages into outDir in a single invocation (shares compilation). With several packages
 * each binary is named after its package; with one, `binaryName` names it.
 */
export async function goBuild(opts: {
  dir: string;
  outDir: string;
  packages: readonly string[];
  ldflags: string;
  binaryName?: string;
  /** Build tags (e.g. to leave out optional parts of a program). */
  tags?: readonly string[];
}): Promise<void> {
  mkdirSync(opts.outDir, { recursive: true });
  const out = opts.binaryName ? join(opts.outDir, opts.binaryName) : `${opts.outDir}/`;
  const tags = opts.tags?.length ? ["-tags", opts.tags.join(",")] : [];
  await runChecked(
    "go",
    ["build", "-trimpath", ...tags, "-ldflags", opts.ldflags, "-o", out, ...opts.packages],
    {
      cwd: opts.dir,
      env: goEnv(),
    },
  );
}
