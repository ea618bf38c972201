/** Go's `time.Duration` text format (`1h30m`, `90s`, `1.5h`), as `@every <duration>` is written for kubeflow. */

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3, // U+00B5 micro sign
  μs: 1e-3, // U+03BC Greek mu
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** The longest duration Go can represent (int64 nanoseconds), in milliseconds. */
const MAX_GO_DURATION_MS = 9_223_372_036_854;

const COMPONENT = /^(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;

export type DurationParse = { ok: true; ms: number } | { ok: false; problem: string };

/** Parses a Go duration into milliseconds (fractions of a millisecond kept); the sign is kept. */
export function parseGoDuration(text: string): DurationParse {
  let rest = text;
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    sign = rest.startsWith("-") ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === "0") return { ok: true, ms: 0 };
  if (rest === "") return { ok: false, problem: `"${text}" is not a duration` };
  let total = 0;
  while (rest !== "") {
    const match = COMPONENT.exec(rest);
    if (match === null) {
      const unit = /^[\d.]*([^\d.]*)/.exec(rest)?.[1] ?? "";
      const problem =
        /^\d|^\./.test(rest) && unit !== ""
          ? `unknown unit "${unit}" in duration "${text}" (units: h, m, s, ms, us, ns; days are 24h)`
          : `"${text}" is not a duration such as 5m, 1h30m or 90s`;
      return { ok: false, problem };
    }
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
    rest = rest.slice(match[0].length);
  }
  if (total > MAX_GO_DURATION_MS) return { ok: false, problem: `duration "${text}" is out of range` };
  return { ok: true, ms: sign * total };
}

/** Whole seconds as Go prints durations: `1h30m0s`, `10s`, `24h0m0s`. */
export function formatGoDuration(ms: number): string {
  const totalSeconds = Math.floor(Math.abs(ms) / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const sign = ms < 0 ? "-" : "";
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}
