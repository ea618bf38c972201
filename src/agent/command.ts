import type { Command } from "commander";
import { resolveStateDir } from "../local/paths.js";
import { isAlive } from "../local/pidfiles.js";
import {
  type AgentOptions,
  parseImageRule,
  parseLabels,
  parseNodePool,
  parseTaints,
  startAgent,
} from "./index.js";

interface AgentFlags {
  stateDir?: string;
  kubeconfig?: string;
  name: string;
  nodes?: number;
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: string;
  taints?: string;
  nodePool: string[];
  kubeletPort: number;
  image: string[];
  memoryEnforcement: "kill" | "report" | "off";
  mountNamespaces: boolean;
  deleteNodesOnExit?: boolean;
  keepPodsOnExit?: boolean;
  restartBackoff: number;
  exitWith?: number;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];
const int = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
};

/** The flags as startAgent options (exported for tests). */
export function agentOptions(flags: AgentFlags): AgentOptions {
  const capacity: AgentOptions["capacity"] = {};
  if (flags.cpu) capacity.cpu = flags.cpu;
  if (flags.memory) capacity.memory = flags.memory;
  if (flags.pods) capacity.pods = flags.pods;
  return {
    stateDir: resolveStateDir(flags.stateDir),
    kubeconfig: flags.kubeconfig,
    name: flags.name,
    nodes: flags.nodes,
    capacity,
    labels: flags.labels ? parseLabels(flags.labels) : undefined,
    taints: flags.taints ? parseTaints(flags.taints) : undefined,
    nodePools: flags.nodePool.map((p) => parseNodePool(p)),
    kubeletPort: flags.kubeletPort,
    imageRules: flags.image.map(parseImageRule),
    memoryEnforcement: flags.memoryEnforcement,
    mountNamespaces: flags.mountNamespaces === false ? false : undefined,
    deleteNodesOnStop: flags.deleteNodesOnExit,
    restartBackoffMs: flags.restartBackoff,
  };
}

/**
 * The `agent` command and its flags, for `sparkplane agent` and the standalone entry point (main.ts): the
 * agent owns its option parsing, so nothing here depends on the CLI.
 */
export function registerAgent(program: Command): void {
  program
    .command("agent")
    .option("--state-dir <dir>", "the embedded cluster's state dir (env: SPARKPLANE_STATE_DIR)")
    .description(
      "run the local node agent: registers Nodes and runs the pods bound to them as local processes",
    )
    .option(
      "--kubeconfig <path>",
      "cluster to join (default: the embedded cluster's kubeconfig in the state dir)",
    )
    .option(
      "--name <name>",
      "agent name: its directory under <state>/agent/ and the default node pool's name",
      "sparkplane",
    )
    .option("--nodes <n>", "nodes in the default pool (<name>-0, <name>-1, ...); default 1", int("--nodes"))
    .option("--cpu <quantity>", "cpu capacity of each default-pool node (default 16)")
    .option("--memory <quantity>", "memory capacity of each default-pool node (default 64Gi)")
    .option("--pods <n>", "pod capacity of each default-pool node (default 110, at most 253)")
    .option("--labels <k=v,...>", "labels of the default pool's nodes")
    .option("--taints <k=v:Effect,...>", "taints of the default pool's nodes")
    .option(
      "--node-pool <spec>",
      "an extra node pool (repeatable): name=virtual,count=1,cpu=8,memory=32Gi,pods=50,labels=type=virtual-kubelet,taints=virtual-kubelet.io/provider=mock:NoSchedule",
      collect,
      [],
    )
    .option(
      "--kubelet-port <port>",
      "kubelet endpoint port on each node address (falls back to a free one)",
      int("--kubelet-port"),
      10250,
    )
    .option(
      "--image <pattern=spark|sparkplane|host>",
      "how to run images whose repository matches the pattern (repeatable; * wildcard)",
      collect,
      [],
    )
    .option(
      "--memory-enforcement <mode>",
      "kill (OOMKilled) | report (event) | off, for containers over their memory limit",
      "kill",
    )
    .option("--no-mount-namespaces", "do not use private mount namespaces (paths are rewritten instead)")
    .option(
      "--delete-nodes-on-exit",
      "delete the Node objects when the agent stops (default: mark them NotReady)",
    )
    .option(
      "--keep-pods-on-exit",
      "leave pod processes running when the agent stops (a restarted agent adopts them)",
    )
    .option("--restart-backoff <ms>", "base of the CrashLoopBackOff delay", int("--restart-backoff"), 10_000)
    .option("--exit-with <pid>", "stop when this process exits", int("--exit-with"))
    .action(async (flags: AgentFlags) => {
      if (!["kill", "report", "off"].includes(flags.memoryEnforcement)) {
        throw new Error(`--memory-enforcement must be kill, report or off, not "${flags.memoryEnforcement}"`);
      }
      const agent = await startAgent(agentOptions(flags));
      for (const n of agent.nodes)
        console.error(`node ${n.name}: ${n.internalIP}:${agent.kubeletPorts[n.name]} (pods ${n.podPrefix}x)`);
      let stopping = false;
      const stop = async () => {
        if (stopping) return;
        stopping = true;
        await agent.stop({ keepPods: flags.keepPodsOnExit });
        process.exit(0);
      };
      process.on("SIGTERM", () => void stop());
      process.on("SIGINT", () => void stop());
      if (flags.exitWith) {
        const pid = flags.exitWith;
        setInterval(() => {
          if (!isAlive(pid)) void stop();
        }, 1000).unref();
      }
      await new Promise(() => {});
    });
}
