/**
 * Argo Workflows (the workflow-controller and argoexec, the emissary executor) built from its Go module, the
 * way Kubernetes is: an isolated builder module that requires the pinned release and carries its replaces.
 * Argo's own CRDs and executor Role are copied from the same module's source into the cache, so `up --with
 * argo` installs exactly the release it runs.
 */
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { cacheDir } from "../paths.js";
import { ARGO_WORKFLOWS_VERSION } from "../versions.js";
import { downloadedModule, goBuild, prepareBuilderModule, requireGo } from "./go-builder.js";
import { readStamp, writeStamp } from "./stamp.js";

export const ARGO_MODULE = "github.com/argoproj/argo-workflows/v3";
/** The controller, the executor, and the CLI (whose `argo server` is the API that hera and the CLI talk to). */
export const ARGO_COMMANDS = ["workflow-controller", "argoexec", "argo"] as const;

/**
 * Files of Argo's repository that are symbolic links, which module zips cannot carry (the Go proxy's copy of
 * v3.7.x lacks them, and argoexec does not compile for Linux without the first: "undefined: Setpgid").
 * Restored, as links to the same targets, in the copy of the source the builder compiles.
 */
export const ARGO_SYMLINKS: Readonly<Record<string, string>> = {
  "workflow/executor/osspecific/signal_linux.go": "signal_darwin.go",
};

/**
 * The web UI is built by Argo's Makefile (yarn, webpack) into ui/dist/app, which `argo server` embeds; the
 * module has no such directory. A one-page stand-in lets the server compile; its API is what we use.
 */
const UI_STAND_IN = join("ui", "dist", "app", "index.html");
/** In the module: the CRDs without validation schemas (what Argo's own install manifests use). */
const CRD_SOURCE = join("manifests", "base", "crds", "minimal");
/** In the module: the least the emissary executor needs (create/patch WorkflowTaskResults). */
const EXECUTOR_ROLE_SOURCE = join(
  "manifests",
  "quick-start",
  "base",
  "executor",
  "emissary",
  "executor-role.yaml",
);

export interface ArgoInstall {
  version: string;
  workflowController: string;
  argoexec: string;
  /** Argo's CLI; `argo server` is its API server. */
  argo: string;
  /** Holds argoexec (a PATH entry for pods running Argo's executor image) and the controller. */
  binDir: string;
  /** Argo's CRD manifests (YAML files) of this release. */
  crdFiles: string[];
  /** Argo's executor Role (YAML) of this release. */
  executorRole: string;
}

function argoDir(version: string): string {
  return join(cacheDir(), "argo", version);
}

export function findArgo(version = ARGO_WORKFLOWS_VERSION): ArgoInstall | undefined {
  const dir = argoDir(version);
  if (readStamp<{ version: string }>(join(dir, "complete.json"))?.version !== version) return undefined;
  const crdDir = join(dir, "manifests", "crds");
  const crdFiles = existsSync(crdDir)
    ? readdirSync(crdDir)
        .filter((f) => f.endsWith(".yaml"))
        .sort()
        .map((f) => join(crdDir, f))
    : [];
  return {
    version,
    workflowController: join(dir, "bin", "workflow-controller"),
    argoexec: join(dir, "bin", "argoexec"),
    argo: join(dir, "bin", "argo"),
    binDir: join(dir, "bin"),
    crdFiles,
    executorRole: join(dir, "manifests", "executor-role.yaml"),
  };
}

