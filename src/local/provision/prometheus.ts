import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cacheDir } from "../paths.js";
import { PROMETHEUS_VERSION } from "../versions.js";
import { downloadedGoMod, goBuild, prepareBuilderModule, requireGo } from "./go-builder.js";
import { readStamp, writeStamp } from "./stamp.js";

/** Prometheus and promtool: the tests scrape the operator with the real thing and lint its /metrics. */
export interface PrometheusBinaries {
  prometheus: string;
  promtool: string;
  version: string;
  source: "built" | "user";
}

const MODULE = "github.com/prometheus/prometheus";
export const PROMETHEUS_COMMANDS = [`${MODULE}/cmd/prometheus`, `${MODULE}/cmd/promtool`] as const;
/**
 * Every service-discovery plugin left out (static targets are all the tests use): far fewer packages to
 * compile (no cloud SDKs). Without `builtinassets` the web UI is not embedded; the HTTP API is all we need.
 */
export const PROMETHEUS_BUILD_TAGS = ["remove_all_sd"] as const;

function installDir(version: string): string {
  return join(cacheDir(), "prometheus", version);
}

export function findPrometheus(version = PROMETHEUS_VERSION): PrometheusBinaries | undefined {
  const userDir = process.env.SPARKPLANE_PROMETHEUS_BIN_DIR;
  if (userDir) {
    const missing = ["prometheus", "promtool"].filter((b) => !existsSync(join(userDir, b)));
    if (missing.length > 0)
      throw new Error(
        `SPARKPLANE_PROMETHEUS_BIN_DIR=${userDir} lacks ${missing.join(", ")}: fix or unset it`,
      );
    return binaries(userDir, "user-provided", "user");
  }
  const dir = installDir(version);
  if (readStamp<{ version: string }>(join(dir, "complete.json"))?.version !== version) return undefined;
  return binaries(join(dir, "bin"), version, "built");
}

function binaries(dir: string, version: string, source: PrometheusBinaries["source"]): PrometheusBinaries {
  return { prometheus: join(dir, "prometheus"), promtool: join(dir, "promtool"), version, source };
}

/** The release a module version stands for: v0.316.0 -> 3.16.0. */
export function prometheusRelease(moduleVersion: string): string {
  const m = /^v0\.(\d+)(\d\d)\.(\d+)$/.exec(moduleVersion);
  if (!m) throw new Error(`SPARKPLANE_PROMETHEUS_VERSION must look like v0.316.0, got "${moduleVersion}"`);
  return `${Number(m[1])}.${Number(m[2])}.${m[3]}`;
}

export function prometheusBuilderGoMod(version: string, upstreamGoMod: string): string {
  const goLine = /^go\s+(\S+)/m.exec(upstreamGoMod)?.[1] ?? "1.24";
  return `module sparkplane.local/prometheusbuilder\n\ngo ${goLine}\n\nrequire ${MODULE} ${version}\n`;
}

/** What `prometheus --version` prints, as upstream's release build stamps it. */
export function prometheusLdflags(version: string): string {
  const pkg = "github.com/prometheus/common/version";
  return [
    "-s",
    "-w",
    `-X ${pkg}.Version=${prometheusRelease(version)}`,
    `-X ${pkg}.Revision=${version}`,
    `-X ${pkg}.Branch=HEAD`,
    `-X ${pkg}.BuildUser=sparkplane`,
    `-X ${pkg}.BuildDate=19700101-00:00:00`,
  ].join(" ");
}

/** Both commands in one `go build`, so the packages they share compile once. */
export async function buildPrometheus(
  version = PROMETHEUS_VERSION,
  detail: (s: string) => void = () => {},
): Promise<PrometheusBinaries> {
  prometheusRelease(version);
  await requireGo(`Prometheus ${version}`);
  const dir = join(cacheDir(), "build", `prometheus-${version}`);
  detail(`Prometheus ${prometheusRelease(version)} (${MODULE}@${version}): resolving Go modules`);
  const upstream = readFileSync(await downloadedGoMod(MODULE, version), "utf8");
  await prepareBuilderModule({
    dir,
    goModText: prometheusBuilderGoMod(version, upstream),
    commandPackages: PROMETHEUS_COMMANDS,
  });
  detail(
    `Prometheus ${prometheusRelease(version)}: compiling prometheus, promtool (3-10 min cold on 2 cores)`,
  );
  await goBuild({
    dir,
    outDir: join(installDir(version), "bin"),
    packages: PROMETHEUS_COMMANDS,
    tags: PROMETHEUS_BUILD_TAGS,
    ldflags: prometheusLdflags(version),
  });
  writeStamp(join(installDir(version), "complete.json"), { version, builtAt: new Date().toISOString() });
  return findPrometheus(version)!;
}
