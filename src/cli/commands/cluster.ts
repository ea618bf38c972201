import { spawnSync } from "node:child_process";
import type { Command } from "commander";
import { parseNodePool } from "../../agent/config.js";
import { down, status, up } from "../../local/cluster.js";
import { requireArgo } from "../../local/provision/argo.js";
import { requireHelm } from "../../local/provision/helm.js";
import { provision } from "../../local/provision/index.js";
import { requireKubectl } from "../../local/provision/kubernetes.js";
import {
  embeddedKubeconfig,
  kubeconfigArgs,
  kubeconfigInputs,
  resolveKubeconfig,
} from "../kubeconfig-choice.js";
import { stateDirOf, withStateDir } from "../state-dir.js";

interface UpFlags {
  stateDir?: string;
  agent: boolean;
  operator: boolean;
  nodePool: string[];
  with: string[];
  exitWith?: number;
}

/** What `up --with` can add to the cluster. */
const OPTIONAL_COMPONENTS = ["argo"] as const;

export function registerClusterCommands(program: Command): void {
  withStateDir(program.command("up"))
    .description(
      "start the embedded control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler) and wait until ready",
    )
    .option("--no-agent", "do not start the local node agent")
    .option("--no-operator", "do not start the SparkApplication operator")
    .option(
      "--node-pool <spec>",
      "an extra node pool of the agent (repeatable), as `sparkplane agent --node-pool`: name=vk,count=1,cpu=8,labels=type=virtual-kubelet,taints=virtual-kubelet.io/provider=alibabacloud:NoSchedule",
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option(
      "--with <component>",
      "also run an optional component (repeatable): argo (Argo Workflows' CRDs and workflow-controller)",
      (value: string, previous: string[]) => [...previous, ...value.split(",")],
      [] as string[],
    )
    .option("--exit-with <pid>", "stop the cluster when this process exits", Number)
    .action(async (opts: UpFlags) => {
      const stateDir = stateDirOf(opts);
      // Checked here, so a typo fails now rather than in the agent's log.
      for (const pool of opts.nodePool) parseNodePool(pool);
      for (const w of opts.with)
        if (!(OPTIONAL_COMPONENTS as readonly string[]).includes(w))
          throw new Error(`--with ${w}: unknown component; one of ${OPTIONAL_COMPONENTS.join(", ")}`);
      const argo = opts.with.includes("argo");
      await provision({ argo });
      const started = Date.now();
      const cluster = await up({
        stateDir,
        agent: opts.agent,
        operator: opts.operator,
        argo,
        nodePools: opts.nodePool,
        exitWith: opts.exitWith,
        onActivity: (a) => console.error(`  ${a} (${((Date.now() - started) / 1000).toFixed(1)} s)`),
      });
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      console.log(
        cluster.reused
          ? `already running: ${cluster.server}`
          : `ready in ${secs} s: ${cluster.server} (Kubernetes ${cluster.kubernetesVersion})`,
      );
      console.log(`state dir: ${stateDir}`);
      if (argo && !cluster.argoServer)
        console.log(
          "Argo Workflows is not running in this cluster: `sparkplane down`, then `up --with argo`",
        );
      if (cluster.argoServer)
        console.log(
          `argo server: ${cluster.argoServer} (hera, ARGO_SERVER); try: sparkplane argo list, sparkplane argo submit --watch <file>`,
        );
      console.log(`try: kubectl --kubeconfig ${cluster.kubeconfig} get --raw /readyz`);
    });

  withStateDir(program.command("down"))
    .description("stop every process of the embedded cluster (its data stays in the state dir)")
    .action(async (opts: { stateDir?: string }) => {
      const stopped = await down(stateDirOf(opts));
      console.log(stopped.length > 0 ? `stopped: ${stopped.join(", ")}` : "nothing was running");
    });

  withStateDir(program.command("status"))
    .description("show the embedded cluster's processes")
    .option("--json", "print as JSON")
    .action((opts: { stateDir?: string; json?: boolean }) => {
      const s = status(stateDirOf(opts));
      if (opts.json) {
        console.log(JSON.stringify(s, null, 2));
        return;
      }
      if (!s.state) {
        console.log("no cluster in this state dir (run `sparkplane up`)");
        return;
      }
      console.log(
        `cluster: ${s.running ? s.state.phase : "not running"}  server: ${s.state.server}  kubernetes: ${s.state.kubernetesVersion}`,
      );
      for (const c of s.components)
        console.log(
          `  ${c.name.padEnd(24)} ${c.alive ? `running (pid ${c.pid})` : "stopped"}${c.restarts ? `, ${c.restarts} restarts` : ""}`,
        );
      if (s.state.error) console.log(`error: ${s.state.error}`);
    });

  withStateDir(program.command("kubeconfig"))
    .description("print the path of the embedded cluster's admin kubeconfig (last line)")
    .action((opts: { stateDir?: string }) => {
      const found = embeddedKubeconfig(kubeconfigInputs(opts).embedded);
      if ("message" in found) throw new Error(found.message);
      console.log(found.path);
    });

  registerPassThrough(program, "kubectl", requireKubectl);
  registerPassThrough(program, "argo", () => requireArgo().argo);
  registerPassThrough(program, "helm", () => requireHelm().helm);
}

/**
 * `sparkplane kubectl|argo|helm [--state-dir DIR] ARGS...`: the provisioned binary pointed at the cluster
 * `resolveKubeconfig` chooses (the embedded one while it runs, unless KUBECONFIG or in-cluster config names
 * another). Every other argument is the binary's own, so the command parses only a leading --state-dir; a
 * --kubeconfig among them comes after ours and wins.
 */
function registerPassThrough(program: Command, name: string, binary: () => string): void {
  program
    .command(name)
    .description(
      `run the provisioned ${name} against the embedded cluster while it runs, unless KUBECONFIG or in-cluster config names another: sparkplane ${name} [--state-dir DIR] ARGS...`,
    )
    .allowUnknownOption()
    .helpOption(false)
    .argument("[args...]")
    .action((args: string[]) => {
      const { stateDir, rest } = leadingStateDir(args);
      const argv = [...kubeconfigArgs(resolveKubeconfig({ stateDir })), ...rest];
      const r = spawnSync(binary(), argv, { stdio: "inherit" });
      process.exitCode = r.status ?? 1;
    });
}

function leadingStateDir(args: string[]): { stateDir?: string; rest: string[] } {
  if (args[0] === "--state-dir") return { stateDir: args[1], rest: args.slice(2) };
  if (args[0]?.startsWith("--state-dir=")) {
    return { stateDir: args[0].slice("--state-dir=".length), rest: args.slice(1) };
  }
  return { rest: args };
}
