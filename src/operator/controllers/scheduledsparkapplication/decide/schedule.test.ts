import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseSchedule, type Schedule, type ScheduleSource } from "./schedule.js";

const NEW_YORK = "America/New_York";

function schedule(
  source: ScheduleSource | string,
  options: { defaultTimeZone?: string; everyOrigin?: string } = {},
) {
  const parsed = parseSchedule(typeof source === "string" ? { schedule: source, timeZone: "UTC" } : source, {
    defaultTimeZone: options.defaultTimeZone ?? "UTC",
    ...(options.everyOrigin === undefined ? {} : { everyOrigin: new Date(options.everyOrigin) }),
  });
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return parsed.schedule;
}

function errorsOf(source: ScheduleSource) {
  const parsed = parseSchedule(source, { defaultTimeZone: "UTC" });
  assert.equal(parsed.ok, false, `${source.schedule} should be refused`);
  return parsed.ok ? [] : parsed.errors;
}

/** The next `count` fire times after `from`, as ISO strings. */
function times(s: Schedule, from: string, count: number): string[] {
  const result: string[] = [];
  let cursor = new Date(from);
  for (let i = 0; i < count; i++) {
    cursor = s.next(cursor);
    result.push(cursor.toISOString());
  }
  return result;
}

describe("cron expressions", () => {
  it("fire at the named minutes in the time zone", () => {
    assert.deepEqual(times(schedule("*/15 * * * *"), "2024-01-01T00:07:00Z", 3), [
      "2024-01-01T00:15:00.000Z",
      "2024-01-01T00:30:00.000Z",
      "2024-01-01T00:45:00.000Z",
    ]);
    const berlin = schedule({ schedule: "0 9 * * MON-FRI", timeZone: "Europe/Berlin" });
    assert.deepEqual(times(berlin, "2024-01-05T12:00:00Z", 2), [
      "2024-01-08T08:00:00.000Z",
      "2024-01-09T08:00:00.000Z",
    ]);
  });

  it("next is strictly after, previous strictly before", () => {
    const hourly = schedule("0 * * * *");
    assert.equal(hourly.next(new Date("2024-01-01T05:00:00Z")).toISOString(), "2024-01-01T06:00:00.000Z");
    assert.equal(
      hourly.previous(new Date("2024-01-01T05:00:00Z"))?.toISOString(),
      "2024-01-01T04:00:00.000Z",
    );
    assert.equal(
      hourly.previous(new Date("2024-01-01T05:00:00.001Z"))?.toISOString(),
      "2024-01-01T05:00:00.000Z",
    );
  });

  it("accept the descriptors, in any case, and extra whitespace", () => {
    const from = "2024-05-15T10:30:00Z";
    const expect: Record<string, string> = {
      "@hourly": "2024-05-15T11:00:00.000Z",
      "@daily": "2024-05-16T00:00:00.000Z",
      "@midnight": "2024-05-16T00:00:00.000Z",
      "@weekly": "2024-05-19T00:00:00.000Z",
      "@monthly": "2024-06-01T00:00:00.000Z",
      "@yearly": "2025-01-01T00:00:00.000Z",
      "@annually": "2025-01-01T00:00:00.000Z",
      "@Daily": "2024-05-16T00:00:00.000Z",
      "  0   12  *  *  * ": "2024-05-15T12:00:00.000Z",
    };
    for (const [expression, next] of Object.entries(expect)) {
      assert.equal(schedule(expression).next(new Date(from)).toISOString(), next, expression);
    }
  });

  it("find the previous time of sparse schedules (croner's own backward search throws for these)", () => {
    const leapDay = schedule("0 0 29 2 *");
    assert.equal(
      leapDay.previous(new Date("2027-06-01T00:00:00Z"))?.toISOString(),
      "2024-02-29T00:00:00.000Z",
    );
    assert.equal(
      schedule("@yearly").previous(new Date("2024-05-01T00:00:00Z"))?.toISOString(),
      "2024-01-01T00:00:00.000Z",
    );
  });

  it("agree going forward and backward (New York, Berlin, Lord Howe, UTC; around DST changes)", () => {
    const cases: [string, string][] = [
      ["0 2 * * *", NEW_YORK],
      ["30 1 * * *", NEW_YORK],
      ["*/20 * * * *", NEW_YORK],
      ["0 * * * *", "Europe/Berlin"],
      ["15 2 * * *", "Australia/Lord_Howe"],
      ["0 0 L * *", "UTC"],
    ];
    const instants = [
      "2024-03-10T06:30:00Z",
      "2024-03-10T07:10:00Z",
      "2024-11-03T05:45:00Z",
      "2024-11-03T06:15:00Z",
    ];
    instants.push(
      "2024-03-31T01:10:00Z",
      "2024-10-27T00:45:00Z",
      "2024-10-05T15:50:00Z",
      "2024-02-10T11:11:11Z",
    );
    for (const [expression, timeZone] of cases) {
      const s = schedule({ schedule: expression, timeZone });
      for (const iso of instants) {
        const t = new Date(iso);
        const next = s.next(t);
        const previous = s.previous(t)!;
        assert.ok(next > t && previous < t, `${expression} ${timeZone} ${iso}`);
        assert.ok(s.next(previous) >= t, `nothing between previous and t: ${expression} ${timeZone} ${iso}`);
        assert.deepEqual(
          s.previous(next),
          s.previous(new Date(t.getTime() + 1)),
          `${expression} ${timeZone} ${iso}`,
        );
      }
    }
  });
});

