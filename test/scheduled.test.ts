import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { parse } from "yaml";
import {
  API_VERSION,
  GROUP,
  OperatorLabel,
  ScheduledSparkApplicationNames,
  VERSION,
} from "../src/api/v1beta2/constants.js";
import type { ScheduledSparkApplication } from "../src/api/v1beta2/scheduledsparkapplication.js";
import { requireToolset } from "../src/local/provision/index.js";
import { runNameFor } from "../src/operator/controllers/scheduledsparkapplication/decide/index.js";
import { operatorHarness } from "./operator-fixture.js";
import {
  describeEvents,
  nameOf,
  type ScheduledHarness,
  scheduledHarness,
  template,
} from "./scheduled-fixture.js";

const examples = join(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "..", "..", "examples");
const FIVE_MIN = 5 * 60_000;
const EVERY_FIVE = { schedule: "*/5 * * * *", timeZone: "UTC" };

/** A harness with a running controller; the caller stops it. */
async function started(prefix: string): Promise<ScheduledHarness> {
  const h = await scheduledHarness(prefix);
  await h.start();
  return h;
}

/** Waits until the app is Scheduled and returns its next run (ms). */
async function nextRunOf(h: ScheduledHarness, name: string, after = 0): Promise<number> {
  return h.until(`${name} to be scheduled after ${new Date(after).toISOString()}`, async () => {
    const app = await h.get(name);
    const next = Date.parse(app.status?.nextRun ?? "");
    return app.status?.scheduleState === "Scheduled" && next > after ? next : false;
  });
}

/** Sets the clock to `at` and makes the controller decide. */
function fire(h: ScheduledHarness, name: string, at: number) {
  h.clock.now = at;
  h.poke(name);
}

const runsNamed = async (h: ScheduledHarness, name: string, count: number) =>
  h.until(`${count} run(s) of ${name}`, async () => {
    const runs = (await h.runs(name)).filter((r) => !r.metadata.deletionTimestamp);
    return runs.length === count ? runs.map(nameOf) : false;
  });

const eventWith = (h: ScheduledHarness, name: string, pattern: RegExp) =>
  h.until(`an event of ${name} matching ${pattern}`, async () => {
    const found = describeEvents(await h.events(name)).find((e) => pattern.test(e));
    return found ?? false;
  });

