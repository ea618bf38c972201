import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { parseAllDocuments } from "yaml";
import type { SparkApplication } from "../../api/v1beta2/sparkapplication.js";
import { streamLog } from "./commands.js";
import { type AppContext, type AppFlags, appContext, TERMINAL, withAppFlags } from "./context.js";
import { executorSummary } from "./format.js";

/** The SparkApplication documents of a YAML file (other kinds are ignored). */
export function sparkApplicationsIn(text: string, file: string): SparkApplication[] {
  const docs = parseAllDocuments(text);
  for (const d of docs) if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0]!.message}`);
  return docs.map((d) => d.toJS() as SparkApplication).filter((d) => d?.kind === "SparkApplication");
}

export interface RunOptions {
  /** Stream the driver's log while it runs. */
  follow: boolean;
  out?: NodeJS.WritableStream;
  timeoutMs?: number;
}

/**
 * Creates the app (replacing a previous one of the same name: a run is a fresh run) and follows it to a
 * terminal state, printing state changes and executor counts as they happen.
 */
export async function runAndFollow(
  ctx: AppContext,
  doc: SparkApplication,
  opts: RunOptions,
): Promise<SparkApplication> {
  const out = opts.out ?? process.stdout;
  const say = (line: string) => out.write(`${line}\n`);
  const name = doc.metadata.name!;
  const started = Date.now();
  const t = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s`;
  if (await ctx.get(name)) {
    say(`${t()}  replacing the existing ${ctx.namespace}/${name}`);
    await ctx.custom.deleteNamespacedCustomObject({ ...ctx.ref, name });
    while (await ctx.get(name)) await new Promise((r) => setTimeout(r, 200));
  }
  const { resourceVersion: _rv, uid: _uid, creationTimestamp: _ct, ...metadata } = doc.metadata;
  await ctx.custom.createNamespacedCustomObject({
    ...ctx.ref,
    body: { ...doc, metadata: { ...metadata, namespace: ctx.namespace }, status: undefined },
  });
  say(`${t()}  created ${ctx.namespace}/${name}`);
  let last = "";
  let streaming: Promise<void> | undefined;
  const deadline = Date.now() + (opts.timeoutMs ?? 24 * 3600_000);
  for (;;) {
    const app = await ctx.get(name);
    if (!app) throw new Error(`${name} was deleted while running`);
    const state = app.status?.applicationState?.state || "NEW";
    const line = `${state}  attempts ${app.status?.executionAttempts ?? 0}  executors: ${executorSummary(app.status?.executorState)}`;
    if (line !== last) {
      say(`${t()}  ${line}`);
      last = line;
    }
    if (opts.follow && !streaming && state === "RUNNING" && app.status?.driverInfo?.podName) {
      streaming = streamLog(
        ctx.kc,
        ctx.namespace,
        app.status.driverInfo.podName,
        "spark-kubernetes-driver",
        true,
        out,
      ).catch((err: Error) => {
        say(`(driver log unavailable: ${err.message})`);
      });
    }
    if (TERMINAL.has(state)) {
      if (streaming) await Promise.race([streaming, new Promise((r) => setTimeout(r, 3000))]);
      if (app.status?.applicationState?.errorMessage)
        say(`${t()}  error: ${app.status.applicationState.errorMessage}`);
      return app;
    }
    if (Date.now() > deadline) throw new Error(`${name} did not finish in time (state ${state})`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

export function registerRun(program: Command): void {
  withAppFlags(program.command("run").argument("<file>", "YAML with a SparkApplication"))
    .description(
      "apply a SparkApplication and follow it: states and executors as they change; exit 0 on COMPLETED",
    )
    .option("-f, --follow", "also stream the driver's log")
    .option("--detach", "create it and return at once")
    .action(async (file: string, flags: AppFlags & { follow?: boolean; detach?: boolean }) => {
      const apps = sparkApplicationsIn(readFileSync(file, "utf8"), file);
      if (apps.length !== 1)
        throw new Error(
          `${file} holds ${apps.length} SparkApplications; \`sparkplane run\` takes exactly one`,
        );
      const doc = apps[0]!;
      if (!doc.metadata?.name) throw new Error(`${file}: metadata.name is required`);
      const ctx = appContext(flags, doc.metadata.namespace);
      if (flags.detach) {
        await ctx.custom.createNamespacedCustomObject({
          ...ctx.ref,
          body: { ...doc, metadata: { ...doc.metadata, namespace: ctx.namespace } },
        });
        console.log(
          `created ${ctx.namespace}/${doc.metadata.name}; follow it with \`sparkplane describe ${doc.metadata.name}\``,
        );
        return;
      }
      const final = await runAndFollow(ctx, doc, { follow: Boolean(flags.follow) });
      process.exitCode = final.status?.applicationState?.state === "COMPLETED" ? 0 : 1;
    });
}
