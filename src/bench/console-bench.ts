/**
 * The console at scale: N SparkApplications on a fresh embedded control plane, the console in this process,
 * then timed requests for the list (first page, deep page, namespace and name filters, the HTML page), and
 * the console's memory for its cache. Figures are printed and returned; nothing here fails on time.
 */
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { API_VERSION, GROUP, SparkApplicationNames, VERSION } from "../api/v1beta2/constants.js";
import { defaultBatches } from "../console/livy.js";
import { startConsole } from "../console/server.js";
import { loadKubeConfig } from "../kube/config.js";
import { down, up } from "../local/cluster.js";
import { createApps } from "./app-load.js";
import { KubeHttp, readKubeconfig } from "./kube-http.js";
import { type LatencySummary, round, summarize } from "./stats.js";

export interface ConsoleBenchOptions {
  apps: number;
  namespaces: number;
  requests: number;
  log: (line: string) => void;
}

export interface ConsoleBenchResult {
  benchmark: "console";
  date: string;
  apps: number;
  namespaces: number;
  createSeconds: number;
  /** From the console's start to a list that holds every app. */
  syncSeconds: number;
  /** The console process's heap and RSS growth for its cache of `apps` apps. */
  memoryMB: { heapUsedDelta: number; rssDelta: number; rssAfter: number };
  /** Per query: the time to the whole answer over loopback HTTP, ms. */
  requestMs: Record<string, LatencySummary>;
}

const appBody = (ns: string, i: number) =>
  JSON.stringify({
    apiVersion: API_VERSION,
    kind: SparkApplicationNames.kind,
    metadata: { name: `app-${String(i).padStart(6, "0")}`, namespace: ns },
    spec: {
      type: "Scala",
      mode: "cluster",
      image: "spark:3.5.9",
      sparkVersion: "3.5.9",
      mainClass: "org.apache.spark.examples.SparkPi",
      mainApplicationFile: "local:///opt/spark/examples/jars/spark-examples.jar",
      driver: { cores: 1, memory: "512m" },
      executor: { instances: 2, cores: 1, memory: "512m" },
    },
  });

const mb = (bytes: number) => round(bytes / (1 << 20), 1);

export async function runConsoleBench(o: ConsoleBenchOptions): Promise<ConsoleBenchResult> {
  const stateDir = mkdtempSync(join(tmpdir(), "sparkplane-bench-console-"));
  o.log(`starting a fresh embedded control plane in ${stateDir}`);
  const cluster = await up({ stateDir, agent: false, operator: false, exitWith: process.pid });
  const admin = new KubeHttp(readKubeconfig(cluster.kubeconfig));
  try {
    const nsOf = (i: number) => `bench-${i % o.namespaces}`;
    for (let n = 0; n < o.namespaces; n++)
      await admin.json("POST", "/api/v1/namespaces", { metadata: { name: `bench-${n}` } });
    o.log(`creating ${o.apps} SparkApplications in ${o.namespaces} namespaces`);
    const t0 = performance.now();
    const load = createApps(admin, {
      path: "",
      count: o.apps,
      body: (i) => appBody(nsOf(i), i),
      concurrency: 32,
      log: o.log,
      pathOf: (i) => `/apis/${GROUP}/${VERSION}/namespaces/${nsOf(i)}/${SparkApplicationNames.plural}`,
    });
    await load.finished;
    const createSeconds = round((performance.now() - t0) / 1000, 1);
    o.log(`created in ${createSeconds} s (${load.errors} retried)`);

    globalThis.gc?.();
    const before = process.memoryUsage();
    const s0 = performance.now();
    const server = await startConsole({
      kc: loadKubeConfig(cluster.kubeconfig),
      address: "127.0.0.1",
      port: 0,
      batches: defaultBatches("default"),
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (;;) {
        const r = (await (await fetch(`${base}/api/v1/sparkapplications?limit=1`)).json()) as {
          total: number;
        };
        if (r.total >= o.apps) break;
        await new Promise((res) => setTimeout(res, 100));
      }
      const syncSeconds = round((performance.now() - s0) / 1000, 2);
      globalThis.gc?.();
      const after = process.memoryUsage();
      o.log(`console synced ${o.apps} apps in ${syncSeconds} s`);
      const queries: Record<string, string> = {
        "first page (50, all namespaces)": "/api/v1/sparkapplications",
        "deep page (offset 90%)": `/api/v1/sparkapplications?offset=${Math.floor(o.apps * 0.9)}`,
        "one namespace": "/api/v1/sparkapplications?namespace=bench-3",
        "name filter": "/api/v1/sparkapplications?name=app-0099",
        "state filter (NEW)": "/api/v1/sparkapplications?state=NEW&limit=500",
        "HTML apps page": "/ui/apps",
      };
      const requestMs: Record<string, LatencySummary> = {};
      for (const [label, path] of Object.entries(queries)) {
        const times: number[] = [];
        for (let i = 0; i < o.requests; i++) {
          const t = performance.now();
          const res = await fetch(`${base}${path}`);
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
          times.push(performance.now() - t);
        }
        requestMs[label] = summarize(times);
        o.log(`${label}: p50 ${requestMs[label].p50} ms, p99 ${requestMs[label].p99} ms`);
      }
      return {
        benchmark: "console",
        date: new Date().toISOString(),
        apps: o.apps,
        namespaces: o.namespaces,
        createSeconds,
        syncSeconds,
        memoryMB: {
          heapUsedDelta: mb(after.heapUsed - before.heapUsed),
          rssDelta: mb(after.rss - before.rss),
          rssAfter: mb(after.rss),
        },
        requestMs,
      };
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  } finally {
    admin.close();
    await down(stateDir);
    rmSync(stateDir, { recursive: true, force: true });
  }
}

export function formatConsoleResult(r: ConsoleBenchResult): string {
  const lines = [
    `console bench: ${r.apps} SparkApplications in ${r.namespaces} namespaces (created in ${r.createSeconds} s)`,
    `  cache synced in ${r.syncSeconds} s; memory: heap +${r.memoryMB.heapUsedDelta} MB, RSS +${r.memoryMB.rssDelta} MB (RSS ${r.memoryMB.rssAfter} MB)`,
  ];
  for (const [label, s] of Object.entries(r.requestMs))
    lines.push(`  ${label.padEnd(34)} p50 ${s.p50} ms  p95 ${s.p95} ms  p99 ${s.p99} ms  max ${s.max} ms`);
  return lines.join("\n");
}
