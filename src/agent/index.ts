import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { arch, release } from "node:os";
import { dirname, join } from "node:path";
import {
  CoordinationV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  type V1EndpointSlice,
  type V1Pod,
  type V1Service,
  type V1Taint,
  VersionApi,
} from "@kubernetes/client-node";
import { type Logger, pino } from "pino";
import { parseKubernetesQuantity } from "../api/quantity.js";
import { loadKubeConfig } from "../kube/config.js";
import { SPARKPLANE_BIN } from "../local/components.js";
import { statePaths } from "../local/paths.js";
import { generatePki, pkiFile } from "../local/pki.js";
import { findToolset } from "../local/provision/index.js";
import type { SparkInstall } from "../local/provision/spark.js";
import { startApiRelay } from "./api-relay.js";
import { type Capacity, type ImageRule, type NodePool, resolvePools } from "./config.js";
import type { RunContext } from "./container-spec.js";
import { preferredSubnet } from "./ipam.js";
import { Reflector } from "./kube-watch.js";
import { startKubeletServer } from "./kubelet-server.js";
import { type AgentNode, agentNodes, goArch, type NodeFacts } from "./node-object.js";
import { DEFAULT_TIMINGS, NodeManager, type NodeTimings } from "./nodes.js";
import { PodRegistry } from "./pod-registry.js";
import { ProcessMonitor } from "./processes.js";
import type { HostFs } from "./sandbox.js";
import type { SparkRuntime } from "./spark-image.js";
import { statsSummary } from "./usage.js";

export type { Capacity, ImageRule, NodePool } from "./config.js";
export { parseImageRule, parseLabels, parseNodePool, parseTaints } from "./config.js";

export interface AgentOptions {
  /** The cluster's state dir: the agent keeps its files in <stateDir>/agent/<name>/, pid files in <stateDir>/pids/. */
  stateDir: string;
  /** Default: <stateDir>/kubeconfig (the embedded cluster's admin kubeconfig). */
  kubeconfig?: string;
  /** The agent's name (its directory, and the default pool's name). Default "sparkplane". */
  name?: string;
  /** Nodes in the default pool (`<name>-0`, ...). Default 1, and no default pool when nodePools are given. */
  nodes?: number;
  capacity?: Partial<Capacity>;
  labels?: Record<string, string>;
  taints?: V1Taint[];
  nodePools?: NodePool[];
  /** Kubelet port on every node address (falls back to a free port). Default 10250. */
  kubeletPort?: number;
  imageRules?: ImageRule[];
  /** kill (default): SIGKILL a container whose process group's RSS exceeds its limit (OOMKilled); report: event only. */
  memoryEnforcement?: "kill" | "report" | "off";
  /** Private mount namespaces for pods. Default: when running as root with a working unshare(1). */
  mountNamespaces?: boolean;
  /** Delete the Node objects on stop (default: report them NotReady). */
  deleteNodesOnStop?: boolean;
  /** Base of the CrashLoopBackOff delay. Default 10 s. */
  restartBackoffMs?: number;
  /** Longest grace period the agent gives pods when it stops itself. Default 10 s. */
  stopGraceSeconds?: number;
  timings?: Partial<NodeTimings>;
  logger?: Logger;
}

export interface Agent {
  name: string;
  nodes: AgentNode[];
  /** 127.<subnet>.0.0/16 holds this agent's node and pod addresses. */
  subnet: number;
  /** Where kubernetes.default.svc points in pods (a TCP relay to the API server on :443). */
  apiRelay: string;
  mountNamespaces: boolean;
  kubeletPorts: Record<string, number>;
  /** The pods this agent runs now. */
  pods(): { namespace: string; name: string; uid: string; podIP?: string }[];
  /** keepPods: leave the pods' processes running for the next agent to adopt (default: stop them). */
  stop(opts?: { keepPods?: boolean }): Promise<void>;
}

/** The provisioned Sparks as the agent runs them, the default first; the Connect jar only for Spark 3.x. */
function sparkRuntimes(tools: ReturnType<typeof findToolset>): SparkRuntime[] {
  const runtime = (
    spark: SparkInstall | undefined,
    examplesDir: string | undefined,
    connectJarsDir?: string,
  ) =>
    spark
      ? [
          {
            version: spark.version,
            sparkHome: spark.sparkHome,
            python: spark.python,
            examplesDir,
            connectJarsDir,
            javaHome: process.env.JAVA_HOME,
          },
        ]
      : [];
  return [
    ...runtime(tools.spark, tools.examples?.dir, tools.connect?.dir),
    ...runtime(tools.spark4, tools.examples4?.dir),
  ];
}

function which(cmd: string): string | undefined {
  const r = spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" });
  const p = r.stdout.trim();
  return r.status === 0 && p.startsWith("/") ? p : undefined;
}

