/**
 * `sparkplane notebook`: JupyterLab (its own virtualenv in the cache, made on first use) with a PySpark
 * kernel wired to a SparkConnect session on the current cluster. Creates a default session when the one
 * named is absent, re-creates a Stopped one, waits for Ready with progress, then runs JupyterLab on
 * loopback and prints its URL with the token (last line of stdout). Ctrl-C stops JupyterLab cleanly.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { SparkConnectState } from "../../api/v1alpha1/constants.js";
import type { SparkConnect } from "../../api/v1alpha1/sparkconnect.js";
import { freePort, portFree } from "../../local/ports.js";
import { ensureNotebook, findNotebook } from "../../local/provision/notebook.js";
import { findSpark } from "../../local/provision/spark.js";
import { ensureSparkServiceAccount } from "../../local/spark-rbac.js";
import { SPARK_VERSION } from "../../local/versions.js";
import { idleTimeoutOf } from "../../operator/controllers/sparkconnect/decide/idle.js";
import { Progress } from "../../util/progress.js";
import { type AppContext, type AppFlags, appContext, withAppFlags } from "./context.js";
import {
  DEFAULT_JUPYTER_PORT,
  DEFAULT_NOTEBOOK_IDLE_TIMEOUT,
  DEFAULT_NOTEBOOK_SESSION,
  defaultNotebookSession,
  jupyterLabArgv,
  kernelName,
  kernelSpec,
  labURL,
  parsePort,
} from "./notebook-plan.js";
import { getSession, hostConnectURL, sessionLine, sessionRef, waitForSession } from "./session-wait.js";

interface NotebookFlags extends AppFlags {
  session: string;
  port?: string;
  browser: boolean;
  dir?: string;
  idleTimeout: string;
  serviceAccount?: string;
  timeout: string;
}

const say = (s: string) => process.stderr.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function createSession(ctx: AppContext, body: SparkConnect): Promise<void> {
  await ctx.custom.createNamespacedCustomObject({ ...sessionRef(ctx.namespace), body });
}

/** The session exists and is not Stopped when this returns (created or re-created as needed). */
async function ensureSession(ctx: AppContext, flags: NotebookFlags, embedded: boolean): Promise<void> {
  const name = flags.session;
  const found = await getSession(ctx, name);
  if (found && found.status?.state !== SparkConnectState.Stopped) {
    say(`SparkConnect ${ctx.namespace}/${name}: ${sessionLine(found)}`);
    return;
  }
  if (found) {
    // A stopped session is re-created with the same spec and annotations.
    say(`SparkConnect ${ctx.namespace}/${name} was ${sessionLine(found)}\nre-creating it`);
    await ctx.custom.deleteNamespacedCustomObject({ ...sessionRef(ctx.namespace), name });
    for (let i = 0; (await getSession(ctx, name)) && i < 120; i++) await sleep(500);
    const { metadata, spec } = found;
    await createSession(ctx, {
      apiVersion: found.apiVersion,
      kind: found.kind,
      metadata: {
        name,
        namespace: ctx.namespace,
        ...(metadata.labels ? { labels: metadata.labels } : {}),
        ...(metadata.annotations ? { annotations: metadata.annotations } : {}),
      },
      spec,
    });
    return;
  }
  const serviceAccount = flags.serviceAccount ?? (embedded ? "spark" : undefined);
  if (embedded && serviceAccount) await ensureSparkServiceAccount(ctx.kc, ctx.namespace, serviceAccount);
  const body = defaultNotebookSession({
    name,
    namespace: ctx.namespace,
    sparkVersion: SPARK_VERSION,
    idleTimeout: flags.idleTimeout,
    ...(serviceAccount ? { serviceAccount } : {}),
  });
  const idle = idleTimeoutOf(body);
  if (idle.kind === "invalid") throw new Error(`--idle-timeout ${flags.idleTimeout}: ${idle.problem}`);
  await createSession(ctx, body);
  const stops = idle.kind === "ok" ? `stopped after ${idle.text} idle` : "never stopped when idle";
  say(`created SparkConnect ${ctx.namespace}/${name} (1-core server, 2 executors; ${stops})`);
}

async function choosePort(flag: string | undefined): Promise<number> {
  const given = parsePort(flag);
  if (given !== undefined) {
    if (!(await portFree(given)))
      throw new Error(`--port ${given}: 127.0.0.1:${given} is in use; pick another port or leave --port out`);
    return given;
  }
  return (await portFree(DEFAULT_JUPYTER_PORT)) ? DEFAULT_JUPYTER_PORT : freePort();
}

