import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CustomObjectsApi } from "@kubernetes/client-node";
import type { Browser, Locator, Page } from "playwright-core";
import { parse } from "yaml";
import { type Agent, startAgent } from "../src/agent/index.js";
import { COST_ANNOTATION, SPARKPLANE_GROUP, SPARKPLANE_VERSION } from "../src/api/sparkplane/constants.js";
import { parseLedger } from "../src/api/sparkplane/cost.js";
import { GROUP, VERSION } from "../src/api/v1beta2/constants.js";
import type { SparkApplication } from "../src/api/v1beta2/sparkapplication.js";
import { ensureSparkServiceAccount } from "../src/local/spark-rbac.js";
import { SparkplaneMetric } from "../src/operator/metrics/names.js";
import type { RunningOperator } from "../src/operator/operator.js";
import { onePool } from "./agent-helpers.js";
import { launchChromium } from "./browser.js";
import { down, privateCluster, type TestCluster } from "./cluster.js";
import { startTestConsole } from "./console-fixture.js";
import { startTestOperator } from "./operator-fixture.js";
import { eventually } from "./poll.js";

/** Where the screenshots go: docs/screenshots when SPARKPLANE_SCREENSHOTS names it, else a temp dir. */
const SHOTS =
  process.env.SPARKPLANE_SCREENSHOTS ?? join(process.env.TMPDIR ?? "/tmp", "sparkplane-screenshots");
const NS = "default";

