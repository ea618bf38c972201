import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually } from "./poll.js";

/** A free port on the loopback interface (the OS picks it; released before it is returned). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface QueryResult {
  status: string;
  errorType?: string;
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

export interface PrometheusServer {
  url: string;
  pid: number;
  query(expr: string): Promise<QueryResult>;
  /** The scrape targets' health as /api/v1/targets reports it. */
  targets(): Promise<{ health: string; lastError: string; scrapeUrl: string }[]>;
  /** Values of `label` on the series `match` selects (what Grafana's label_values(match, label) lists). */
  labelValues(label: string, match: string): Promise<string[]>;
  log(): string;
  /** SIGTERM, wait for the exit (SIGKILL after 20 s), remove the data dir. */
  stop(): Promise<void>;
}

/** A real Prometheus on a free loopback port with a temp data dir, scraping `targets` every second as job `job`. */
export async function startPrometheus(opts: {
  binary: string;
  job: string;
  targets: string[];
  scrapeInterval?: string;
}): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), "sparkplane-prometheus-"));
  const interval = opts.scrapeInterval ?? "1s";
  const config = join(dir, "prometheus.yml");
  writeFileSync(
    config,
    [
      "global:",
      `  scrape_interval: ${interval}`,
      `  scrape_timeout: ${interval}`,
      `  evaluation_interval: ${interval}`,
      "scrape_configs:",
      `  - job_name: ${JSON.stringify(opts.job)}`,
      "    static_configs:",
      `      - targets: ${JSON.stringify(opts.targets)}`,
      "",
    ].join("\n"),
  );
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  const child: ChildProcess = spawn(
    opts.binary,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  for (const s of [child.stdout, child.stderr])
    s?.on("data", (b: Buffer) => (output = (output + b).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await eventually(
      "Prometheus ready",
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited ${child.exitCode}: ${output}`);
        const r = await fetch(`${url}/-/ready`).catch(() => undefined);
        return r?.ok ?? false;
      },
      { timeoutMs: 60_000 },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    pid: child.pid!,
    async query(expr) {
      const r = await fetch(`${url}/api/v1/query`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ query: expr }),
      });
      return (await r.json()) as QueryResult;
    },
    async targets() {
      const r = await fetch(`${url}/api/v1/targets`);
      const body = (await r.json()) as {
        data: { activeTargets: { health: string; lastError: string; scrapeUrl: string }[] };
      };
      return body.data.activeTargets;
    },
    async labelValues(label, match) {
      const r = await fetch(
        `${url}/api/v1/label/${label}/values?${new URLSearchParams({ "match[]": match })}`,
      );
      return ((await r.json()) as { data: string[] }).data;
    },
    log: () => output,
    stop,
  };
}