/** Mount namespaces work here: root, unshare(1) present, and a trial run succeeds. */
export function probeMountNamespaces(unshare: string | undefined): boolean {
  if (!unshare || process.getuid?.() !== 0) return false;
  return (
    spawnSync(unshare, ["--mount", "--uts", "--propagation", "private", "true"], { timeout: 10_000 })
      .status === 0
  );
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return undefined;
  }
}

function osImage(): string {
  const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readText("/etc/os-release") ?? "");
  return m?.[1] ?? "Linux";
}

async function kubeletTls(stateDir: string): Promise<{ cert: string; key: string }> {
  const pki = statePaths(stateDir).pki;
  const cert = readText(pkiFile(pki, "kubeletCert"));
  const key = readText(pkiFile(pki, "kubeletKey"));
  if (cert && key) return { cert, key };
  const generated = await generatePki();
  return { cert: generated.kubeletCert, key: generated.kubeletKey };
}

const hostFs: HostFs = {
  exists: (p) => existsSync(p),
  isDir: (p) => statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false,
  realpath: (p) => realpathSync(p),
};

/**
 * Starts the node agent: claims a loopback subnet, serves each node's kubelet endpoint, registers the
 * nodes (leases, Ready), and runs the pods the scheduler binds to them as local processes.
 */
