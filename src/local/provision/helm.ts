import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cacheDir } from "../paths.js";
import { HELM_VERSION } from "../versions.js";
import { downloadedGoMod, goBuild, prepareBuilderModule, requireGo } from "./go-builder.js";
import { readStamp, writeStamp } from "./stamp.js";

export interface HelmBinary {
  helm: string;
  version: string;
  source: "built" | "user";
}

const HELM_MODULE = "helm.sh/helm/v3";
const HELM_COMMAND = `${HELM_MODULE}/cmd/helm`;

function helmDir(version: string): string {
  return join(cacheDir(), "helm", version);
}

/** SPARKPLANE_HELM (a helm binary), or the cached build, or undefined when a build is needed. */
export function findHelm(version = HELM_VERSION): HelmBinary | undefined {
  const user = process.env.SPARKPLANE_HELM;
  if (user) {
    if (!existsSync(user)) throw new Error(`SPARKPLANE_HELM=${user} does not exist: fix or unset it`);
    return { helm: user, version: "user-provided", source: "user" };
  }
  if (readStamp<{ version: string }>(join(helmDir(version), "complete.json"))?.version !== version) {
    return undefined;
  }
  return { helm: join(helmDir(version), "bin", "helm"), version, source: "built" };
}

/** The builder go.mod: helm's own go.mod has no replace directives, so requiring the module is enough. */
export function helmBuilderGoMod(version: string, upstreamGoMod: string): string {
  const goLine = /^go\s+(\S+)/m.exec(upstreamGoMod)?.[1] ?? "1.24";
  return `module sparkplane.local/helmbuilder\n\ngo ${goLine}\n\nrequire ${HELM_MODULE} ${version}\n`;
}

/**
 * ldflags as helm's Makefile sets them: the release for `helm version`, and the Kubernetes version that
 * `helm template`/`helm lint` assume (Capabilities.KubeVersion), derived from the client-go helm requires.
 */
export function helmLdflags(version: string, upstreamGoMod: string): string {
  const clientGo = /^\s*k8s\.io\/client-go\s+v(\d+)\.(\d+)\.\d+/m.exec(upstreamGoMod);
  if (!clientGo) throw new Error(`no k8s.io/client-go requirement in ${HELM_MODULE}@${version}'s go.mod`);
  const major = String(Number(clientGo[1]) + 1);
  const minor = clientGo[2]!;
  const v = `${HELM_MODULE}/internal/version`;
  return [
    "-s",
    "-w",
    `-X ${v}.version=${version}`,
    `-X ${v}.gitTreeState=clean`,
    ...["pkg/lint/rules", "pkg/chartutil"].flatMap((pkg) => [
      `-X ${HELM_MODULE}/${pkg}.k8sVersionMajor=${major}`,
      `-X ${HELM_MODULE}/${pkg}.k8sVersionMinor=${minor}`,
    ]),
  ].join(" ");
}

export async function buildHelm(
  version = HELM_VERSION,
  detail: (s: string) => void = () => {},
): Promise<HelmBinary> {
  await requireGo(`helm ${version}`);
  const dir = join(cacheDir(), "build", `helm-${version}`);
  detail(`helm ${version}: resolving Go modules`);
  const upstream = readFileSync(await downloadedGoMod(HELM_MODULE, version), "utf8");
  await prepareBuilderModule({
    dir,
    goModText: helmBuilderGoMod(version, upstream),
    commandPackages: [HELM_COMMAND],
  });
  detail(`helm ${version}: compiling (3-8 min cold on 2 cores)`);
  await goBuild({
    dir,
    outDir: join(helmDir(version), "bin"),
    binaryName: "helm",
    packages: [HELM_COMMAND],
    ldflags: helmLdflags(version, upstream),
  });
  writeStamp(join(helmDir(version), "complete.json"), { version, builtAt: new Date().toISOString() });
  return findHelm(version)!;
}

/** The helm binary when provisioned; otherwise an error that says to provision. */
export function requireHelm(): HelmBinary {
  const helm = findHelm();
  if (!helm) throw new Error("helm is not provisioned yet: run `sparkplane provision` first");
  return helm;
}
