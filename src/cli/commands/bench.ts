import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { formatConsoleResult, runConsoleBench } from "../../bench/console-bench.js";
import { formatProfileSummary, readProfile, summarizeProfile } from "../../bench/cpuprofile.js";
import { formatResult } from "../../bench/format.js";
import { runSubmitBench } from "../../bench/submit-bench.js";

interface SubmitFlags {
  apps: number;
  queue?: boolean;
  rate?: number;
  submitter: string;
  sparkSubmitApps: number;
  workers: number;
  concurrency: number;
  steady?: boolean;
  steadySeconds: number;
  windowApps?: number;
  cpuProf?: string;
  cpuProfSeconds: number;
  operatorArg: string[];
  nodeArg: string[];
  timeoutSeconds?: number;
  json?: string;
  gogc?: number;
  keep?: boolean;
}

function positive(name: string, integer = true) {
  return (v: string) => {
    const n = Number(v);
    if (!(n > 0) || (integer && !Number.isInteger(n)))
      throw new Error(`${name} must be a ${integer ? "whole " : ""}number > 0, got "${v}"`);
    return n;
  };
}

export function registerBench(program: Command): void {
  const bench = program.command("bench").description("benchmarks that print figures (and JSON)");
  bench
    .command("console")
    .description(
      "the console's app list at scale: latency of its pages and API, its memory, on a fresh control plane",
    )
    .option("--apps <n>", "SparkApplications to create", positive("--apps"), 10_000)
    .option("--namespaces <n>", "spread over this many namespaces", positive("--namespaces"), 10)
    .option("--requests <n>", "requests per query", positive("--requests"), 100)
    .option("--json <file>", "also write the figures as JSON")
    .action(async (flags: { apps: number; namespaces: number; requests: number; json?: string }) => {
      const result = await runConsoleBench({ ...flags, log: (line) => console.error(line) });
      console.log(formatConsoleResult(result));
      if (flags.json) {
        writeFileSync(flags.json, `${JSON.stringify(result, null, 2)}\n`);
        console.error(`figures written to ${flags.json}`);
      }
    });
  bench
    .command("submit")
    .description(
      "SparkApplication -> driver pod throughput, latency, operator CPU, memory and API requests, on a fresh embedded control plane",
    )
    .option("--apps <n>", "SparkApplications to create", positive("--apps"), 2000)
    .option(
      "--rate <r>",
      "create at this many apps per second (default: one burst)",
      positive("--rate", false),
    )
    .option("--submitter <kind>", "native, spark-submit, or both (side by side in one run)", "native")
    .option(
      "--spark-submit-apps <n>",
      "apps of the spark-submit run with --submitter both (each is a JVM)",
      positive("--spark-submit-apps"),
      20,
    )
    .option("--workers <n>", "the operator's --workers", positive("--workers"), 10)
    .option("--concurrency <n>", "burst: creations in flight", positive("--concurrency"), 32)
    .option("--steady", "after the burst settles, watch the operator's memory (e.g. with --apps 10000)")
    .option("--steady-seconds <s>", "how long --steady watches", positive("--steady-seconds"), 15)
    .option(
      "--window-apps <n>",
      "driver pods per window of the API server's CPU per app (default: a fifth of --apps)",
      positive("--window-apps"),
    )
    .option(
      "--cpu-prof <dir>",
      "write CPU profiles into this directory: the operator's (node --cpu-prof) and the control plane's (Go pprof)",
    )
    .option(
      "--cpu-prof-seconds <s>",
      "how long the control plane is profiled from the first create",
      positive("--cpu-prof-seconds"),
      30,
    )
    .option(
      "--operator-arg <arg>",
      "extra argument for `sparkplane operator` (repeatable)",
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option(
      "--node-arg <arg>",
      "extra argument for the operator's node, e.g. --heapsnapshot-signal=SIGUSR2 (repeatable)",
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option(
      "--timeout-seconds <s>",
      "give up waiting for driver pods after this long",
      positive("--timeout-seconds"),
    )
    .option(
      "--gogc <n>",
      "GOGC of the control plane's Go processes (default: Go's 100); trades their memory for CPU",
      positive("--gogc"),
    )
    .option(
      "--queue",
      "apps name a SparkQueue (quota never reached): latency runs to the admitted (ungated) driver pod; with --operator-arg=--no-queue-admit-at-submission every driver goes through the gate (the operator gets --no-queue-capacity-check: no nodes here)",
    )
    .option("--json <file>", "also write the figures to this file")
    .option("--keep", "leave the embedded cluster running afterwards")
    .action(async (flags: SubmitFlags) => {
      if (!["native", "spark-submit", "both"].includes(flags.submitter)) {
        throw new Error(`--submitter must be native, spark-submit or both, got "${flags.submitter}"`);
      }
      const result = await runSubmitBench({
        apps: flags.apps,
        rate: flags.rate,
        submitter: flags.submitter as "native" | "spark-submit" | "both",
        sparkSubmitApps: flags.sparkSubmitApps,
        workers: flags.workers,
        concurrency: flags.concurrency,
        steady: Boolean(flags.steady),
        steadySeconds: flags.steadySeconds,
        windowApps: flags.windowApps,
        cpuProfDir: flags.cpuProf,
        cpuProfSeconds: flags.cpuProfSeconds,
        operatorArgs: flags.operatorArg,
        nodeArgs: flags.nodeArg,
        timeoutMs: flags.timeoutSeconds ? flags.timeoutSeconds * 1000 : undefined,
        gogc: flags.gogc,
        keep: Boolean(flags.keep),
        queue: Boolean(flags.queue),
        log: (line) => console.error(line),
      });
      console.log(formatResult(result));
      if (flags.json) {
        writeFileSync(flags.json, `${JSON.stringify(result, null, 2)}\n`);
        console.error(`figures written to ${flags.json}`);
      }
    });
  bench
    .command("profile <file>")
    .description(
      "summarize a V8 CPU profile (e.g. from bench submit --cpu-prof): time by package and function",
    )
    .option("--top <n>", "rows per table", positive("--top"), 25)
    .action((file: string, flags: { top: number }) => {
      console.log(formatProfileSummary(summarizeProfile(readProfile(file), flags.top)));
    });
}
