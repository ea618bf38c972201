/** A minimal reader of the Prometheus text exposition format (what /metrics of Kubernetes components serve). */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Every sample of the text (comments and blank lines skipped); `only` keeps samples of those metric names. */
export function parsePromText(text: string, only?: ReadonlySet<string>): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const name = m[1] as string;
    if (only && !only.has(name)) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(LABEL)) {
      labels[l[1] as string] = (l[2] as string).replace(/\\(.)/g, (_s, c: string) => (c === "n" ? "\n" : c));
    }
    samples.push({ name, labels, value: parseValue(m[3] as string) });
  }
  return samples;
}

function parseValue(v: string): number {
  if (v === "+Inf") return Number.POSITIVE_INFINITY;
  if (v === "-Inf") return Number.NEGATIVE_INFINITY;
  return Number(v);
}

/** The sum of the samples named `name` whose labels include every pair of `match`. */
export function sumOf(samples: readonly Sample[], name: string, match: Record<string, string> = {}): number {
  let total = 0;
  for (const s of samples) {
    if (s.name !== name) continue;
    if (Object.entries(match).every(([k, v]) => s.labels[k] === v)) total += s.value;
  }
  return total;
}

/** Sums the samples named `name` grouped by the values of `by` (joined with a space). */
export function sumBy(samples: readonly Sample[], name: string, by: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    if (s.name !== name) continue;
    const key = by.map((l) => s.labels[l] ?? "").join(" ");
    out.set(key, (out.get(key) ?? 0) + s.value);
  }
  return out;
}

/** after - before for each key (keys only in `after` count from 0); zero differences are left out. */
export function diffCounts(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of after) {
    const d = v - (before.get(k) ?? 0);
    if (d !== 0) out.set(k, d);
  }
  return out;
}
