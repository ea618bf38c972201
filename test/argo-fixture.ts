import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { CustomObjectsApi, type KubeConfig } from "@kubernetes/client-node";
import { parse } from "yaml";
import { GROUP, SparkApplicationNames, VERSION } from "../src/api/v1beta2/constants.js";
import type { SparkApplication } from "../src/api/v1beta2/sparkapplication.js";
import { mergePatchOptions } from "../src/kube/patch.js";
import { ArgoApi, ArgoLabel } from "../src/local/argo/constants.js";
import { cacheDir } from "../src/local/paths.js";
import { examplesSourceDir } from "../src/local/provision/examples.js";
import { eventually } from "./poll.js";

const run = promisify(execFile);

/** The parts of an Argo Workflow's status the tests read. */
export interface WorkflowNode {
  id: string;
  name: string;
  displayName: string;
  type: string;
  templateName?: string;
  phase?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  children?: string[];
  /** `result`: a script step's standard output. */
  outputs?: { parameters?: { name: string; value?: string }[]; result?: string };
}
export interface Workflow {
  metadata: { name: string; namespace?: string; uid?: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
  status?: { phase?: string; message?: string; nodes?: Record<string, WorkflowNode> };
}

export function workflowExample<T = Workflow>(file: string): T {
  return parse(readFileSync(join(examplesSourceDir(), "workflows", file), "utf8")) as T;
}

export function argoClient(kc: KubeConfig, namespace: string) {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const ref = (plural: string) => ({ group: ArgoApi.group, version: ArgoApi.version, namespace, plural });
  const c = {
    custom,
    async create(plural: string, body: object): Promise<Workflow> {
      return (await custom.createNamespacedCustomObject({ ...ref(plural), body })) as Workflow;
    },
    async get(name: string): Promise<Workflow> {
      return (await custom.getNamespacedCustomObject({ ...ref(ArgoApi.workflows), name })) as Workflow;
    },
    async patch(plural: string, name: string, body: object): Promise<void> {
      await custom.patchNamespacedCustomObject({ ...ref(plural), name, body }, mergePatchOptions);
    },
    async delete(plural: string, name: string): Promise<void> {
      await custom.deleteNamespacedCustomObject({ ...ref(plural), name });
    },
    async list(plural: string, labelSelector?: string): Promise<Workflow[]> {
      const r = (await custom.listNamespacedCustomObject({ ...ref(plural), labelSelector })) as {
        items: Workflow[];
      };
      return r.items;
    },
    /** Waits until the workflow has finished (Succeeded, Failed or Error). */
    finished(name: string, timeoutMs = 900_000): Promise<Workflow> {
      return eventually(
        `workflow ${name} to finish`,
        async () => {
          const wf = await c.get(name);
          return ["Succeeded", "Failed", "Error"].includes(wf.status?.phase ?? "") ? wf : undefined;
        },
        { timeoutMs, intervalMs: 1000 },
      );
    },
    /** The SparkApplications a workflow created (the spark-app template labels them with the workflow's name). */
    async sparkApps(workflow: string): Promise<SparkApplication[]> {
      const r = (await custom.listNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: SparkApplicationNames.plural,
        labelSelector: `${ArgoLabel.workflow}=${workflow}`,
      })) as { items: SparkApplication[] };
      return r.items;
    },
  };
  return c;
}

export function nodesNamed(wf: Workflow, displayName: string): WorkflowNode[] {
  return Object.values(wf.status?.nodes ?? {}).filter((n) => n.displayName === displayName);
}

/** The one node of a DAG task (the task's own node, whatever its type: Retry, Steps, Pod). */
export function taskNode(wf: Workflow, task: string): WorkflowNode {
  const all = nodesNamed(wf, task);
  if (all.length === 0) throw new Error(`no node ${task} in ${wf.metadata.name}: ${summary(wf)}`);
  // A Retry node and its attempts share the display name up to the attempt suffix; the outermost starts first.
  return all.sort((a, b) => (a.startedAt ?? "").localeCompare(b.startedAt ?? ""))[0]!;
}

export function summary(wf: Workflow): string {
  return Object.values(wf.status?.nodes ?? {})
    .map((n) => `${n.displayName}[${n.type}]=${n.phase}${n.message ? ` (${n.message})` : ""}`)
    .join("; ");
}

export const time = (s: string | undefined) => (s ? Date.parse(s) : Number.NaN);

/** hera (Argo Workflows' Python SDK) from PyPI, pinned, in a venv of the cache; made once. */
export const HERA_VERSION = "7.1.0";

export async function heraPython(): Promise<string> {
  const venv = join(cacheDir(), `hera-${HERA_VERSION}`);
  const python = join(venv, "bin", "python");
  const ready = join(venv, ".installed");
  if (existsSync(ready)) return python;
  await run("python3", ["-m", "venv", venv]);
  await run(join(venv, "bin", "pip"), [
    "install",
    "-q",
    "--disable-pip-version-check",
    `hera==${HERA_VERSION}`,
  ]);
  await run(python, ["-c", "import hera.workflows"]);
  writeFileSync(ready, `${HERA_VERSION}\n`);
  return python;
}

/** Runs a hera script of examples/workflows/ with ARGO_SERVER set; its stdout as JSON lines. */
export async function runHeraExample(script: string, argoServer: string, args: string[] = []) {
  const python = await heraPython();
  const { stdout } = await run(python, [join(examplesSourceDir(), "workflows", script), ...args], {
    env: { ...process.env, ARGO_SERVER: argoServer },
    timeout: 900_000,
  });
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, string>);
}