describe("ScheduledSparkApplication controller against a real API server", () => {
  test("Allow: a run per scheduled time, labelled and owned by the app; runs overlap", async () => {
    const h = await started("sched-allow");
    try {
      const app = await h.create("nightly", { ...EVERY_FIVE, concurrencyPolicy: "Allow" });
      const n1 = await nextRunOf(h, "nightly");
      fire(h, "nightly", n1 + 2000);
      const [r1] = await runsNamed(h, "nightly", 1);
      assert.equal(r1, runNameFor("nightly", new Date(n1)));
      const run = (await h.runs("nightly"))[0]!;
      assert.equal(run.metadata.labels?.[OperatorLabel.ScheduledAppName], "nightly");
      assert.equal(run.metadata.labels?.team, "tests", "the scheduled app's labels are copied");
      const owner = run.metadata.ownerReferences?.[0];
      assert.deepEqual(
        [owner?.kind, owner?.name, owner?.uid, owner?.controller],
        ["ScheduledSparkApplication", "nightly", app.metadata.uid, true],
      );
      assert.equal(run.spec.mainClass, (template() as { mainClass: string }).mainClass);
      const status = (await h.get("nightly")).status!;
      assert.equal(Date.parse(status.lastRun ?? ""), n1);
      assert.equal(status.lastRunName, r1);
      assert.equal(Date.parse(status.nextRun ?? ""), n1 + FIVE_MIN);
      assert.deepEqual(
        status.pastSuccessfulRunNames,
        [],
        "kept as written: the status compares equal next time",
      );

      fire(h, "nightly", n1 + FIVE_MIN + 2000);
      const runs = await runsNamed(h, "nightly", 2);
      assert.deepEqual(runs, [r1, runNameFor("nightly", new Date(n1 + FIVE_MIN))], "both active at once");
      await eventWith(h, "nightly", new RegExp(`Normal/RunStarted: Started run ${runs[1]}`));
      const events = describeEvents(await h.events("nightly"));
      assert.match(events[0] ?? "", /^Normal\/Scheduled: Scheduled /);
      assert.equal(events.filter((e) => e.includes("/RunStarted")).length, 2);
    } finally {
      await h.stop();
    }
  });

  test("Forbid: a due run is skipped while one is active, and starts again once it finished", async () => {
    const h = await started("sched-forbid");
    try {
      await h.create("forbid", { ...EVERY_FIVE, concurrencyPolicy: "Forbid" });
      const n1 = await nextRunOf(h, "forbid");
      fire(h, "forbid", n1 + 2000);
      const [r1] = await runsNamed(h, "forbid", 1);
      await h.setRunState(r1!, "RUNNING");
      fire(h, "forbid", n1 + FIVE_MIN + 2000);
      const skipped = await eventWith(h, "forbid", /RunSkipped/);
      assert.match(skipped, new RegExp(`Normal/RunSkipped: .*Forbid and ${r1} is still running`));
      await nextRunOf(h, "forbid", n1 + FIVE_MIN);
      assert.deepEqual(await runsNamed(h, "forbid", 1), [r1]);
      assert.equal((await h.get("forbid")).status?.lastRunName, r1);

      await h.setRunState(r1!, "COMPLETED");
      await h.until("the finished run in the history", async () =>
        (await h.get("forbid")).status?.pastSuccessfulRunNames?.includes(r1!),
      );
      fire(h, "forbid", n1 + 2 * FIVE_MIN + 2000);
      const runs = await runsNamed(h, "forbid", 2);
      assert.equal(runs[1], runNameFor("forbid", new Date(n1 + 2 * FIVE_MIN)));
    } finally {
      await h.stop();
    }
  });

  test("Replace: the active run is deleted and the new one created", async () => {
    const h = await started("sched-replace");
    try {
      await h.create("replace", { ...EVERY_FIVE, concurrencyPolicy: "Replace" });
      const n1 = await nextRunOf(h, "replace");
      fire(h, "replace", n1 + 2000);
      const [r1] = await runsNamed(h, "replace", 1);
      await h.setRunState(r1!, "RUNNING");
      fire(h, "replace", n1 + FIVE_MIN + 2000);
      const r2 = runNameFor("replace", new Date(n1 + FIVE_MIN));
      await h.until("only the new run in the API", async () => {
        const names = (await h.runs("replace")).map(nameOf);
        return names.length === 1 && names[0] === r2;
      });
      assert.match(
        await eventWith(h, "replace", /RunReplaced/),
        new RegExp(`Deleting run ${r1} \\(RUNNING\\) to replace it with ${r2}`),
      );
    } finally {
      await h.stop();
    }
  });

  test("a run missed while the operator was down starts inside startingDeadlineSeconds, once; outside it is skipped", async () => {
    const h = await started("sched-missed");
    try {
      await h.create("missed", { ...EVERY_FIVE, startingDeadlineSeconds: 120 });
      const n1 = await nextRunOf(h, "missed");
      await h.stop();
      // Down across two scheduled times: only the latest starts (60 s late, inside the deadline).
      h.clock.now = n1 + FIVE_MIN + 60_000;
      await h.start();
      const r2 = runNameFor("missed", new Date(n1 + FIVE_MIN));
      assert.deepEqual(await runsNamed(h, "missed", 1), [r2], "no burst: the older missed time does not run");
      assert.match(
        await eventWith(h, "missed", /RunStarted/),
        /Started run .* \(1m0s late; missed while the operator was down\)/,
      );
      await nextRunOf(h, "missed", n1 + FIVE_MIN);
      await h.stop();
      // Down again; the latest missed time is 200 s late, beyond the deadline.
      h.clock.now = n1 + 4 * FIVE_MIN + 200_000;
      await h.start();
      assert.match(
        await eventWith(h, "missed", /RunSkipped/),
        /^Warning\/RunSkipped: .*3m20s late \(missed while the operator was down\), beyond startingDeadlineSeconds 120/,
      );
      assert.equal(await nextRunOf(h, "missed", n1 + 4 * FIVE_MIN), n1 + 5 * FIVE_MIN);
      assert.deepEqual(await runsNamed(h, "missed", 1), [r2]);
    } finally {
      await h.stop();
    }
  });

  test("history: finished runs beyond the limits are deleted; the status lists the kept ones", async () => {
    const h = await started("sched-history");
    try {
      await h.create("hist", { ...EVERY_FIVE, successfulRunHistoryLimit: 1, failedRunHistoryLimit: 1 });
      const n1 = await nextRunOf(h, "hist");
      const names: string[] = [];
      for (let i = 0; i < 4; i++) {
        fire(h, "hist", n1 + i * FIVE_MIN + 2000);
        names.push((await runsNamed(h, "hist", i + 1))[i]!);
      }
      const [r1, r2, r3, r4] = names as [string, string, string, string];
      const status = () => h.get("hist").then((a) => a.status ?? {});
      await h.setRunState(r1, "COMPLETED");
      await h.setRunState(r2, "COMPLETED");
      await h.setRunState(r3, "FAILED");
      await h.until("r1 pruned", async () => {
        const s = await status();
        return s.pastSuccessfulRunNames?.join() === r2 && s.pastFailedRunNames?.join() === r3;
      });
      assert.deepEqual(await runsNamed(h, "hist", 3), [r2, r3, r4]);
      await h.setRunState(r4, "FAILED");
      await h.until("r3 pruned", async () => (await status()).pastFailedRunNames?.join() === r4);
      assert.deepEqual(await runsNamed(h, "hist", 2), [r2, r4]);
      const pruned = describeEvents(await h.events("hist")).filter((e) => e.includes("/RunPruned"));
      assert.deepEqual(pruned, [
        `Normal/RunPruned: Deleting run ${r1}: COMPLETED and beyond successfulRunHistoryLimit 1`,
        `Normal/RunPruned: Deleting run ${r3}: FAILED and beyond failedRunHistoryLimit 1`,
      ]);
    } finally {
      await h.stop();
    }
  });

  test("suspend: no runs while suspended, the times passed are not run on resume", async () => {
    const h = await started("sched-suspend");
    try {
      await h.create("paused", { ...EVERY_FIVE, suspend: true });
      const n1 = await nextRunOf(h, "paused");
      fire(h, "paused", n1 + 2000);
      assert.equal(await nextRunOf(h, "paused", n1), n1 + FIVE_MIN, "the time passed while suspended");
      assert.equal((await h.runs("paused")).length, 0);
      await h.patchSpec("paused", { suspend: false });
      await h.until("the resumed spec seen", async () => (await h.get("paused")).metadata.generation === 2);
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal((await h.runs("paused")).length, 0, "nothing runs on resume");
      fire(h, "paused", n1 + FIVE_MIN + 2000);
      assert.deepEqual(await runsNamed(h, "paused", 1), [runNameFor("paused", new Date(n1 + FIVE_MIN))]);
    } finally {
      await h.stop();
    }
  });

  test("an invalid schedule or time zone is refused: FailedValidation and a Warning naming the field", async () => {
    const h = await started("sched-invalid");
    try {
      await h.create("bad-cron", { schedule: "every tuesday", timeZone: "UTC" });
      await h.create("bad-zone", { ...EVERY_FIVE, timeZone: "Mars/Olympus" });
      for (const [name, field] of [
        ["bad-cron", "spec.schedule"],
        ["bad-zone", "spec.timeZone"],
      ] as const) {
        const app = await h.until(`${name} refused`, async () => {
          const a = await h.get(name);
          return a.status?.scheduleState === "FailedValidation" ? a : false;
        });
        assert.ok(app.status?.reason?.startsWith(`${field}: `), app.status?.reason);
        assert.equal(app.status?.nextRun, undefined);
        const warning = await eventWith(h, name, /FailedValidation/);
        assert.ok(
          warning.startsWith(
            `Warning/FailedValidation: Schedule not accepted, no runs will start: ${field}: `,
          ),
          warning,
        );
      }
      await h.patchSpec("bad-zone", { timeZone: "Europe/Berlin" });
      await nextRunOf(h, "bad-zone");
      assert.match(await eventWith(h, "bad-zone", /Normal\/Scheduled/), /Europe\/Berlin/);
      assert.equal((await h.runs("bad-cron")).length + (await h.runs("bad-zone")).length, 0);
    } finally {
      await h.stop();
    }
  });

  test("examples/scheduled-spark-pi.yaml is accepted and scheduled for 02:00 in Berlin", async () => {
    const h = await started("sched-example");
    try {
      const doc = parse(
        readFileSync(join(examples, "scheduled-spark-pi.yaml"), "utf8"),
      ) as ScheduledSparkApplication;
      await h.create(doc.metadata.name ?? "", doc.spec as unknown as Record<string, unknown>);
      const next = new Date(await nextRunOf(h, doc.metadata.name ?? ""));
      const berlin = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Berlin", timeStyle: "short" });
      assert.equal(berlin.format(next), "02:00");
      assert.ok(next.getTime() - h.clock.now <= 24 * 3600_000);
    } finally {
      await h.stop();
    }
  });

  test("DONE-WHEN: the operator starts a run of `@every 10s` every 10 s, with events; kubectl shows the columns", async () => {
    const op = await operatorHarness("sched-every");
    try {
      const ref = {
        group: GROUP,
        version: VERSION,
        plural: ScheduledSparkApplicationNames.plural,
        namespace: op.ns,
      };
      const created = (await op.custom.createNamespacedCustomObject({
        ...ref,
        body: {
          apiVersion: API_VERSION,
          kind: ScheduledSparkApplicationNames.kind,
          metadata: { name: "ticker" },
          spec: {
            schedule: "@every 10s",
            suspend: false,
            concurrencyPolicy: "Allow",
            successfulRunHistoryLimit: 3,
            template: template(),
          },
        },
      })) as ScheduledSparkApplication;
      const t0 = Date.parse(created.metadata.creationTimestamp ?? "");
      const runs = await op.until(
        "3 runs",
        async () => {
          const list = (await op.custom.listNamespacedCustomObject({
            ...ref,
            plural: "sparkapplications",
            labelSelector: `${OperatorLabel.ScheduledAppName}=ticker`,
          })) as { items: { metadata: { name: string; creationTimestamp: string } }[] };
          return list.items.length >= 3 ? list.items : false;
        },
        45_000,
      );
      const seen = runs
        .map((r) => ({ name: r.metadata.name, created: r.metadata.creationTimestamp }))
        .sort((a, b) => a.name.localeCompare(b.name));
      console.log(`ticker created ${created.metadata.creationTimestamp}; runs: ${JSON.stringify(seen)}`);
      seen.slice(0, 3).forEach((run, i) => {
        const due = t0 + (i + 1) * 10_000;
        assert.equal(run.name, runNameFor("ticker", new Date(due)));
        const late = Date.parse(run.created) - due;
        assert.ok(late >= 0 && late <= 2000, `${run.name} created ${late} ms after its time`);
      });
      const events = await op.until("3 RunStarted events", async () => {
        const list = await op.core.listNamespacedEvent({
          namespace: op.ns,
          fieldSelector: "involvedObject.name=ticker",
        });
        const started = list.items.filter((e) => e.reason === "ScheduledSparkApplicationRunStarted");
        return started.length >= 3 &&
          list.items.every((e) => e.involvedObject.kind === "ScheduledSparkApplication")
          ? list.items.map((e) => `${e.reason}: ${e.message}`)
          : false;
      });
      console.log(events.join("\n"));

      const kubectl = requireToolset().kube.kubectl;
      const out = spawnSync(
        kubectl,
        ["--kubeconfig", op.cluster.kubeconfig, "get", "scheduledsparkapp", "-n", op.ns],
        {
          encoding: "utf8",
        },
      );
      assert.equal(out.status, 0, out.stderr);
      console.log(out.stdout);
      const [header, row] = out.stdout.trim().split("\n");
      assert.deepEqual(header?.trim().split(/\s{2,}/), [
        "NAME",
        "SCHEDULE",
        "SUSPEND",
        "LAST RUN",
        "NEXT RUN",
        "AGE",
      ]);
      assert.match(row ?? "", /^ticker\s+@every 10s\s+false\s+\S+\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+\S+$/);
    } finally {
      await op.stop();
    }
  });
});
