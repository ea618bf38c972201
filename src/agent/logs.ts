/**
 * Container logs: a container writes stdout and stderr straight into one file (so it keeps logging while
 * the agent restarts); the agent appends `<end offset> <epoch ms>` lines to an index beside it whenever it
 * sees the file grow. Timestamps (kubectl logs --timestamps, --since) are those observation times.
 */

export interface LogQuery {
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  /** Epoch ms: only lines observed at or after it. */
  since?: number;
  limitBytes?: number;
}

export type IndexEntry = [endOffset: number, epochMs: number];

const truthy = (v: string | null) => v === "true" || v === "1";

function positiveInt(name: string, v: string | null): number | undefined {
  if (v === null || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${v}"`);
  return n;
}

/** The kubelet's /containerLogs query parameters. Throws on invalid values. */
export function parseLogQuery(params: URLSearchParams, now = Date.now()): LogQuery {
  const q: LogQuery = {
    follow: truthy(params.get("follow")),
    previous: truthy(params.get("previous")),
    timestamps: truthy(params.get("timestamps")),
  };
  const tail = positiveInt("tailLines", params.get("tailLines"));
  if (tail !== undefined) q.tailLines = tail;
  const limit = positiveInt("limitBytes", params.get("limitBytes"));
  if (limit !== undefined && limit > 0) q.limitBytes = limit;
  const sinceSeconds = positiveInt("sinceSeconds", params.get("sinceSeconds"));
  const sinceTime = params.get("sinceTime");
  if (sinceSeconds !== undefined) q.since = now - sinceSeconds * 1000;
  else if (sinceTime) {
    const t = Date.parse(sinceTime);
    if (Number.isNaN(t)) throw new Error(`sinceTime must be RFC 3339, got "${sinceTime}"`);
    q.since = t;
  }
  return q;
}

export function parseIndex(text: string): IndexEntry[] {
  const out: IndexEntry[] = [];
  for (const line of text.split("\n")) {
    const [o, t] = line.split(" ");
    const offset = Number(o);
    const ms = Number(t);
    if (line && Number.isFinite(offset) && Number.isFinite(ms)) out.push([offset, ms]);
  }
  return out;
}

/** When the byte at `offset` was first seen: the first index entry whose end lies beyond it. */
export function timeAt(index: readonly IndexEntry[], offset: number, fallback: number): number {
  let lo = 0;
  let hi = index.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (index[mid]![0] > offset) hi = mid;
    else lo = mid + 1;
  }
  return lo < index.length ? index[lo]![1] : fallback;
}

/** The byte offset where the last `n` lines of `buf` start (a final line without newline counts). */
export function tailOffset(buf: Buffer, n: number): number {
  if (n <= 0) return buf.length;
  let end = buf.length;
  if (end > 0 && buf[end - 1] === 0x0a) end--;
  let count = 0;
  for (let i = end - 1; i >= 0; i--) {
    if (buf[i] === 0x0a) {
      count++;
      if (count === n) return i + 1;
    }
  }
  return 0;
}

/**
 * The part of a log to send: from `start`, complete lines only unless `final` (a growing file's last,
 * unterminated line waits for its newline), filtered by `since`, prefixed with timestamps when asked.
 * Returns the text and the offset to continue from.
 */
export function renderChunk(
  buf: Buffer,
  start: number,
  index: readonly IndexEntry[],
  q: Pick<LogQuery, "timestamps" | "since">,
  opts: { final: boolean; now: number },
): { text: string; next: number } {
  let end = buf.length;
  if (!opts.final) {
    const lastNl = buf.lastIndexOf(0x0a, buf.length - 1);
    end = lastNl < start ? start : lastNl + 1;
  }
  if (!q.timestamps && q.since === undefined)
    return { text: buf.subarray(start, end).toString("utf8"), next: end };
  let text = "";
  let pos = start;
  while (pos < end) {
    const nl = buf.indexOf(0x0a, pos);
    const stop = nl < 0 || nl >= end ? end : nl + 1;
    const t = timeAt(index, pos, opts.now);
    if (q.since === undefined || t >= q.since) {
      const line = buf.subarray(pos, stop).toString("utf8");
      text += q.timestamps ? `${rfc3339Nano(t)} ${line}` : line;
    }
    pos = stop;
  }
  return { text, next: end };
}

/** 2024-05-01T10:00:00.123000000Z, as the kubelet prints timestamps. */
export function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000000Z");
}
