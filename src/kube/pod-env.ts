import { existsSync, readFileSync } from "node:fs";
import { SERVICE_ACCOUNT_DIR } from "./config.js";

/**
 * Where a process in a pod listens when not told: the pod's IP from the downward API (POD_IP), else loopback.
 * Not 0.0.0.0: on the embedded cluster pods share the host's network, so a wildcard bind would take the port
 * for every pod (a second replica could not start); the pod IP is where kubelets and Prometheus connect.
 */
export function defaultListenHost(env: NodeJS.ProcessEnv): string {
  return env.POD_IP?.trim() || "127.0.0.1";
}

/**
 * The namespace a pod's process keeps its own objects in (the leader-election Lease): POD_NAMESPACE (the
 * downward API), else the service account's namespace file when in-cluster, else "default".
 */
export function defaultOwnNamespace(env: NodeJS.ProcessEnv, saNamespace: string | undefined): string {
  return env.POD_NAMESPACE?.trim() || saNamespace?.trim() || "default";
}

/** The namespace of the mounted service account, if any. */
export function serviceAccountNamespace(dir = SERVICE_ACCOUNT_DIR): string | undefined {
  const file = `${dir}/namespace`;
  return existsSync(file) ? readFileSync(file, "utf8") : undefined;
}
