import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { StatePaths } from "./paths.js";
import { pkiFile } from "./pki.js";
import { freePort } from "./ports.js";

/**
 * ClusterIPs of Services. A /16: every running SparkApplication with a UI Service holds one ClusterIP, and a
 * /24 ran out after ~250 apps ("failed to allocate a serviceIP"). Its first address, 10.0.0.1 (the
 * `kubernetes` Service), is in the API server's certificate.
 */
export const SERVICE_CIDR = "10.0.0.0/16";
export const SERVICE_ACCOUNT_ISSUER = "https://kubernetes.default.svc.cluster.local";

export interface Ports {
  etcdClient: number;
  etcdPeer: number;
  apiserver: number;
  scheduler: number;
  controllerManager: number;
}

export interface Binaries {
  etcd: string;
  kubeApiserver: string;
  kubeScheduler: string;
  kubeControllerManager: string;
}

export type ComponentName =
  | "etcd"
  | "kube-apiserver"
  | "kube-controller-manager"
  | "kube-scheduler"
  | "operator"
  | "agent"
  | "workflow-controller"
  | "argo-server";

export interface ComponentSpec {
  name: ComponentName;
  command: string;
  args: string[];
  /** An HTTP(S) URL answering 200 once the component is healthy; `node-ready:` = a Ready Node exists. */
  healthUrl: string;
  /** Added to the supervisor's environment. */
  env?: Record<string, string>;
}

export interface ControlPlaneOptions {
  /** Serve Go's /debug/pprof on the API server, controller-manager and scheduler (for benchmarks). */
  profiling?: boolean;
}

/** Set (to 1) in the environment of `sparkplane up`, turns on ControlPlaneOptions.profiling. */
export const PROFILING_ENV = "SPARKPLANE_CONTROL_PLANE_PROFILING";

/** The control plane, in start order. Pure: ports, paths and binaries in, command lines out. */
export function controlPlaneComponents(
  bin: Binaries,
  paths: StatePaths,
  ports: Ports,
  opts: ControlPlaneOptions = {},
): ComponentSpec[] {
  const profiling = `--profiling=${opts.profiling === true}`;
  const pki = (f: Parameters<typeof pkiFile>[1]) => pkiFile(paths.pki, f);
  const etcdUrl = `http://127.0.0.1:${ports.etcdClient}`;
  const peerUrl = `http://127.0.0.1:${ports.etcdPeer}`;
  const delegated = (port: number) => [
    `--kubeconfig=${paths.kubeconfig}`,
    `--authentication-kubeconfig=${paths.kubeconfig}`,
    `--authorization-kubeconfig=${paths.kubeconfig}`,
    "--leader-elect=false",
    "--bind-address=127.0.0.1",
    `--secure-port=${port}`,
    `--cert-dir=${join(paths.pki, "serving")}`,
  ];
  return [
    {
      name: "etcd",
      command: bin.etcd,
      args: [
        "--name=default",
        `--data-dir=${paths.etcdData}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=default=${peerUrl}`,
        "--unsafe-no-fsync",
        "--log-level=warn",
      ],
      healthUrl: `${etcdUrl}/health`,
    },
    {
      name: "kube-apiserver",
      command: bin.kubeApiserver,
      args: [
        `--etcd-servers=${etcdUrl}`,
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        `--secure-port=${ports.apiserver}`,
        `--tls-cert-file=${pki("apiserverCert")}`,
        `--tls-private-key-file=${pki("apiserverKey")}`,
        `--client-ca-file=${pki("caCert")}`,
        `--token-auth-file=${paths.tokens}`,
        "--authorization-mode=Node,RBAC",
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
        `--service-account-key-file=${pki("saPublicKey")}`,
        `--service-account-signing-key-file=${pki("saPrivateKey")}`,
        "--allow-privileged=true",
        "--kubelet-preferred-address-types=InternalIP",
        `--audit-policy-file=${paths.auditPolicy}`,
        `--audit-log-path=${paths.auditLog}`,
        "--audit-log-format=json",
        "--audit-log-maxsize=200",
        "--audit-log-maxbackup=1",
        profiling,
        `--cert-dir=${join(paths.pki, "serving")}`,
      ],
      healthUrl: `https://127.0.0.1:${ports.apiserver}/readyz`,
    },
    {
      name: "kube-controller-manager",
      command: bin.kubeControllerManager,
      args: [
        ...delegated(ports.controllerManager),
        `--service-account-private-key-file=${pki("saPrivateKey")}`,
        `--root-ca-file=${pki("caCert")}`,
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        profiling,
      ],
      healthUrl: `https://127.0.0.1:${ports.controllerManager}/healthz`,
    },
    {
      name: "kube-scheduler",
      command: bin.kubeScheduler,
      args: [...delegated(ports.scheduler), profiling],
      healthUrl: `https://127.0.0.1:${ports.scheduler}/healthz`,
    },
  ];
}

/** The sparkplane CLI entry, for running sparkplane's own components as child processes. */
export const SPARKPLANE_BIN = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "..",
  "bin",
  "sparkplane.js",
);

/**
 * Node/V8 flags of the operator process. `--optimize-for-size` keeps V8's heap close to what is live instead of
 * growing it for allocation bursts: measured with `sparkplane bench submit`, the operator's RSS with 10,000
 * apps cached went from 245-268 MB (peaks to 275) to 213 MB (peak 215), and at 2000 apps from ~210 to 150 MB,
 * for about 1.5 ms more CPU per submitted app (5.5 -> 7 ms), a few percent of a burst's CPU, where the
 * control plane takes over 80%. Start the operator the same way elsewhere: `node --optimize-for-size
 * bin/sparkplane.js operator ...`.
 */
export const OPERATOR_NODE_FLAGS: readonly string[] = ["--optimize-for-size"];

/** sparkplane's own processes on top of the control plane: the operator and the node agent, as asked. */
export async function sparkplaneComponents(
  paths: StatePaths,
  opts: { operator: boolean; agent: boolean; nodePools?: string[] },
): Promise<ComponentSpec[]> {
  const specs: ComponentSpec[] = [];
  if (opts.operator) {
    const port = await freePort();
    specs.push({
      name: "operator",
      command: process.execPath,
      args: [
        ...OPERATOR_NODE_FLAGS,
        SPARKPLANE_BIN,
        "operator",
        `--kubeconfig=${paths.kubeconfig}`,
        `--metrics-port=${port}`,
        `--state-dir=${paths.root}`,
      ],
      healthUrl: `http://127.0.0.1:${port}/readyz`,
    });
  }
  if (opts.agent) {
    specs.push({
      name: "agent",
      command: process.execPath,
      args: [
        SPARKPLANE_BIN,
        "agent",
        `--kubeconfig=${paths.kubeconfig}`,
        `--state-dir=${paths.root}`,
        ...(opts.nodePools ?? []).map((p) => `--node-pool=${p}`),
      ],
      // Healthy once a Ready node is registered (the supervisor checks nodes through the API server).
      healthUrl: "node-ready:",
    });
  }
  return specs;
}
