import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CoordinationV1Api, CoreV1Api, type KubeConfig, type V1Pod } from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { requireHelm } from "../src/local/provision/helm.js";
import { requireToolset } from "../src/local/provision/index.js";

export interface RunResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs a program asynchronously (the agent serving `kubectl logs` and running the pods lives in this very
 * process: a synchronous spawn would stall it). Rejects with the output when it exits non-zero.
 */
export function run(command: string, args: string[], input?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${command} ${args.join(" ")} exited ${code}:\n${stderr}${stdout}`));
    });
    child.stdin.end(input ?? "");
  });
}

/** A Helm release of the chart, with the values every command of the test repeats. */
export class ChartRelease {
  constructor(
    readonly kubeconfig: string,
    readonly name: string,
    readonly namespace: string,
    readonly chartDir: string,
    private readonly values: string[],
  ) {}

  private get helmBin(): string {
    return requireHelm().helm;
  }

  helm(args: string[]): Promise<RunResult> {
    return run(this.helmBin, ["--kubeconfig", this.kubeconfig, "--namespace", this.namespace, ...args]);
  }

  kubectl(args: string[], input?: string): Promise<RunResult> {
    return run(requireToolset().kube.kubectl, ["--kubeconfig", this.kubeconfig, ...args], input);
  }

  private sets(extra: string[]): string[] {
    return [...this.values, ...extra].flatMap((v) => ["--set", v]);
  }

  install(extra: string[] = []): Promise<RunResult> {
    return this.helm(["install", this.name, this.chartDir, "--create-namespace", ...this.sets(extra)]);
  }

  upgrade(extra: string[]): Promise<RunResult> {
    return this.helm(["upgrade", this.name, this.chartDir, ...this.sets(extra)]);
  }

  uninstall(): Promise<RunResult> {
    return this.helm(["uninstall", this.name, "--wait", "--timeout", "120s"]);
  }

  /** The chart's manifests as `helm template` renders them with this release's values. */
  async template(extra: string[] = []): Promise<Record<string, unknown>[]> {
    const out = await this.helm(["template", this.name, this.chartDir, ...this.sets(extra)]);
    return parseAllDocuments(out.stdout)
      .map((d) => d.toJSON() as Record<string, unknown> | null)
      .filter((d): d is Record<string, unknown> => d !== null);
  }
}

/** The operator's pods of a release, oldest first. */
export async function operatorPods(kc: KubeConfig, release: ChartRelease): Promise<V1Pod[]> {
  const pods = await kc.makeApiClient(CoreV1Api).listNamespacedPod({
    namespace: release.namespace,
    labelSelector: `app.kubernetes.io/instance=${release.name},app.kubernetes.io/component=controller`,
  });
  return pods.items
    .filter((p) => !p.metadata?.deletionTimestamp)
    .sort((a, b) =>
      String(a.metadata?.creationTimestamp ?? "").localeCompare(String(b.metadata?.creationTimestamp ?? "")),
    );
}

export function isRunning(pod: V1Pod): boolean {
  return pod.status?.phase === "Running" && pod.status.containerStatuses?.[0]?.state?.running !== undefined;
}

/** The Lease's holder (`<pod name>_<random>` for our operator), "" when released, undefined when absent. */
export async function leaseHolder(
  kc: KubeConfig,
  namespace: string,
  name: string,
): Promise<string | undefined> {
  try {
    const lease = await kc.makeApiClient(CoordinationV1Api).readNamespacedLease({ name, namespace });
    return lease.spec?.holderIdentity ?? "";
  } catch (err) {
    if ((err as { code?: number }).code === 404) return undefined;
    throw err;
  }
}

/** The pod a holder identity names (our identity is `<hostname>_<hex>`, the hostname being the pod's name). */
export function podOfHolder(holder: string | undefined): string | undefined {
  if (!holder) return undefined;
  const cut = holder.lastIndexOf("_");
  return cut > 0 ? holder.slice(0, cut) : holder;
}

/**
 * SIGKILLs a container's process group, as a crash or the OOM killer would: nothing runs its shutdown (no
 * Lease release). The agent records each run's pid in `<state>/agent/<agent>/pods/<uid>/containers/<c>.json`.
 */
export function killContainer(stateDir: string, agentName: string, pod: V1Pod, container: string): number {
  const file = join(
    stateDir,
    "agent",
    agentName,
    "pods",
    pod.metadata!.uid!,
    "containers",
    `${container}.json`,
  );
  const record = JSON.parse(readFileSync(file, "utf8")) as { current?: { pid?: number } };
  const pid = record.current?.pid;
  if (!pid) throw new Error(`no running process recorded in ${file}`);
  process.kill(-pid, "SIGKILL");
  return pid;
}
