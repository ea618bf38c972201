import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { type LogQuery, parseIndex, renderChunk, tailOffset } from "./logs.js";

/** The last `bytes` of a log (for termination messages). */
export function readLogTail(file: string, bytes = 16_384): string {
  if (!existsSync(file)) return "";
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - bytes);
    const buf = Buffer.alloc(size - start);
    readSync(fd, buf, 0, buf.length, start);
    const text = buf.toString("utf8");
    return start > 0 ? text.slice(text.indexOf("\n") + 1) : text;
  } finally {
    closeSync(fd);
  }
}

export interface LogSource {
  file: string;
  indexFile: string;
  /** True while the run may still write (follow keeps going). */
  live: () => boolean;
}

function readRange(file: string, start: number): Buffer {
  if (!existsSync(file)) return Buffer.alloc(0);
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    if (size <= start) return Buffer.alloc(0);
    const buf = Buffer.alloc(size - start);
    readSync(fd, buf, 0, buf.length, start);
    return buf;
  } finally {
    closeSync(fd);
  }
}

function readIndex(file: string, base: number) {
  if (!existsSync(file)) return [];
  return parseIndex(readFileSync(file, "utf8")).map(([o, t]) => [o - base, t] as [number, number]);
}

/**
 * Writes a container's log to an HTTP response as the kubelet does: tailLines, timestamps, since,
 * limitBytes; with follow, keeps sending new lines until the run ends (or the client goes away).
 */
export async function streamLog(res: ServerResponse, src: LogSource, q: LogQuery): Promise<void> {
  let closed = false;
  res.on("close", () => {
    closed = true;
  });
  let offset = 0;
  if (q.tailLines !== undefined) offset = tailOffset(readRange(src.file, 0), q.tailLines);
  let budget = q.limitBytes ?? Number.POSITIVE_INFINITY;
  const send = (final: boolean): boolean => {
    const buf = readRange(src.file, offset);
    if (buf.length === 0) return true;
    const chunk = renderChunk(buf, 0, readIndex(src.indexFile, offset), q, { final, now: Date.now() });
    offset += chunk.next;
    if (chunk.text) {
      let out = Buffer.from(chunk.text);
      if (out.length > budget) out = out.subarray(0, budget);
      budget -= out.length;
      res.write(out);
    }
    return budget > 0;
  };
  res.writeHead(200, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-cache" });
  if (!q.follow) {
    send(true);
    res.end();
    return;
  }
  for (;;) {
    const live = src.live();
    if (!send(!live) || !live || closed) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  if (!closed) res.end();
}
