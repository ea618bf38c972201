/**
 * A summary of a V8 CPU profile (`node --cpu-prof`): where the time went, by function (self and inclusive)
 * and by package, so a profile can be read in a terminal and quoted in a report.
 */
import { readFileSync } from "node:fs";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  /** Sampled time not idle, not garbage collection, not "(program)". */
  busyMs: number;
  gcMs: number;
  byPackage: [string, number][];
  selfByFunction: [string, number][];
  inclusiveByFunction: [string, number][];
}

/** "@kubernetes/client-node", "node:internal/tls", "sparkplane src/kube", "(garbage collector)", ... */
export function packageOf(frame: CallFrame): string {
  const url = frame.url;
  if (!url) return frame.functionName.startsWith("(") ? frame.functionName : "(native)";
  const nm = url.lastIndexOf("/node_modules/");
  if (nm >= 0) {
    const parts = url.slice(nm + "/node_modules/".length).split("/");
    return parts[0]?.startsWith("@") ? `${parts[0]}/${parts[1]}` : (parts[0] ?? url);
  }
  if (url.startsWith("node:")) return url.split("/").slice(0, 2).join("/");
  const dist = url.indexOf("/dist/src/");
  if (dist >= 0) return `sparkplane src/${url.slice(dist + "/dist/src/".length).split("/")[0]}`;
  return url;
}

function functionKey(frame: CallFrame): string {
  const file = frame.url.split("/").slice(-2).join("/");
  return `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}`;
}

function top(map: Map<string, number>, n: number): [string, number][] {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => [k, Math.round(v)]);
}

export function summarizeProfile(profile: CpuProfile, n = 25): ProfileSummary {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const c of node.children ?? []) parent.set(c, node.id);
  }
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let total = 0;
  let idle = 0;
  let gc = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(profile.samples[i] as number);
    if (!node) continue;
    total += ms;
    const name = node.callFrame.functionName;
    if (name === "(idle)" || name === "(program)") {
      idle += ms;
      continue;
    }
    if (name === "(garbage collector)") gc += ms;
    const key = functionKey(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + ms);
    const pkg = packageOf(node.callFrame);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)?.callFrame;
      if (!frame || frame.functionName === "(root)") continue;
      const k = functionKey(frame);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + ms);
    }
  }
  return {
    totalMs: Math.round(total),
    busyMs: Math.round(total - idle),
    gcMs: Math.round(gc),
    byPackage: top(byPackage, n),
    selfByFunction: top(self, n),
    inclusiveByFunction: top(inclusive, n),
  };
}

export function readProfile(path: string): CpuProfile {
  return JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
}

export function formatProfileSummary(s: ProfileSummary): string {
  const pct = (ms: number) => `${((100 * ms) / Math.max(1, s.busyMs)).toFixed(1)}%`;
  const table = (title: string, rows: [string, number][]) =>
    [title, ...rows.map(([k, v]) => `  ${String(v).padStart(7)} ms ${pct(v).padStart(6)}  ${k}`)].join("\n");
  return [
    `busy ${s.busyMs} ms of ${s.totalMs} ms sampled (GC ${s.gcMs} ms)`,
    table("by package (self time):", s.byPackage),
    table("by function (self time):", s.selfByFunction),
    table("by function (inclusive time):", s.inclusiveByFunction),
  ].join("\n");
}