/** Every `replace` of a go.mod (one-line and block forms), as `old => new version` lines. */
export function goModReplaces(goMod: string): string[] {
  const out: string[] = [];
  let inBlock = false;
  for (const raw of goMod.split("\n")) {
    const line = raw.replace(/\/\/.*$/, "").trim();
    if (inBlock) {
      if (line === ")") inBlock = false;
      else if (line) out.push(line);
    } else if (/^replace\s*\($/.test(line)) inBlock = true;
    else if (line.startsWith("replace ")) out.push(line.slice("replace ".length).trim());
  }
  return out;
}

/** Where the builder keeps its copy of the release's source (relative to the builder module). */
export const ARGO_SOURCE_DIR = "argo-src";

/**
 * The builder go.mod: require the release, compile it from the prepared copy of its source (the module's
 * files plus the symlinks restored), and copy its replaces (Go applies only the main module's, so a
 * dependency's replaces are lost unless repeated). A replace by a local path cannot be repeated outside the
 * repository: that is an error naming it.
 */
export function argoBuilderGoMod(version: string, upstreamGoMod: string): string {
  const replaces = goModReplaces(upstreamGoMod);
  const local = replaces.filter((r) => /=>\s*\.{1,2}\//.test(r));
  if (local.length > 0)
    throw new Error(
      `${ARGO_MODULE}@${version} replaces modules by local paths (${local.join("; ")}): not buildable`,
    );
  const goLine = /^go\s+(\S+)/m.exec(upstreamGoMod)?.[1] ?? "1.24";
  return [
    "module sparkplane.local/argobuilder",
    "",
    `go ${goLine}`,
    "",
    `require ${ARGO_MODULE} ${version}`,
    "",
    `replace ${ARGO_MODULE} => ./${ARGO_SOURCE_DIR}`,
    ...replaces.map((r) => `replace ${r}`),
    "",
  ].join("\n");
}

/** ldflags as Argo's Makefile sets them, so `argoexec version` prints the release. */
export function argoLdflags(version: string, commit = "unknown"): string {
  const v = ARGO_MODULE;
  return [
    "-s",
    "-w",
    `-X ${v}.version=${version}`,
    `-X ${v}.buildDate=1970-01-01T00:00:00Z`,
    `-X ${v}.gitCommit=${commit}`,
    `-X ${v}.gitTreeState=clean`,
    `-X ${v}.gitTag=${version}`,
  ].join(" ");
}

export async function buildArgo(
  version = ARGO_WORKFLOWS_VERSION,
  detail: (s: string) => void = () => {},
): Promise<ArgoInstall> {
  await requireGo(`Argo Workflows ${version}`);
  const dir = join(cacheDir(), "build", `argo-${version}`);
  detail(`Argo Workflows ${version}: resolving Go modules`);
  const mod = await downloadedModule(ARGO_MODULE, version);
  const packages = ARGO_COMMANDS.map((c) => `${ARGO_MODULE}/cmd/${c}`);
  prepareSource(mod.dir, join(dir, ARGO_SOURCE_DIR), version);
  await prepareBuilderModule({
    dir,
    goModText: argoBuilderGoMod(version, readFileSync(mod.goMod, "utf8")),
    commandPackages: packages,
  });
  detail(`Argo Workflows ${version}: compiling ${ARGO_COMMANDS.join(", ")} (10-25 min cold on 2 cores)`);
  const out = argoDir(version);
  await goBuild({ dir, outDir: join(out, "bin"), packages, ldflags: argoLdflags(version, mod.commit) });
  copyManifests(mod.dir, out);
  writeStamp(join(out, "complete.json"), { version, commit: mod.commit, builtAt: new Date().toISOString() });
  return findArgo(version)!;
}

/** A writable copy of the module's source with what the zip lost put back; redone when the release changes. */
function prepareSource(moduleDir: string, dest: string, version: string): void {
  const stamp = join(dest, ".sparkplane-source.json");
  if (readStamp<{ version: string }>(stamp)?.version === version) return;
  rmSync(dest, { recursive: true, force: true });
  cpSync(moduleDir, dest, { recursive: true });
  makeWritable(dest);
  for (const [file, target] of Object.entries(ARGO_SYMLINKS)) {
    const path = join(dest, file);
    if (!existsSync(path)) symlinkSync(target, path);
  }
  mkdirSync(join(dest, UI_STAND_IN, ".."), { recursive: true });
  writeFileSync(
    join(dest, UI_STAND_IN),
    "<!doctype html><title>Argo Workflows</title><p>The web UI is not built in sparkplane's local mode; the API is served.</p>\n",
  );
  writeStamp(stamp, { version, restored: Object.keys(ARGO_SYMLINKS), uiStandIn: UI_STAND_IN });
}

/** GOMODCACHE's files are read-only: the copy must be writable to add files and, later, to be removed. */
function makeWritable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) makeWritable(p);
    else if (e.isFile()) chmodSync(p, 0o644);
  }
}

function copyManifests(moduleDir: string, out: string): void {
  const crdSource = join(moduleDir, CRD_SOURCE);
  const crdOut = join(out, "manifests", "crds");
  mkdirSync(crdOut, { recursive: true });
  const files = readdirSync(crdSource).filter((f) => f.startsWith("argoproj.io_") && f.endsWith(".yaml"));
  if (files.length === 0) throw new Error(`no CRDs in ${crdSource}`);
  for (const f of files) copyFileSync(join(crdSource, f), join(crdOut, f));
  copyFileSync(join(moduleDir, EXECUTOR_ROLE_SOURCE), join(out, "manifests", "executor-role.yaml"));
}

/** The built Argo Workflows; otherwise an error that says to provision. */
export function requireArgo(): ArgoInstall {
  const found = findArgo();
  if (!found)
    throw new Error(
      `Argo Workflows ${ARGO_WORKFLOWS_VERSION} is not built yet: run \`sparkplane provision\` first`,
    );
  return found;
}
