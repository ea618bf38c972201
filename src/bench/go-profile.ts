import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { KubeHttp } from "./kube-http.js";

export interface GoProfileTarget {
  /** kube-apiserver, kube-controller-manager, kube-scheduler. */
  name: string;
  /** https://127.0.0.1:PORT of the component's secure port. */
  server: string;
}

/**
 * CPU profiles of the control plane's Go processes (their /debug/pprof/profile, served when the cluster was
 * started with profiling on), taken at the same time over `seconds`, written as DIR/<name>.pprof. Read them
 * with `go tool pprof -top FILE`. Returns the files written; a component that fails is logged and skipped.
 */
export async function profileGoComponents(
  targets: GoProfileTarget[],
  credentials: { caPem: string; token: string },
  seconds: number,
  dir: string,
  log: (line: string) => void,
): Promise<string[]> {
  const files = await Promise.all(
    targets.map(async (t) => {
      // The controller-manager and scheduler serve self-signed certificates (on loopback); the API server's
      // is checked against the cluster CA.
      const http = new KubeHttp(
        { caPem: credentials.caPem, token: credentials.token, server: t.server },
        { insecure: !t.name.endsWith("kube-apiserver") },
      );
      try {
        const profile = await http.bytes("GET", `/debug/pprof/profile?seconds=${seconds}`);
        const file = join(dir, `${t.name}.pprof`);
        writeFileSync(file, profile);
        return file;
      } catch (err) {
        log(`no CPU profile of ${t.name}: ${(err as Error).message}`);
        return undefined;
      } finally {
        http.close();
      }
    }),
  );
  return files.filter((f): f is string => f !== undefined);
}
