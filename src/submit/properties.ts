/**
 * java.util.Properties text format, as Spark writes spark.properties (`Properties.store(Writer, comments)`)
 * and as the driver reads it back (`Properties.load(Reader)`, UTF-8).
 *
 * store(Writer) does not escape non-ASCII characters in keys and values (only store(OutputStream) does, for
 * ISO 8859-1); comment characters above U+00FF are always written as `\uXXXX`. Entries are written sorted by
 * key, as JDK 18+ does (JDK 17 writes them in hash order; the order carries no meaning).
 */

export interface StoreOptions {
  /** Comment written as the first line(s), e.g. "Java properties built from Kubernetes config map with name: x". */
  comments?: string;
  /** The date written on the line after the comments, as java.util.Date#toString in UTC. */
  date?: Date;
  /** Escape characters outside U+0020..U+007E as `\uXXXX`, as store(OutputStream) does. Default false. */
  escapeUnicode?: boolean;
}

const LINE_SEPARATOR = "\n";

/** The text Properties.store writes for these entries. */
export function storeProperties(
  entries: Iterable<readonly [string, string]> | Readonly<Record<string, string>>,
  options: StoreOptions = {},
): string {
  const pairs = Symbol.iterator in entries ? [...entries] : Object.entries(entries);
  const unique = new Map<string, string>(pairs);
  const keys = [...unique.keys()].sort();
  const escapeUnicode = options.escapeUnicode ?? false;
  let out = "";
  if (options.comments !== undefined) out += formatComments(options.comments);
  if (options.date !== undefined) out += `#${javaDateString(options.date)}${LINE_SEPARATOR}`;
  for (const key of keys) {
    const value = unique.get(key)!;
    out += `${escapeKey(key, escapeUnicode)}=${escapeValue(value, escapeUnicode)}${LINE_SEPARATOR}`;
  }
  return out;
}

export function escapeKey(key: string, escapeUnicode = false): string {
  return saveConvert(key, true, escapeUnicode);
}

export function escapeValue(value: string, escapeUnicode = false): string {
  return saveConvert(value, false, escapeUnicode);
}

function hex4(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, "0");
}

function saveConvert(text: string, escapeSpace: boolean, escapeUnicode: boolean): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    const code = text.charCodeAt(i);
    if (code > 61 && code < 127) {
      out += c === "\\" ? "\\\\" : c;
      continue;
    }
    switch (c) {
      case " ":
        out += i === 0 || escapeSpace ? "\\ " : " ";
        break;
      case "\t":
        out += "\\t";
        break;
      case "\n":
        out += "\\n";
        break;
      case "\r":
        out += "\\r";
        break;
      case "\f":
        out += "\\f";
        break;
      case "=":
      case ":":
      case "#":
      case "!":
        out += `\\${c}`;
        break;
      default:
        out += escapeUnicode && (code < 0x20 || code > 0x7e) ? `\\u${hex4(code)}` : c;
    }
  }
  return out;
}

/** Properties.writeComments: `#` before each line, line breaks normalised, chars above U+00FF as \uXXXX. */
function formatComments(comments: string): string {
  let out = "#";
  let i = 0;
  while (i < comments.length) {
    const c = comments.charAt(i);
    const code = comments.charCodeAt(i);
    if (code > 0xff) {
      out += `\\u${hex4(code)}`;
    } else if (c === "\n" || c === "\r") {
      out += LINE_SEPARATOR;
      if (c === "\r" && comments.charAt(i + 1) === "\n") i++;
      const next = comments.charAt(i + 1);
      if (i === comments.length - 1 || (next !== "#" && next !== "!")) out += "#";
    } else {
      out += c;
    }
    i++;
  }
  return out + LINE_SEPARATOR;
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** java.util.Date#toString in the UTC zone: `EEE MMM dd HH:mm:ss zzz yyyy`. */
export function javaDateString(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  const day = `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${pad(date.getUTCDate())}`;
  return `${day} ${time} UTC ${date.getUTCFullYear()}`;
}

const isWhitespace = (c: string) => c === " " || c === "\t" || c === "\f";

/** One natural line from `start`: its text and where the next one begins (after \n, \r or \r\n). */
function naturalLine(text: string, start: number): { line: string; next: number } {
  let end = start;
  while (end < text.length && text.charAt(end) !== "\n" && text.charAt(end) !== "\r") end++;
  const next = text.startsWith("\r\n", end) ? end + 2 : Math.min(end + 1, text.length);
  return { line: text.slice(start, end), next };
}

function endsWithOddBackslashes(line: string): boolean {
  let count = 0;
  while (count < line.length && line.charAt(line.length - 1 - count) === "\\") count++;
  return count % 2 === 1;
}

/** Splits text into the logical lines Properties.load sees (comments and blank lines dropped). */
function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let i = 0;
  while (i < text.length) {
    let logical = "";
    let first = true;
    let isComment = false;
    let continued = true;
    while (continued) {
      while (i < text.length && isWhitespace(text.charAt(i))) i++;
      if (first) isComment = text.charAt(i) === "#" || text.charAt(i) === "!";
      first = false;
      const { line, next } = naturalLine(text, i);
      i = next;
      const continues = !isComment && endsWithOddBackslashes(line);
      logical += continues ? line.slice(0, -1) : line;
      continued = continues && i < text.length;
    }
    if (!isComment && logical !== "") lines.push(logical);
  }
  return lines;
}

function loadConvert(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c !== "\\" || i === text.length - 1) {
      if (c !== "\\") out += c;
      continue;
    }
    const next = text.charAt(++i);
    if (next === "u") {
      const digits = text.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(digits)) throw new Error("Malformed \\uxxxx encoding.");
      out += String.fromCharCode(Number.parseInt(digits, 16));
      i += 4;
    } else {
      out += next === "t" ? "\t" : next === "r" ? "\r" : next === "n" ? "\n" : next === "f" ? "\f" : next;
    }
  }
  return out;
}

/** The entries Properties.load(Reader) reads from this text (later duplicates win). */
export function loadProperties(text: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const line of logicalLines(text)) {
    let keyEnd = 0;
    let valueStart = line.length;
    let hasSeparator = false;
    let precedingBackslash = false;
    while (keyEnd < line.length) {
      const c = line.charAt(keyEnd);
      if ((c === "=" || c === ":") && !precedingBackslash) {
        valueStart = keyEnd + 1;
        hasSeparator = true;
        break;
      }
      if (isWhitespace(c) && !precedingBackslash) {
        valueStart = keyEnd + 1;
        break;
      }
      precedingBackslash = c === "\\" ? !precedingBackslash : false;
      keyEnd++;
    }
    while (valueStart < line.length) {
      const c = line.charAt(valueStart);
      if (!isWhitespace(c)) {
        if (hasSeparator || (c !== "=" && c !== ":")) break;
        hasSeparator = true;
      }
      valueStart++;
    }
    result.set(loadConvert(line.slice(0, keyEnd)), loadConvert(line.slice(valueStart)));
  }
  return result;
}