describe("the web console in Chromium, on an embedded cluster running real Spark", {
  timeout: 900_000,
}, () => {
  let cluster: TestCluster;
  let agent: Agent;
  let operator: RunningOperator;
  let server: Server;
  let browser: Browser;
  let base: string;
  let custom: CustomObjectsApi;

  const text = async (l: Locator) => (await l.textContent()) ?? "";
  const shot = async (page: Page, name: string) => {
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };
  const app = (name: string, edit: (a: SparkApplication) => void = () => {}) => {
    const a = parse(readFileSync("examples/spark-pi.yaml", "utf8")) as SparkApplication;
    a.metadata = { name, namespace: NS };
    edit(a);
    return custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: NS,
      plural: "sparkapplications",
      body: a,
    });
  };
  const state = async (name: string) =>
    (
      (await custom.getNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: NS,
        plural: "sparkapplications",
        name,
      })) as SparkApplication
    ).status?.applicationState?.state;

  before(async () => {
    cluster = await privateCluster();
    custom = cluster.kc.makeApiClient(CustomObjectsApi);
    await ensureSparkServiceAccount(cluster.kc, NS);
    agent = await startAgent({
      stateDir: cluster.stateDir,
      nodePools: onePool("8", "32Gi"),
    });
    operator = await startTestOperator(cluster.kc, NS);
    server = await (await startTestConsole(cluster.kc, NS)).server;
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await operator?.stop();
    await agent?.stop();
    if (cluster) await down(cluster.stateDir);
  });

  test("the demo app is COMPLETED in the list; its page shows the timeline, executors and the driver log", async () => {
    await app("spark-pi");
    await eventually("spark-pi COMPLETED", async () => (await state("spark-pi")) === "COMPLETED", {
      timeoutMs: 300_000,
      intervalMs: 1000,
    });
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    assert.match(page.url(), /\/ui\/apps$/, "a browser at / lands on the apps list");
    const row = page.locator(`tr[data-app="${NS}/spark-pi"]`);
    await row.waitFor();
    assert.match(await text(row), /COMPLETED/);
    await shot(page, "apps");
    await row.locator("a").click();
    await page.waitForURL(/\/ui\/apps\/default\/spark-pi$/);
    assert.equal(await text(page.locator("#state")), "COMPLETED");
    assert.match(await text(page.locator("#timeline")), /SparkApplicationCompleted|SparkDriverCompleted/);
    assert.match(await text(page.locator("#executors")), /exec-1/);
    await page.locator("#driver-log", { hasText: "Pi is roughly" }).waitFor({ timeout: 30_000 });
    // What it cost: the operator's ledger holds the driver and both executors, shown on the page and counted.
    const ledger = await eventually(
      "the cost ledger with 3 pods",
      async () => {
        const a = (await custom.getNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace: NS,
          plural: "sparkapplications",
          name: "spark-pi",
        })) as SparkApplication;
        const l = parseLedger(a.metadata.annotations?.[COST_ANNOTATION]);
        return Object.keys(l.pods).length === 3 && l;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    assert.ok(ledger.cpuCoreSeconds > 10, `3 pods of 1 core for ~10 s or more: ${ledger.cpuCoreSeconds}`);
    // What they used, as the agent's /stats/summary said: a JVM's start alone takes more than a CPU second.
    assert.ok((ledger.usedCpuCoreSeconds ?? 0) > 1, `used CPU recorded: ${ledger.usedCpuCoreSeconds}`);
    for (const [pod, entry] of Object.entries(ledger.pods))
      assert.equal(entry.length, 3, `${pod}'s node reported its used CPU`);
    console.log(
      `spark-pi requested ${ledger.cpuCoreSeconds} core·s, ${ledger.memoryGiBSeconds} GiB·s; used ${ledger.usedCpuCoreSeconds} core·s`,
    );
    assert.match(
      await operator.metrics.registry.getSingleMetricAsString(SparkplaneMetric.UsedCpuSeconds),
      /namespace="default",queue=""\} \d/,
    );
    const metrics = await operator.metrics.registry.getSingleMetricAsString(
      SparkplaneMetric.RequestedCpuSeconds,
    );
    assert.match(metrics, /namespace="default",queue=""\} \d/);
    await page.reload();
    assert.match(await text(page.locator("#cost")), /core·s/);
    assert.match(await text(page.locator("#used-cpu")), /core·s/);
    await shot(page, "app");
    await page.close();
  });

  test("a Pending app's page says why in the app's terms", async () => {
    await app("too-big", (a) => {
      a.spec.driver.cores = 64;
    });
    const page = await browser.newPage();
    await eventually(
      "a diagnosis on the page",
      async () => {
        await page.goto(`${base}/ui/apps/${NS}/too-big`);
        return (await page.locator("#diagnosis").count()) > 0;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    const diagnosis = await text(page.locator("#diagnosis"));
    assert.match(diagnosis, /needs 64 CPU per driver/);
    assert.match(diagnosis, /spec\.driver\.cores/);
    await eventually(
      "the operator's SparkApplicationPending event in the timeline",
      async () => {
        await page.goto(`${base}/ui/apps/${NS}/too-big`);
        const timeline = await text(page.locator("#timeline"));
        return /SparkApplicationPending[\s\S]*needs 64 CPU per driver/.test(timeline);
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    await shot(page, "pending");
    await page.close();
  });

  test("queues, scheduled apps and sessions pages render what the cluster holds", async () => {
    await custom.createClusterCustomObject({
      group: SPARKPLANE_GROUP,
      version: SPARKPLANE_VERSION,
      plural: "sparkqueues",
      body: {
        apiVersion: `${SPARKPLANE_GROUP}/${SPARKPLANE_VERSION}`,
        kind: "SparkQueue",
        metadata: { name: "etl" },
        spec: { quota: { cpu: "4", memory: "8Gi" }, priority: 5 },
      },
    });
    const template = (parse(readFileSync("examples/spark-pi.yaml", "utf8")) as SparkApplication).spec;
    await custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: NS,
      plural: "scheduledsparkapplications",
      body: {
        apiVersion: `${GROUP}/${VERSION}`,
        kind: "ScheduledSparkApplication",
        metadata: { name: "nightly" },
        spec: { schedule: "0 2 * * *", timeZone: "Europe/Madrid", suspend: true, template },
      },
    });
    const page = await browser.newPage();
    await page.goto(`${base}/ui/queues`);
    assert.match(await text(page.locator('tr[data-queue="etl"]')), /4/);
    await shot(page, "queues");
    await page.goto(`${base}/ui/scheduled`);
    assert.match(await text(page.locator("#scheduled")), /nightly[\s\S]*0 2 \* \* \*[\s\S]*Europe\/Madrid/);
    await shot(page, "scheduled");
    await page.goto(`${base}/ui/sessions`);
    assert.match(
      await text(page.locator("main")),
      /Spark Connect sessions\s*no sessions/,
      "the sessions page lists none here",
    );
    await page.close();
  });
});
