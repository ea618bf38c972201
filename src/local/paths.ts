import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** Where provisioned binaries, Go caches and Spark live: outside any repository, shared by all clusters. */
export function cacheDir(): string {
  return resolve(process.env.SPARKPLANE_CACHE ?? join(homedir(), ".cache", "sparkplane"));
}

/** The default state dir of the embedded cluster (certificates, etcd data, logs, pid files). */
export function defaultStateDir(): string {
  return resolve(
    process.env.SPARKPLANE_STATE_DIR ?? join(homedir(), ".local", "state", "sparkplane", "default"),
  );
}

export function resolveStateDir(flag?: string): string {
  return flag ? resolve(flag) : defaultStateDir();
}

/** The files of one cluster's state dir, in one place. */
export function statePaths(stateDir: string) {
  return {
    root: stateDir,
    pki: join(stateDir, "pki"),
    etcdData: join(stateDir, "etcd"),
    logs: join(stateDir, "logs"),
    pids: join(stateDir, "pids"),
    kubeconfig: join(stateDir, "kubeconfig"),
    clusterJson: join(stateDir, "cluster.json"),
    tokens: join(stateDir, "pki", "tokens.csv"),
    auditPolicy: join(stateDir, "audit-policy.yaml"),
    auditLog: join(stateDir, "logs", "kube-apiserver-audit.log"),
  };
}
export type StatePaths = ReturnType<typeof statePaths>;
