/**
 * A failed JVM's log, said as a failure message: the last Java stack trace's headline
 * (`java.nio.file.NoSuchFileException: ...`), its `Caused by:` lines, then its last frames, within a byte
 * budget. A plain tail of the log would keep the frames and the shutdown lines after them and cut the headline.
 */

const FRAME = /^\s+at \S/;
const MORE = /^\s+\.\.\. \d+ more$/;
const CAUSE = /^\s*(Caused by|Suppressed): /;
/** A throwable's class name: a qualified name ending in Exception, Error or Throwable. */
const HEADLINE = /(?:^|\s)(?:[A-Za-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable)\b/;
/** How far above the first frame a multi-line exception message may start. */
const MAX_HEADLINE_LINES = 5;
const OMITTED = "\t...";

const inTrace = (line: string) => FRAME.test(line) || MORE.test(line) || CAUSE.test(line);

/** The summary of the log's last stack trace, at most maxBytes; undefined when the log has no stack trace. */
export function exceptionSummary(log: string, maxBytes: number): string | undefined {
  const lines = log.replace(/\s+$/, "").split("\n");
  let end = lines.length - 1;
  while (end >= 0 && !FRAME.test(lines[end]!) && !MORE.test(lines[end]!)) end--;
  if (end < 0) return undefined;
  let start = end;
  while (start > 0 && inTrace(lines[start - 1]!)) start--;
  if (start === 0 || lines[start - 1]!.trim() === "") return undefined;
  const headline = headlineOf(lines, start);
  const causes = lines
    .slice(start, end + 1)
    .filter((l) => CAUSE.test(l))
    .map((l) => l.trim());
  const frames = lines.slice(start, end + 1).filter((l) => !CAUSE.test(l));
  return fit([...headline, ...causes], frames, maxBytes);
}

/** The lines of the headline: from the one naming the throwable down to the first frame. */
function headlineOf(lines: readonly string[], firstFrame: number): string[] {
  for (let i = firstFrame - 1; i >= Math.max(0, firstFrame - MAX_HEADLINE_LINES); i--) {
    if (lines[i]!.trim() === "") break;
    if (HEADLINE.test(lines[i]!)) return lines.slice(i, firstFrame);
  }
  return [lines[firstFrame - 1]!];
}

/** The head whole (cut at maxBytes if it must be), then as many of the last frames as fit. */
function fit(head: readonly string[], frames: readonly string[], maxBytes: number): string {
  const bytes = (s: string) => Buffer.byteLength(s) + 1;
  const text = head.join("\n");
  if (bytes(text) > maxBytes) return truncate(text, maxBytes);
  const room = maxBytes - bytes(text);
  if (frames.reduce((n, f) => n + bytes(f), 0) <= room) return [...head, ...frames].join("\n");
  const tail: string[] = [];
  let taken = bytes(OMITTED);
  for (let i = frames.length - 1; i >= 0 && taken + bytes(frames[i]!) <= room; i--) {
    tail.unshift(frames[i]!);
    taken += bytes(frames[i]!);
  }
  return taken <= room ? [...head, OMITTED, ...tail].join("\n") : text;
}

function truncate(text: string, maxBytes: number): string {
  let cut = text.slice(0, maxBytes);
  while (Buffer.byteLength(cut) > maxBytes) cut = cut.slice(0, -1);
  return cut;
}