describe("daylight saving (America/New_York: 2024-03-10 02:00 -> 03:00, 2024-11-03 02:00 -> 01:00)", () => {
  const ny = (expression: string) => schedule({ schedule: expression, timeZone: NEW_YORK });

  it("0 2 * * * runs once on the spring-forward day, at 03:00 EDT, when 02:00 does not exist", () => {
    assert.deepEqual(times(ny("0 2 * * *"), "2024-03-09T12:00:00Z", 3), [
      "2024-03-10T07:00:00.000Z", // 03:00 EDT
      "2024-03-11T06:00:00.000Z", // 02:00 EDT
      "2024-03-12T06:00:00.000Z",
    ]);
  });

  it("a skipped time runs as much later as the clocks jumped: 30 2 * * * at 03:30 EDT", () => {
    assert.deepEqual(times(ny("30 2 * * *"), "2024-03-09T12:00:00Z", 2), [
      "2024-03-10T07:30:00.000Z",
      "2024-03-11T06:30:00.000Z",
    ]);
  });

  it("0 2 * * * runs once on the fall-back day, at 02:00 EST", () => {
    assert.deepEqual(times(ny("0 2 * * *"), "2024-11-02T12:00:00Z", 2), [
      "2024-11-03T07:00:00.000Z",
      "2024-11-04T07:00:00.000Z",
    ]);
  });

  it("30 1 * * * runs once on the fall-back day, at the first 01:30 (EDT)", () => {
    assert.deepEqual(times(ny("30 1 * * *"), "2024-11-02T12:00:00Z", 2), [
      "2024-11-03T05:30:00.000Z", // 01:30 EDT; 01:30 EST (06:30Z) does not run
      "2024-11-04T06:30:00.000Z",
    ]);
  });

  it("asked during the repeated hour, next is the first time after it that has not run", () => {
    const during = new Date("2024-11-03T06:15:00Z"); // 01:15 EST, the second 01:15
    assert.equal(ny("30 1 * * *").next(during).toISOString(), "2024-11-04T06:30:00.000Z");
    assert.equal(ny("*/20 * * * *").next(during).toISOString(), "2024-11-03T07:00:00.000Z");
  });

  it("hourly runs skip nothing in spring and run the repeated hour once in autumn", () => {
    assert.deepEqual(times(ny("0 * * * *"), "2024-03-10T05:30:00Z", 3), [
      "2024-03-10T06:00:00.000Z", // 01:00 EST
      "2024-03-10T07:00:00.000Z", // 03:00 EDT
      "2024-03-10T08:00:00.000Z",
    ]);
    assert.deepEqual(times(ny("0 * * * *"), "2024-11-03T04:30:00Z", 3), [
      "2024-11-03T05:00:00.000Z", // 01:00 EDT
      "2024-11-03T07:00:00.000Z", // 02:00 EST, two hours later
      "2024-11-03T08:00:00.000Z",
    ]);
  });

  it("@every counts elapsed time and ignores daylight saving", () => {
    const every = schedule(
      { schedule: "@every 1h", timeZone: NEW_YORK },
      { everyOrigin: "2024-11-03T04:00:00Z" },
    );
    assert.deepEqual(times(every, "2024-11-03T04:30:00Z", 3), [
      "2024-11-03T05:00:00.000Z",
      "2024-11-03T06:00:00.000Z",
      "2024-11-03T07:00:00.000Z",
    ]);
  });
});

