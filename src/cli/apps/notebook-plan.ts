/**
 * What `sparkplane notebook` sets up, as pure functions: the default SparkConnect session it creates when
 * the one named is absent, the Jupyter kernel spec whose environment points pyspark at the session
 * (`SPARK_REMOTE`, read by `SparkSession.builder.getOrCreate()`), and JupyterLab's command line.
 */
import {
  API_VERSION_V1ALPHA1,
  SparkConnectAnnotation,
  SparkConnectNames,
} from "../../api/v1alpha1/constants.js";
import type { SparkConnect } from "../../api/v1alpha1/sparkconnect.js";

export const DEFAULT_NOTEBOOK_SESSION = "notebook";
/** The default session's idle timeout: a forgotten notebook does not hold a server and executors for ever. */
export const DEFAULT_NOTEBOOK_IDLE_TIMEOUT = "1h";
export const DEFAULT_JUPYTER_PORT = 8888;

export interface SessionInput {
  name: string;
  namespace: string;
  sparkVersion: string;
  serviceAccount?: string;
  idleTimeout?: string;
}

/** A small session: a 1-core server and two 1-core executors, stopped after its idle timeout. */
export function defaultNotebookSession(input: SessionInput): SparkConnect {
  const idle = input.idleTimeout ?? DEFAULT_NOTEBOOK_IDLE_TIMEOUT;
  return {
    apiVersion: API_VERSION_V1ALPHA1,
    kind: SparkConnectNames.kind,
    metadata: {
      name: input.name,
      namespace: input.namespace,
      ...(idle && idle !== "0" ? { annotations: { [SparkConnectAnnotation.IdleTimeout]: idle } } : {}),
    },
    spec: {
      sparkVersion: input.sparkVersion,
      image: `spark:${input.sparkVersion}`,
      server: {
        cores: 1,
        memory: "1g",
        ...(input.serviceAccount
          ? { template: { spec: { containers: [], serviceAccountName: input.serviceAccount } } }
          : {}),
      },
      executor: { instances: 2, cores: 1, memory: "512m" },
    },
  };
}

/** A kernel name Jupyter accepts ([A-Za-z0-9._-]), one per namespace and session. */
export function kernelName(namespace: string, session: string): string {
  return `sparkplane-${namespace}-${session}`.toLowerCase().replace(/[^a-z0-9._-]/g, "-");
}

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: "python";
  env: Record<string, string>;
  metadata: Record<string, unknown>;
}

/**
 * ipykernel on the notebook venv's python; `SparkSession.builder.getOrCreate()` in it connects to the
 * session. Not connected at kernel start: pyspark blocks while the server is unreachable, and a kernel
 * that does not start says less than a cell that fails.
 */
export function kernelSpec(input: {
  python: string;
  url: string;
  namespace: string;
  session: string;
}): KernelSpec {
  return {
    argv: [input.python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
    display_name: `PySpark on ${input.namespace}/${input.session} (Spark Connect)`,
    language: "python",
    env: { SPARK_REMOTE: input.url },
    metadata: { sparkplane: { namespace: input.namespace, session: input.session } },
  };
}

export interface LabInput {
  jupyter: string;
  port: number;
  token: string;
  dir: string;
  browser: boolean;
  /** Running as root (JupyterLab refuses to unless told; containers and CI machines often are root). */
  root: boolean;
}

/** JupyterLab on loopback with our token, on exactly this port (no retrying others: the URL we print must hold). */
export function jupyterLabArgv(input: LabInput): string[] {
  return [
    input.jupyter,
    "lab",
    "--ip=127.0.0.1",
    `--port=${input.port}`,
    "--ServerApp.port_retries=0",
    `--IdentityProvider.token=${input.token}`,
    `--ServerApp.root_dir=${input.dir}`,
    ...(input.browser ? [] : ["--no-browser"]),
    ...(input.root ? ["--allow-root"] : []),
  ];
}

export function labURL(port: number, token: string): string {
  return `http://127.0.0.1:${port}/lab?token=${token}`;
}

/** `--port`: a TCP port number; absent means 8888 when free, else any free port. */
export function parsePort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new Error(`--port ${text}: not a TCP port; give a number from 1 to 65535 (or leave it out)`);
  return n;
}
