/** Small HTTP helpers of the console: bounded bodies, JSON answers, errors as `{error, fields}`. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FieldError } from "./validate.js";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, err: HttpError): void {
  sendJson(res, err.status, {
    error: err.message,
    ...(err.fields.length > 0 ? { fields: err.fields } : {}),
  });
}

/** The body as JSON; 413 past `maxBytes` (read no further), 400 for text that is not JSON. */
export function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes)
    return Promise.reject(
      new HttpError(413, `the body is ${declared} bytes; at most ${maxBytes} are accepted`),
    );
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on("data", (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > maxBytes) {
        done = true;
        reject(new HttpError(413, `the body is over ${maxBytes} bytes`));
        // Drain the rest rather than reset, so the 413 answer reaches the client.
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on("error", (err) => {
      if (!done) reject(new HttpError(400, `cannot read the body: ${err.message}`));
      done = true;
    });
    req.on("end", () => {
      if (done) return;
      done = true;
      const text = Buffer.concat(chunks).toString("utf8");
      if (text.trim() === "")
        return reject(new HttpError(400, "the body is empty; a JSON object is expected"));
      try {
        resolve(JSON.parse(text));
      } catch (err) {
        reject(new HttpError(400, `the body is not JSON: ${(err as Error).message}`));
      }
    });
  });
}

/** A Kubernetes error answer (a Status) as the console's own error, keeping its code. */
export function kubeError(status: number, body: unknown, what: string): HttpError {
  const message =
    typeof body === "object" && body !== null && typeof (body as { message?: unknown }).message === "string"
      ? (body as { message: string }).message
      : typeof body === "string" && body.length > 0
        ? body.slice(0, 500)
        : `the API server answered ${status}`;
  // 5xx from the API server is its trouble, reported as a bad gateway rather than our own failure.
  return new HttpError(status >= 500 ? 502 : status, `${what}: ${message}`);
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}