describe("@every", () => {
  it("fires at origin + k * interval, k >= 1, whatever the time of asking", () => {
    const every = schedule("@every 10s", { everyOrigin: "2024-01-01T00:00:03.700Z" });
    assert.equal(every.next(new Date("2023-12-31T00:00:00Z")).toISOString(), "2024-01-01T00:00:13.000Z");
    assert.equal(every.next(new Date("2024-01-01T00:00:13Z")).toISOString(), "2024-01-01T00:00:23.000Z");
    assert.equal(every.next(new Date("2024-01-01T00:00:14Z")).toISOString(), "2024-01-01T00:00:23.000Z");
    assert.equal(every.previous(new Date("2024-01-01T00:00:23Z"))?.toISOString(), "2024-01-01T00:00:13.000Z");
    assert.equal(every.previous(new Date("2024-01-01T00:00:13Z")), undefined, "nothing before the first");
  });

  it("reads Go durations and drops fractions of a second", () => {
    const origin = { everyOrigin: "2024-01-01T00:00:00Z" };
    assert.equal(
      schedule("@every 1h30m", origin).next(new Date(0)).toISOString(),
      "2024-01-01T01:30:00.000Z",
    );
    assert.equal(schedule("@every 1.5s", origin).next(new Date(0)).toISOString(), "2024-01-01T00:00:01.000Z");
    assert.equal(schedule("@every 5m", origin).summary, "every 5m0s");
  });

  it("counts from the epoch without an origin", () => {
    assert.equal(
      schedule("@every 1h").next(new Date("2024-01-01T00:10:00Z")).toISOString(),
      "2024-01-01T01:00:00.000Z",
    );
  });
});

describe("mostRecentDue(since, now)", () => {
  const hourly = schedule("0 * * * *");
  const due = (since: string, now: string) =>
    hourly.mostRecentDue(new Date(since), new Date(now))?.toISOString();

  it("is the latest fire time in [since, now], both ends included", () => {
    assert.equal(due("2024-01-01T00:00:00Z", "2024-01-01T05:30:00Z"), "2024-01-01T05:00:00.000Z");
    assert.equal(due("2024-01-01T05:00:00Z", "2024-01-01T05:00:00Z"), "2024-01-01T05:00:00.000Z");
    assert.equal(due("2024-01-01T05:00:00Z", "2024-01-01T05:59:59Z"), "2024-01-01T05:00:00.000Z");
  });

  it("is undefined when no fire time is in the window", () => {
    assert.equal(due("2024-01-01T05:00:01Z", "2024-01-01T05:59:59Z"), undefined);
    assert.equal(due("2024-01-01T06:00:00Z", "2024-01-01T05:00:00Z"), undefined);
  });

  it("searches back from now over long windows", () => {
    assert.equal(due("2023-01-01T00:00:00Z", "2024-01-01T05:30:00Z"), "2024-01-01T05:00:00.000Z");
    const every = schedule("@every 10s", { everyOrigin: "2024-01-01T00:00:00Z" });
    const latest = every.mostRecentDue(new Date("2024-01-01T00:00:00Z"), new Date("2024-03-01T00:00:05Z"));
    assert.equal(latest?.toISOString(), "2024-03-01T00:00:00.000Z");
  });
});

