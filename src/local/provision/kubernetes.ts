import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cacheDir } from "../paths.js";
import { KUBERNETES_VERSION, stagingVersion } from "../versions.js";
import { downloadedGoMod, goBuild, prepareBuilderModule, requireGo } from "./go-builder.js";
import { readStamp, writeStamp } from "./stamp.js";

export const KUBE_COMMANDS = [
  "kube-apiserver",
  "kube-controller-manager",
  "kube-scheduler",
  "kubectl",
] as const;
export type KubeCommand = (typeof KUBE_COMMANDS)[number];
export type KubeBinaries = Record<KubeCommand, string> & { version: string; source: "built" | "user" };

function binDir(version: string): string {
  return join(cacheDir(), "kubernetes", version, "bin");
}

/** Binaries from SPARKPLANE_K8S_BIN_DIR, or the cached build, or undefined when a build is needed. */
export function findKubernetes(version = KUBERNETES_VERSION): KubeBinaries | undefined {
  const userDir = process.env.SPARKPLANE_K8S_BIN_DIR;
  if (userDir) {
    const missing = KUBE_COMMANDS.filter((c) => !existsSync(join(userDir, c)));
    if (missing.length > 0) {
      throw new Error(
        `SPARKPLANE_K8S_BIN_DIR=${userDir} lacks ${missing.join(", ")}: put all of them there or unset it`,
      );
    }
    return withPaths(userDir, "user-provided", "user");
  }
  const stamp = readStamp<{ version: string }>(join(binDir(version), "..", "complete.json"));
  if (stamp?.version !== version) return undefined;
  return withPaths(binDir(version), version, "built");
}

/** kubectl when provisioned (all `sparkplane kubectl` needs); otherwise an error that says to provision. */
export function requireKubectl(): string {
  const kube = findKubernetes();
  if (!kube) throw new Error("kubectl is not provisioned yet: run `sparkplane provision` first");
  return kube.kubectl;
}

function withPaths(dir: string, version: string, source: KubeBinaries["source"]): KubeBinaries {
  const entries = KUBE_COMMANDS.map((c) => [c, join(dir, c)] as const);
  return { ...(Object.fromEntries(entries) as Record<KubeCommand, string>), version, source };
}

/**
 * The builder go.mod: require k8s.io/kubernetes and pin every staging module (which k8s.io/kubernetes
 * replaces with local paths inside its own repository) to its published v0.Y.Z.
 */
export function kubernetesBuilderGoMod(version: string, upstreamGoMod: string): string {
  const staging = [...upstreamGoMod.matchAll(/^\s*(k8s\.io\/[a-z0-9-]+)\s+=>\s+\.\/staging\//gm)].map(
    (m) => m[1]!,
  );
  if (staging.length === 0)
    throw new Error(`no staging replaces found in k8s.io/kubernetes@${version}'s go.mod`);
  const goLine = /^go\s+(\S+)/m.exec(upstreamGoMod)?.[1] ?? "1.24";
  const godebug = /^godebug\s+.*$/m.exec(upstreamGoMod)?.[0];
  const v0 = stagingVersion(version);
  return [
    "module sparkplane.local/kubebuilder",
    "",
    `go ${goLine}`,
    "",
    ...(godebug ? [godebug, ""] : []),
    `require k8s.io/kubernetes ${version}`,
    "",
    ...staging.map((m) => `replace ${m} => ${m} ${v0}`),
    "",
  ].join("\n");
}

/** ldflags as upstream's build sets them, so `--version` prints the real release. */
export function kubernetesLdflags(version: string): string {
  const [, minor] = /^v1\.(\d+)/.exec(version) ?? [];
  const x = (pkg: string) => [
    `-X ${pkg}.gitVersion=${version}`,
    `-X ${pkg}.gitMajor=1`,
    `-X ${pkg}.gitMinor=${minor}`,
    `-X ${pkg}.gitTreeState=clean`,
    `-X ${pkg}.buildDate=1970-01-01T00:00:00Z`,
  ];
  return ["-s", "-w", ...x("k8s.io/component-base/version"), ...x("k8s.io/client-go/pkg/version")].join(" ");
}

export async function buildKubernetes(
  version = KUBERNETES_VERSION,
  detail: (s: string) => void = () => {},
): Promise<KubeBinaries> {
  await requireGo(`Kubernetes ${version}`);
  const dir = join(cacheDir(), "build", `kubernetes-${version}`);
  detail(`Kubernetes ${version}: resolving Go modules`);
  const upstream = readFileSync(await downloadedGoMod("k8s.io/kubernetes", version), "utf8");
  const packages = KUBE_COMMANDS.map((c) => `k8s.io/kubernetes/cmd/${c}`);
  await prepareBuilderModule({
    dir,
    goModText: kubernetesBuilderGoMod(version, upstream),
    commandPackages: packages,
  });
  detail(`Kubernetes ${version}: compiling ${KUBE_COMMANDS.join(", ")} (8-20 min cold on 2 cores)`);
  await goBuild({ dir, outDir: binDir(version), packages, ldflags: kubernetesLdflags(version) });
  writeStamp(join(binDir(version), "..", "complete.json"), { version, builtAt: new Date().toISOString() });
  return findKubernetes(version)!;
}
