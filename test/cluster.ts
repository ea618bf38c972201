import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import { loadKubeConfig } from "../src/kube/config.js";
import { down, up } from "../src/local/cluster.js";

export interface TestCluster {
  kubeconfig: string;
  stateDir: string;
  kc: KubeConfig;
}

let shared: Promise<TestCluster> | undefined;

/**
 * The cluster of this test run: the one `npm test` started (SPARKPLANE_TEST_STATE_DIR), or, when a test file
 * runs on its own, a private cluster tied to this process's life.
 */
export function testCluster(): Promise<TestCluster> {
  shared ??= (async () => {
    const given = process.env.SPARKPLANE_TEST_STATE_DIR;
    const stateDir = given ?? mkdtempSync(join(tmpdir(), "sparkplane-test-"));
    const c = await up({
      stateDir,
      agent: false,
      operator: false,
      exitWith: given ? undefined : process.pid,
    });
    return { kubeconfig: c.kubeconfig, stateDir, kc: loadKubeConfig(c.kubeconfig) };
  })();
  return shared;
}

/** A cluster of the test's own, in a fresh state dir; stop it with `down(stateDir)`. */
export async function privateCluster(
  opts: { exitWithMe?: boolean; argo?: boolean } = {},
): Promise<TestCluster> {
  const stateDir = mkdtempSync(join(tmpdir(), "sparkplane-own-"));
  const c = await up({
    stateDir,
    agent: false,
    operator: false,
    argo: opts.argo,
    exitWith: opts.exitWithMe === false ? undefined : process.pid,
  });
  return { kubeconfig: c.kubeconfig, stateDir, kc: loadKubeConfig(c.kubeconfig) };
}

export { down };

/** A fresh namespace in the shared cluster, so tests never see each other's objects. */
export async function freshNamespace(prefix = "t"): Promise<{ name: string; cluster: TestCluster }> {
  const cluster = await testCluster();
  const name = `${prefix}-${randomBytes(4).toString("hex")}`;
  await cluster.kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });
  return { name, cluster };
}

/** Pids of live (non-zombie) processes whose command line contains `needle`. */
export function processesMentioning(needle: string): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) return false;
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}