/** Resolves once JupyterLab answers /api/status with our token; rejects if it exits first. */
async function waitForLab(child: ChildProcess, port: number, token: string): Promise<void> {
  let exited: number | null | undefined;
  child.once("exit", (code) => (exited = code));
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`JupyterLab exited with ${exited} before it answered`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/status?token=${token}`, {
        signal: AbortSignal.timeout(2000),
      });
      if (res.ok) return;
    } catch {}
    await sleep(300);
  }
  throw new Error(`JupyterLab did not answer on 127.0.0.1:${port} within 180s`);
}

/** Says when the session changes state while the notebook runs (stopped when idle, deleted, ...). */
function watchSession(ctx: AppContext, name: string, initial: string): NodeJS.Timeout {
  let said = initial;
  const timer = setInterval(async () => {
    const conn = await getSession(ctx, name).catch(() => null);
    if (conn === null) return;
    const line = conn ? sessionLine(conn) : "deleted (the kernel's next Spark call fails)";
    if (line !== said) say(`SparkConnect ${ctx.namespace}/${name}: ${line}`);
    said = line;
  }, 5000);
  timer.unref();
  return timer;
}

export function registerNotebook(program: Command): void {
  withAppFlags(program.command("notebook"))
    .description(
      "JupyterLab with a PySpark kernel on a SparkConnect session of the cluster (a default session is created when absent); prints the URL with its token (last line)",
    )
    .option("--session <name>", "the SparkConnect session", DEFAULT_NOTEBOOK_SESSION)
    .option(
      "--port <port>",
      `JupyterLab's port on 127.0.0.1 (default ${DEFAULT_JUPYTER_PORT}, else a free one)`,
    )
    .option("--no-browser", "do not open a browser")
    .option("--dir <dir>", "JupyterLab's root directory (default: the current directory)")
    .option(
      "--idle-timeout <duration>",
      "idle timeout of a session this command creates (sparkplane.io/idle-timeout; 0: never)",
      DEFAULT_NOTEBOOK_IDLE_TIMEOUT,
    )
    .option("--service-account <name>", "the server's service account for a session this command creates")
    .option("--timeout <seconds>", "how long to wait for the session to be Ready", "600")
    .action(async (flags: NotebookFlags) => {
      const ctx = appContext(flags);
      const embedded = ctx.kubeconfig.embedded;
      const spark = findSpark();
      if (!spark)
        throw new Error("Spark is not provisioned (pyspark for the kernel): run `sparkplane provision`");
      const port = await choosePort(flags.port);
      await ensureSession(ctx, flags, embedded);
      // The server starts while the virtualenv is made (first use only).
      let lab = findNotebook(spark);
      if (!lab) {
        const progress = new Progress(1);
        progress.begin("JupyterLab virtualenv (first use only: about a minute)");
        lab = await ensureNotebook(spark, (s) => progress.detail(s)).finally(() => progress.end());
      }
      const { conn, url } = await waitForSession(ctx, flags.session, {
        timeoutSeconds: Number(flags.timeout),
        urlOf: (c) => hostConnectURL(c, embedded),
        out: process.stderr,
      });
      if (!embedded)
        say(
          `not the embedded cluster: the kernel uses ${url}, which resolves only inside the cluster; forward the port (kubectl port-forward svc/${conn.status?.server?.serviceName} 15002) and set SPARK_REMOTE=sc://localhost:15002 in the kernel`,
        );
      const kernel = kernelName(ctx.namespace, flags.session);
      const spec = kernelSpec({ python: lab.python, url, namespace: ctx.namespace, session: flags.session });
      mkdirSync(join(lab.kernelsDir, kernel), { recursive: true });
      writeFileSync(join(lab.kernelsDir, kernel, "kernel.json"), `${JSON.stringify(spec, null, 2)}\n`);

      const token = randomBytes(24).toString("hex");
      const [cmd, ...args] = jupyterLabArgv({
        jupyter: lab.jupyter,
        port,
        token,
        dir: resolve(flags.dir ?? process.cwd()),
        browser: flags.browser,
        root: process.getuid?.() === 0,
      });
      // Its own process group: a terminal's Ctrl-C reaches only us, and we stop it with SIGTERM (no prompt).
      const child = spawn(cmd!, args, { stdio: ["ignore", "ignore", "inherit"], detached: true });
      const exited = new Promise<number>((r) =>
        child.on("exit", (code, signal) => r(code ?? (signal ? 0 : 1))),
      );
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        say("stopping JupyterLab");
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 20_000).unref();
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
      try {
        await waitForLab(child, port, token);
      } catch (err) {
        stop();
        throw err;
      }
      const watcher = watchSession(ctx, flags.session, sessionLine(conn));
      say(`kernel "${spec.display_name}" (${kernel}): SparkSession.builder.getOrCreate() connects to ${url}`);
      say("Ctrl-C stops JupyterLab (the session keeps running)");
      console.log(labURL(port, token));
      const code = await exited;
      clearInterval(watcher);
      process.exitCode = stopping ? 0 : code;
    });
}
