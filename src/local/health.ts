import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

/** GETs a URL and resolves with the status code (0 on a connection error). TLS is verified against `ca` when given. */
export function httpStatus(
  url: string,
  opts: { ca?: string; token?: string; timeoutMs?: number } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const u = new URL(url);
    const fn = u.protocol === "https:" ? httpsRequest : httpRequest;
    const req = fn(
      u,
      {
        method: "GET",
        headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
        ...(u.protocol === "https:" ? (opts.ca ? { ca: opts.ca } : { rejectUnauthorized: false }) : {}),
        timeout: opts.timeoutMs ?? 2000,
      },
      (res) => {
        let body = "";
        res.on("data", (c: Buffer) => {
          body += c.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve({ status: 0, body: "" }));
    req.end();
  });
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  opts: { timeoutMs: number; intervalMs?: number; failFast?: () => string | undefined },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (await check()) return;
    const fatal = opts.failFast?.();
    if (fatal) throw new Error(`${what}: ${fatal}`);
    if (Date.now() > deadline)
      throw new Error(`${what}: not ready after ${Math.round(opts.timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}
