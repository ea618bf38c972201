import { existsSync } from "node:fs";
import { join } from "node:path";
import { cacheDir } from "../paths.js";
import { ETCD_VERSION } from "../versions.js";
import { goBuild, prepareBuilderModule, requireGo } from "./go-builder.js";
import { readStamp, writeStamp } from "./stamp.js";

export interface EtcdBinary {
  etcd: string;
  version: string;
  source: "built" | "user";
}

const ETCD_MODULE = "go.etcd.io/etcd/server/v3";

export function findEtcd(version = ETCD_VERSION): EtcdBinary | undefined {
  const userDir = process.env.SPARKPLANE_ETCD_BIN_DIR;
  if (userDir) {
    const etcd = join(userDir, "etcd");
    if (!existsSync(etcd))
      throw new Error(`SPARKPLANE_ETCD_BIN_DIR=${userDir} has no etcd binary: fix or unset it`);
    return { etcd, version: "user-provided", source: "user" };
  }
  const dir = join(cacheDir(), "etcd", version);
  if (readStamp<{ version: string }>(join(dir, "complete.json"))?.version !== version) return undefined;
  return { etcd: join(dir, "bin", "etcd"), version, source: "built" };
}

/** etcd's server module has its main package at the root and replace directives of its own: build it from a builder module. */
export function etcdBuilderGoMod(version: string): string {
  return `module sparkplane.local/etcdbuilder\n\ngo 1.24\n\nrequire ${ETCD_MODULE} ${version}\n`;
}

export async function buildEtcd(
  version = ETCD_VERSION,
  detail: (s: string) => void = () => {},
): Promise<EtcdBinary> {
  await requireGo(`etcd ${version}`);
  const dir = join(cacheDir(), "build", `etcd-${version}`);
  detail(`etcd ${version}: resolving Go modules`);
  await prepareBuilderModule({ dir, goModText: etcdBuilderGoMod(version), commandPackages: [ETCD_MODULE] });
  detail(`etcd ${version}: compiling`);
  const outDir = join(cacheDir(), "etcd", version, "bin");
  await goBuild({ dir, outDir, binaryName: "etcd", packages: [ETCD_MODULE], ldflags: "-s -w" });
  writeStamp(join(cacheDir(), "etcd", version, "complete.json"), {
    version,
    builtAt: new Date().toISOString(),
  });
  return findEtcd(version)!;
}