describe("time zones", () => {
  it("default to the operator's zone when unset, empty or Local", () => {
    for (const timeZone of [undefined, "", "Local"]) {
      const s = schedule({ schedule: "0 2 * * *", timeZone }, { defaultTimeZone: "Asia/Tokyo" });
      assert.equal(s.timeZone, "Asia/Tokyo");
      assert.equal(s.next(new Date("2024-01-01T00:00:00Z")).toISOString(), "2024-01-01T17:00:00.000Z");
    }
  });

  it("may come from a CRON_TZ= or TZ= prefix, which wins over spec.timeZone", () => {
    const s = schedule({ schedule: "CRON_TZ=Asia/Tokyo 0 2 * * *", timeZone: "Bad/Zone" });
    assert.equal(s.timeZone, "Asia/Tokyo");
    assert.equal(schedule({ schedule: "TZ=Europe/Berlin @daily" }).timeZone, "Europe/Berlin");
  });
});

describe("invalid schedules and time zones are refused, naming the field and the fix", () => {
  const cases: [ScheduleSource, string, RegExp][] = [
    [{ schedule: "" }, "spec.schedule", /must not be empty; use 5 fields/],
    [
      { schedule: "61 * * * *" },
      "spec.schedule",
      /invalid cron expression "61 \* \* \* \*": .*minute.*; use 5 fields/,
    ],
    [{ schedule: "* * *" }, "spec.schedule", /has 3 fields; use 5 fields/],
    [{ schedule: "0 0 2 * * *" }, "spec.schedule", /6 fields \(seconds and years are not supported\)/],
    [{ schedule: "0 0 30 2 *" }, "spec.schedule", /never matches a date/],
    [{ schedule: "@reboot" }, "spec.schedule", /unknown descriptor "@reboot"/],
    [{ schedule: "@every" }, "spec.schedule", /@every needs a duration/],
    [{ schedule: "@every 1d" }, "spec.schedule", /unknown unit "d".*24h/],
    [{ schedule: "@every 500ms" }, "spec.schedule", /at least 1s/],
    [{ schedule: "@every -5m" }, "spec.schedule", /at least 1s/],
    [
      { schedule: "CRON_TZ=Mars/Olympus 0 * * * *" },
      "spec.schedule",
      /CRON_TZ=Mars\/Olympus prefix: "Mars\/Olympus" is not an IANA/,
    ],
    [{ schedule: "CRON_TZ= 0 * * * *" }, "spec.schedule", /names no zone/],
    [
      { schedule: "0 2 * * *", timeZone: "Mars/Olympus" },
      "spec.timeZone",
      /"Mars\/Olympus" is not an IANA time zone name; use one such as "UTC"/,
    ],
    [{ schedule: "0 2 * * *", timeZone: "+05:00" }, "spec.timeZone", /not an IANA/],
    [{ schedule: "0 2 * * *", timeZone: "Europe/Berlin " }, "spec.timeZone", /not an IANA/],
  ];
  for (const [source, field, message] of cases) {
    it(`${JSON.stringify(source)}`, () => {
      const errors = errorsOf(source);
      assert.equal(errors.length, 1, JSON.stringify(errors));
      assert.equal(errors[0]!.field, field);
      assert.match(errors[0]!.message, message);
    });
  }

  it("reports a bad zone and a bad expression together", () => {
    const errors = errorsOf({ schedule: "bad", timeZone: "Nowhere/Land" });
    assert.deepEqual(
      errors.map((error) => error.field),
      ["spec.timeZone", "spec.schedule"],
    );
  });

  it("refuses a default zone that is not IANA, asking for spec.timeZone", () => {
    const parsed = parseSchedule({ schedule: "0 2 * * *" }, { defaultTimeZone: "Nowhere" });
    assert.equal(parsed.ok, false);
    assert.match(
      parsed.ok ? "" : parsed.errors[0]!.message,
      /operator's own time zone "Nowhere".*set spec.timeZone/,
    );
  });
});