export async function startAgent(opts: AgentOptions): Promise<Agent> {
  const name = opts.name ?? "sparkplane";
  const log = (
    opts.logger ?? pino({ level: process.env.SPARKPLANE_LOG_LEVEL ?? "info" }, pino.destination(2))
  ).child({ agent: name });
  const stateDir = opts.stateDir;
  const kc = loadKubeConfig(opts.kubeconfig ?? statePaths(stateDir).kubeconfig);
  const server = new URL(kc.getCurrentCluster()?.server ?? "https://127.0.0.1:6443");
  const api = { host: server.hostname, port: Number(server.port || 443) };
  const agentDir = join(stateDir, "agent", name);
  mkdirSync(agentDir, { recursive: true });
  const saved = JSON.parse(readText(join(agentDir, "agent.json")) ?? "{}") as {
    subnet?: number;
    machineID?: string;
  };
  const pools = resolvePools({ ...opts, name });
  const relay = await startApiRelay(saved.subnet ?? preferredSubnet(`${stateDir}:${name}`), api);
  const machineID = saved.machineID ?? readText("/etc/machine-id") ?? randomUUID().replaceAll("-", "");
  writeFileSync(join(agentDir, "agent.json"), `${JSON.stringify({ subnet: relay.subnet, machineID })}\n`);
  const nodes = agentNodes(pools, relay.subnet);
  const core = kc.makeApiClient(CoreV1Api);
  const cleanups: (() => Promise<void> | void)[] = [
    () => new Promise<void>((r) => relay.server.close(() => r())),
  ];
  try {
    const tls = await kubeletTls(stateDir);
    const kubeletPorts: Record<string, number> = {};
    const startTime = new Date().toISOString();
    let registry: PodRegistry | undefined;
    for (const node of nodes) {
      const s = await startKubeletServer({
        host: node.internalIP,
        port: opts.kubeletPort ?? 10250,
        ...tls,
        lookup: (ns, n) => registry?.lookup(ns, n),
        summary: () =>
          registry?.stats.summary({ name: node.name, startTime }) ??
          statsSummary({ name: node.name, startTime }, [], Date.now(), new Map()),
        log,
      });
      kubeletPorts[node.name] = s.port;
      cleanups.push(() => new Promise<void>((r) => s.server.close(() => r())));
    }
    const version = await kc
      .makeApiClient(VersionApi)
      .getCode()
      .then((v) => v.gitVersion)
      .catch(() => "v0.0.0");
    const facts = (node: AgentNode): NodeFacts => ({
      agentName: name,
      kubeletPort: kubeletPorts[node.name]!,
      kubeletVersion: version,
      kernelVersion: release(),
      osImage: osImage(),
      architecture: goArch(arch()),
      machineID,
      bootID: readText("/proc/sys/kernel/random/boot_id") ?? machineID,
    });
    const nodeManager = new NodeManager(
      core,
      kc.makeApiClient(CoordinationV1Api),
      nodes,
      facts,
      { ...DEFAULT_TIMINGS, ...opts.timings },
      log,
    );
    await nodeManager.register();
    nodeManager.start();
    cleanups.unshift(() => nodeManager.stop({ deleteNodes: opts.deleteNodesOnStop }));

    const unshare = which("unshare");
    const mountNamespaces = opts.mountNamespaces ?? probeMountNamespaces(unshare);
    if (!mountNamespaces)
      log.warn(
        "no private mount namespaces (needs root and unshare): pod paths are rewritten to host paths instead",
      );
    const tools = findToolset();
    const ctx: RunContext = {
      api,
      imageRules: opts.imageRules ?? [],
      sparks: sparkRuntimes(tools),
      sparkplane: { node: process.execPath, root: dirname(dirname(SPARKPLANE_BIN)) },
      argo: tools.argo && { binDir: tools.argo.binDir },
      hostPath: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
      namespaces: mountNamespaces,
    };
    if (ctx.sparks.length === 0)
      log.warn("Spark is not provisioned: Spark-image pods will not start (run `sparkplane provision`)");
    else log.info({ versions: ctx.sparks.map((s) => s.version) }, "Spark runtimes for Spark-image pods");
    const cap = pools[0]?.capacity;
    const monitor = new ProcessMonitor();
    const discovery = kc.makeApiClient(DiscoveryV1Api);
    const serviceWatch = new Reflector<V1Service>({
      kc,
      log,
      name: "services",
      path: "/api/v1/services",
      list: () => core.listServiceForAllNamespaces(),
      onEvent: () => registry?.servicesChanged(),
    });
    const sliceWatch = new Reflector<V1EndpointSlice>({
      kc,
      log,
      name: "endpointslices",
      path: "/apis/discovery.k8s.io/v1/endpointslices",
      list: () => discovery.listEndpointSliceForAllNamespaces(),
      onEvent: () => registry?.servicesChanged(),
    });
    // Running pods cluster-wide: Service names resolve to them (EndpointSlices cannot hold loopback addresses).
    const runningWatch = new Reflector<V1Pod>({
      kc,
      log,
      name: "running pods",
      path: "/api/v1/pods",
      query: { fieldSelector: "status.phase=Running" },
      list: () => core.listPodForAllNamespaces({ fieldSelector: "status.phase=Running" }),
      onEvent: () => registry?.servicesChanged(),
    });
    const pods = new PodRegistry(
      nodes,
      {
        core,
        ctx,
        agentDir,
        stateDir,
        pidsDir: statePaths(stateDir).pids,
        bins: { sh: which("sh") ?? "/bin/sh", unshare },
        hostFs,
        monitor,
        allocatable: {
          cpu: parseKubernetesQuantity(cap?.cpu ?? "16") ?? 16,
          memory: parseKubernetesQuantity(cap?.memory ?? "64Gi") ?? 0,
          "ephemeral-storage": parseKubernetesQuantity(cap?.["ephemeral-storage"] ?? "100Gi") ?? 0,
        },
        backoffBaseMs: opts.restartBackoffMs ?? 10_000,
        memory: opts.memoryEnforcement ?? "kill",
        stopGraceMs: (opts.stopGraceSeconds ?? 10) * 1000,
        log,
      },
      core,
      {
        apiRelayIP: relay.address,
        services: () => [...serviceWatch.cache.values()],
        slices: () => [...sliceWatch.cache.values()],
        pods: () => [...runningWatch.cache.values()],
      },
      log,
    );
    registry = pods;
    const podWatches = nodes.map(
      (node) =>
        new Reflector<V1Pod>({
          kc,
          log,
          name: `pods on ${node.name}`,
          path: "/api/v1/pods",
          query: { fieldSelector: `spec.nodeName=${node.name}` },
          list: () => core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node.name}` }),
          onEvent: (type, pod) => pods.onPod(type, pod),
        }),
    );
    const clusterWatches = [serviceWatch, sliceWatch, runningWatch] as const;
    for (const w of clusterWatches) w.start();
    // Hosts files need the Services before pods start (a bounded wait: pods re-render when they arrive).
    await Promise.race([
      Promise.all(clusterWatches.map((w) => w.synced)),
      new Promise((r) => setTimeout(r, 10_000)),
    ]);
    for (const w of podWatches) w.start();
    void Promise.all(podWatches.map((w) => w.synced)).then(() => pods.cleanupOrphans());
    log.info(
      {
        nodes: nodes.map((n) => `${n.name}=${n.internalIP}:${kubeletPorts[n.name]}`),
        subnet: relay.subnet,
        mountNamespaces,
      },
      "agent started",
    );

    let stopped: Promise<void> | undefined;
    return {
      name,
      nodes,
      subnet: relay.subnet,
      apiRelay: relay.address,
      mountNamespaces,
      kubeletPorts,
      pods: () =>
        pods.list().map((w) => ({
          namespace: w.name.split("/")[0]!,
          name: w.name.split("/")[1]!,
          uid: w.uid,
          podIP: w.podIP,
        })),
      stop: (stopOpts = {}) => {
        stopped ??= (async () => {
          for (const w of [...clusterWatches, ...podWatches]) w.stop();
          await pods.stop(stopOpts.keepPods ? "detach" : "agent");
          monitor.stop();
          for (const c of cleanups) await c();
          log.info("agent stopped");
        })();
        return stopped;
      },
    };
  } catch (err) {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
    throw err;
  }
}
